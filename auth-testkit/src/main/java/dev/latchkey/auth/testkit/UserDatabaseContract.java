package dev.latchkey.auth.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.User;
import dev.latchkey.auth.spi.CodeLogin;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.UpsertResult;
import dev.latchkey.auth.spi.UserDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link UserDatabase} must meet. Extend it from a test class of your store module and return the
 * store under test:
 *
 * <pre>{@code
 * class PostgresUserDatabaseTest extends UserDatabaseContract {
 *     private static final UserDatabase DATABASE = new PostgresUserDatabase(sharedDataSource());
 *
 *     @Override
 *     protected UserDatabase userDatabase() {
 *         return DATABASE;
 *     }
 * }
 * }</pre>
 *
 * <p>{@link #userDatabase()} is called at least once per test and may return the same instance every time. Each
 * test works in its own freshly generated tenant with freshly generated emails and numbers, so the suite runs
 * against a shared, non-empty database without any cleanup between tests. Time never comes from a clock: every
 * instant is a fixed base plus an offset, truncated to {@link #timestampPrecision()}.
 *
 * <p>The suite includes concurrency cases (many threads upserting one key, many threads claiming one email); a store
 * that is not atomic fails them. Subclasses may add their own tests; they should not override the inherited ones.
 */
public abstract class UserDatabaseContract {
    private static final Instant BASE = Instant.parse("2030-01-01T00:00:00Z");
    private static final int THREADS = 16;
    /** Default for {@link #concurrencyRounds()}. */
    protected static final int DEFAULT_CONCURRENCY_ROUNDS = 10;

    /** The store under test. */
    protected abstract UserDatabase userDatabase();

    /**
     * How many times each concurrency case runs, each time on fresh keys. A race window is narrow, so one run may
     * miss it; repeating makes a non-atomic store fail reliably. Defaults to {@value #DEFAULT_CONCURRENCY_ROUNDS}.
     */
    protected int concurrencyRounds() {
        return DEFAULT_CONCURRENCY_ROUNDS;
    }

    /**
     * The finest unit of time the store keeps. The contract only passes instants already truncated to this unit,
     * so a store that keeps microseconds (PostgreSQL) round-trips them exactly. Defaults to microseconds.
     */
    protected TemporalUnit timestampPrecision() {
        return ChronoUnit.MICROS;
    }

    private final String tenant = "tenant-" + UUID.randomUUID();

    @Test
    public void upsertCreatesUserWithEveryField() {
        Instant now = at(Duration.ofMinutes(1));
        NewUser draft = new NewUser(
                UUID.randomUUID(), tenant, newEmail(), newMobile(), "Ada", "member", Set.of("reports:read"));

        UpsertResult result = userDatabase().upsert(draft, now);

        assertThat(result.created())
                .as("upsert of a new email must create a user")
                .isTrue();
        User user = result.user();
        assertThat(user.id()).as("a created user must keep the draft's id").isEqualTo(draft.id());
        assertThat(user.tenantId())
                .as("a created user must keep the draft's tenant")
                .isEqualTo(tenant);
        assertThat(user.email())
                .as("a created user must keep the draft's email")
                .isEqualTo(draft.email());
        assertThat(user.mobile())
                .as("a created user must keep the draft's mobile")
                .isEqualTo(draft.mobile());
        assertThat(user.name()).as("a created user must keep the draft's name").isEqualTo("Ada");
        assertThat(user.role()).as("a created user must keep the draft's role").isEqualTo("member");
        assertThat(user.permissions())
                .as("a created user must keep the draft's permissions")
                .containsExactly("reports:read");
        assertThat(user.active()).as("a new user must be active").isTrue();
        assertThat(user.lastLoginAt()).as("a new user must have no last login").isNull();
        assertThat(user.createdAt())
                .as("createdAt of a new user must be the upsert's now")
                .isEqualTo(now);
        assertThat(user.updatedAt())
                .as("updatedAt of a new user must be its creation time")
                .isEqualTo(now);
        assertThat(userDatabase().findById(tenant, draft.id()))
                .as("a created user must be found by id exactly as upsert returned it")
                .contains(user);
    }

    @Test
    public void upsertReturnsExistingUserUnchanged() {
        String email = newEmail();
        User first = userDatabase()
                .upsert(new NewUser(UUID.randomUUID(), tenant, email, null, "First", "member", Set.of()), at(1))
                .user();

        UpsertResult second = userDatabase()
                .upsert(new NewUser(UUID.randomUUID(), tenant, email, null, "Second", "admin", Set.of("x")), at(2));

        assertThat(second.created())
                .as("upsert of an existing email must not create a user")
                .isFalse();
        assertThat(second.user())
                .as("upsert of an existing user must return it unchanged")
                .isEqualTo(first);
        assertThat(userDatabase().findByEmail(tenant, email))
                .as("upsert of an existing user must leave it unchanged in the store")
                .contains(first);
    }

    @Test
    public void upsertIsKeyedByEmailWhenTheDraftHasOne() {
        String email = newEmail();
        User existing = userDatabase()
                .upsert(new NewUser(UUID.randomUUID(), tenant, email, newMobile(), null, "member", Set.of()), at(1))
                .user();

        // Same email, a mobile nobody has: the email decides, so the existing user comes back unchanged.
        UpsertResult result = userDatabase()
                .upsert(new NewUser(UUID.randomUUID(), tenant, email, newMobile(), null, "member", Set.of()), at(2));

        assertThat(result.created())
                .as("a draft with an email must be matched by email")
                .isFalse();
        assertThat(result.user())
                .as("the user matched by email must be returned unchanged, the draft's other fields ignored")
                .isEqualTo(existing);
    }

    @Test
    public void upsertIsKeyedByMobileWhenTheDraftHasNoEmail() {
        String mobile = newMobile();
        User existing = userDatabase()
                .upsert(new NewUser(UUID.randomUUID(), tenant, newEmail(), mobile, null, "member", Set.of()), at(1))
                .user();

        UpsertResult result = userDatabase()
                .upsert(new NewUser(UUID.randomUUID(), tenant, null, mobile, null, "member", Set.of()), at(2));

        assertThat(result.created())
                .as("a draft without email must be matched by mobile")
                .isFalse();
        assertThat(result.user())
                .as("the user matched by mobile must be returned unchanged")
                .isEqualTo(existing);
        assertThat(userDatabase().findByMobile(tenant, mobile))
                .as("the user matched by mobile must still be found by mobile")
                .contains(existing);
    }

    @Test
    public void upsertCreatesMobileOnlyUser() {
        String mobile = newMobile();
        UpsertResult result = userDatabase()
                .upsert(new NewUser(UUID.randomUUID(), tenant, null, mobile, null, "member", Set.of()), at(1));

        assertThat(result.created())
                .as("a draft with only a mobile must create a user")
                .isTrue();
        assertThat(result.user().email())
                .as("a mobile-only user must have no email")
                .isNull();
        assertThat(userDatabase().findByMobile(tenant, mobile))
                .as("a mobile-only user must be found by mobile")
                .contains(result.user());
    }

    @Test
    public void upsertConflictsWhenTheOtherIdentifierBelongsToAnotherUser() {
        String takenMobile = newMobile();
        User owner = userDatabase()
                .upsert(
                        new NewUser(UUID.randomUUID(), tenant, newEmail(), takenMobile, null, "member", Set.of()),
                        at(1))
                .user();
        String newEmail = newEmail();

        assertConflict(() -> userDatabase()
                .upsert(
                        new NewUser(UUID.randomUUID(), tenant, newEmail, takenMobile, null, "member", Set.of()),
                        at(2)));

        assertThat(userDatabase().findByEmail(tenant, newEmail))
                .as("a conflicting upsert must not create a user")
                .isEmpty();
        assertThat(userDatabase().findByMobile(tenant, takenMobile))
                .as("a conflicting upsert must leave the mobile with its owner")
                .contains(owner);
    }

    @Test
    public void upsertOfExistingUserConflictsWhenTheOtherIdentifierBelongsToAThirdUser() {
        String email = newEmail();
        String othersMobile = newMobile();
        User existing = userDatabase()
                .upsert(new NewUser(UUID.randomUUID(), tenant, email, null, null, "member", Set.of()), at(1))
                .user();
        userDatabase()
                .upsert(new NewUser(UUID.randomUUID(), tenant, null, othersMobile, null, "member", Set.of()), at(1));

        assertConflict(() -> userDatabase()
                .upsert(new NewUser(UUID.randomUUID(), tenant, email, othersMobile, null, "member", Set.of()), at(2)));

        assertThat(userDatabase().findByEmail(tenant, email))
                .as("a conflicting upsert must leave the existing user unchanged")
                .contains(existing);
    }

    @Test
    public void concurrentUpsertsOfOneKeyCreateExactlyOneUser() {
        for (int round = 0; round < concurrencyRounds(); round++) {
            String email = newEmail();

            List<UpsertResult> results = ConcurrentRunner.runConcurrently(THREADS, i -> userDatabase()
                    .upsert(new NewUser(UUID.randomUUID(), tenant, email, null, "n" + i, "member", Set.of()), at(1)));

            assertThat(results)
                    .as("50 concurrent upserts of one email must create exactly one user")
                    .filteredOn(UpsertResult::created)
                    .hasSize(1);
            UUID winner = results.stream()
                    .filter(UpsertResult::created)
                    .findFirst()
                    .orElseThrow()
                    .user()
                    .id();
            assertThat(results)
                    .as("every concurrent upsert of one email must return the same user")
                    .allSatisfy(r -> assertThat(r.user().id())
                            .as("id returned by a concurrent upsert of one email")
                            .isEqualTo(winner));
            assertThat(userDatabase().findByEmail(tenant, email))
                    .as("the one user created concurrently must be found by email")
                    .hasValueSatisfying(u -> assertThat(u.id())
                            .as("id of the user found by the concurrently upserted email")
                            .isEqualTo(winner));
        }
    }

    @Test
    public void concurrentUpsertsOfDistinctKeysCreateEveryUser() {
        List<UpsertResult> results = ConcurrentRunner.runConcurrently(THREADS, i -> userDatabase()
                .upsert(
                        new NewUser(UUID.randomUUID(), tenant, newEmail(), newMobile(), null, "member", Set.of()),
                        at(1)));

        assertThat(results)
                .as("50 concurrent upserts of distinct emails must each create a user")
                .allSatisfy(r -> assertThat(r.created())
                        .as("an upsert of a distinct email must create")
                        .isTrue());
        assertThat(results)
                .as("every user created concurrently must be found by id")
                .allSatisfy(
                        r -> assertThat(userDatabase().findById(tenant, r.user().id()))
                                .as("a concurrently created user must be found by id unchanged")
                                .contains(r.user()));
    }

    @Test
    public void concurrentUpdatesClaimingOneEmailLetExactlyOneWin() {
        for (int round = 0; round < concurrencyRounds(); round++) {
            List<User> users = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                users.add(createUser(newEmail(), null, at(1)));
            }
            String contested = newEmail();

            List<Boolean> won = ConcurrentRunner.runConcurrently(THREADS, i -> {
                User user = users.get(i);
                try {
                    userDatabase()
                            .update(
                                    user.withProfile(
                                            contested, user.mobile(), user.name(), user.role(), user.permissions()),
                                    at(2));
                    return true;
                } catch (AuthException e) {
                    assertThat(e.errorCode())
                            .as("a losing concurrent update must fail with CONFLICT")
                            .isEqualTo(ErrorCode.CONFLICT);
                    return false;
                }
            });

            assertThat(won)
                    .as("50 concurrent updates claiming one email must let exactly one win")
                    .filteredOn(Boolean::booleanValue)
                    .hasSize(1);
            UUID winner = users.get(won.indexOf(true)).id();
            assertThat(userDatabase().findByEmail(tenant, contested))
                    .as("the contested email must resolve to the winner")
                    .hasValueSatisfying(u -> assertThat(u.id())
                            .as("id of the user owning the contested email")
                            .isEqualTo(winner));
            for (int i = 0; i < THREADS; i++) {
                if (!won.get(i)) {
                    assertThat(userDatabase().findById(tenant, users.get(i).id()))
                            .as("a losing update must leave its user unchanged")
                            .contains(users.get(i));
                }
            }
        }
    }

    @Test
    public void sameEmailAndMobileMayBelongToUsersOfTwoTenants() {
        String otherTenant = "tenant-" + UUID.randomUUID();
        String email = newEmail();
        String mobile = newMobile();

        UpsertResult here = userDatabase()
                .upsert(new NewUser(UUID.randomUUID(), tenant, email, mobile, null, "member", Set.of()), at(1));
        UpsertResult there = userDatabase()
                .upsert(new NewUser(UUID.randomUUID(), otherTenant, email, mobile, null, "member", Set.of()), at(1));

        assertThat(here.created())
                .as("an email and mobile new to this tenant must create a user")
                .isTrue();
        assertThat(there.created())
                .as("the same email and mobile in another tenant must create another user")
                .isTrue();
        assertThat(there.user().id())
                .as("users of two tenants must have different ids")
                .isNotEqualTo(here.user().id());
        assertThat(userDatabase().findByEmail(tenant, email))
                .as("findByEmail must find the user of the tenant asked")
                .contains(here.user());
        assertThat(userDatabase().findByEmail(otherTenant, email))
                .as("findByEmail must find the user of the other tenant there")
                .contains(there.user());
        assertThat(userDatabase().findByMobile(tenant, mobile))
                .as("findByMobile must find the user of the tenant asked")
                .contains(here.user());
        assertThat(userDatabase().findByMobile(otherTenant, mobile))
                .as("findByMobile must find the user of the other tenant there")
                .contains(there.user());
    }

    @Test
    public void lookupsAreScopedByTenant() {
        String otherTenant = "tenant-" + UUID.randomUUID();
        User user = createUser(newEmail(), newMobile(), at(1));

        assertThat(userDatabase().findById(otherTenant, user.id()))
                .as("findById must not find a user of another tenant")
                .isEmpty();
        assertThat(userDatabase().findByEmail(otherTenant, user.emailAddress().orElseThrow()))
                .as("findByEmail must not find a user of another tenant")
                .isEmpty();
        assertThat(userDatabase().findByMobile(otherTenant, user.mobileNumber().orElseThrow()))
                .as("findByMobile must not find a user of another tenant")
                .isEmpty();
        assertThat(userDatabase().findById(tenant, user.id()))
                .as("findById must find the user in its own tenant")
                .contains(user);
        assertThat(userDatabase().findByEmail(tenant, user.emailAddress().orElseThrow()))
                .as("findByEmail must find the user in its own tenant")
                .contains(user);
        assertThat(userDatabase().findByMobile(tenant, user.mobileNumber().orElseThrow()))
                .as("findByMobile must find the user in its own tenant")
                .contains(user);
    }

    @Test
    public void lookupsOfUnknownUsersAreEmpty() {
        assertThat(userDatabase().findById(tenant, UUID.randomUUID()))
                .as("findById of an unknown id must be empty")
                .isEmpty();
        assertThat(userDatabase().findByEmail(tenant, newEmail()))
                .as("findByEmail of an unknown email must be empty")
                .isEmpty();
        assertThat(userDatabase().findByMobile(tenant, newMobile()))
                .as("findByMobile of an unknown mobile must be empty")
                .isEmpty();
    }

    @Test
    public void emailsAreComparedExactly() {
        String email = newEmail();
        createUser(email, null, at(1));

        assertThat(userDatabase().findByEmail(tenant, email.toUpperCase(Locale.ROOT)))
                .as("emails must be compared exactly: the core normalises them, the store must not fold case")
                .isEmpty();
    }

    @Test
    public void updateReplacesProfileAndKeepsIdentityAndHistory() {
        User user = createUser(newEmail(), newMobile(), at(1));
        userDatabase().recordLogin(tenant, user.id(), at(2));
        String newEmail = newEmail();
        String newMobile = newMobile();
        User changes = new User(
                user.id(),
                tenant,
                newEmail,
                newMobile,
                "Grace",
                "admin",
                Set.of("users:write", "reports:read"),
                false,
                at(500),
                at(600),
                at(700));

        Optional<User> updated = userDatabase().update(changes, at(3));

        User expected = new User(
                user.id(),
                tenant,
                newEmail,
                newMobile,
                "Grace",
                "admin",
                Set.of("users:write", "reports:read"),
                false,
                at(2),
                user.createdAt(),
                at(3));
        assertThat(updated)
                .as(
                        "update must return the new profile with the same identity, creation time and last login, and updatedAt = now")
                .contains(expected);
        assertThat(userDatabase().findById(tenant, user.id()))
                .as("the updated user must be found by id")
                .contains(expected);
        assertThat(userDatabase().findByEmail(tenant, newEmail))
                .as("the updated user must be found by its new email")
                .contains(expected);
        assertThat(userDatabase().findByMobile(tenant, newMobile))
                .as("the updated user must be found by its new mobile")
                .contains(expected);
    }

    @Test
    public void updateReleasesTheOldEmailAndMobile() {
        String oldEmail = newEmail();
        String oldMobile = newMobile();
        User user = createUser(oldEmail, oldMobile, at(1));

        userDatabase().update(user.withProfile(newEmail(), null, null, "member", Set.of()), at(2));

        assertThat(userDatabase().findByEmail(tenant, oldEmail))
                .as("update must release the old email")
                .isEmpty();
        assertThat(userDatabase().findByMobile(tenant, oldMobile))
                .as("update must release the old mobile")
                .isEmpty();
        UpsertResult reuse = userDatabase()
                .upsert(new NewUser(UUID.randomUUID(), tenant, oldEmail, oldMobile, null, "member", Set.of()), at(3));
        assertThat(reuse.created())
                .as("a released mobile must be free for a new user")
                .isTrue();
        assertThat(userDatabase().findByMobile(tenant, oldMobile))
                .as("a released mobile must find its new owner")
                .contains(reuse.user());
    }

    @Test
    public void updateKeepingTheSameIdentifiersSucceeds() {
        User user = createUser(newEmail(), newMobile(), at(1));

        Optional<User> updated = userDatabase()
                .update(user.withProfile(user.email(), user.mobile(), "Renamed", "member", Set.of()), at(2));

        assertThat(updated)
                .as("an update keeping the user's own email and mobile must succeed")
                .hasValueSatisfying(u -> {
                    assertThat(u.name()).as("the new name must be stored").isEqualTo("Renamed");
                    assertThat(u.updatedAt())
                            .as("updatedAt must be the update's now")
                            .isEqualTo(at(2));
                });
    }

    @Test
    public void updateConflictsWhenTheEmailBelongsToAnotherUser() {
        User other = createUser(newEmail(), null, at(1));
        User user = createUser(newEmail(), null, at(1));

        assertConflict(
                () -> userDatabase().update(user.withProfile(other.email(), null, "x", "member", Set.of()), at(2)));

        assertThat(userDatabase().findById(tenant, user.id()))
                .as("a conflicting update must leave the user unchanged")
                .contains(user);
        assertThat(userDatabase().findByEmail(tenant, other.emailAddress().orElseThrow()))
                .as("a conflicting update must leave the email with its owner")
                .contains(other);
    }

    @Test
    public void updateConflictsWhenTheMobileBelongsToAnotherUser() {
        User other = createUser(null, newMobile(), at(1));
        User user = createUser(newEmail(), null, at(1));

        assertConflict(() ->
                userDatabase().update(user.withProfile(user.email(), other.mobile(), "x", "member", Set.of()), at(2)));

        assertThat(userDatabase().findById(tenant, user.id()))
                .as("a conflicting update must leave the user unchanged")
                .contains(user);
        assertThat(userDatabase().findByMobile(tenant, other.mobileNumber().orElseThrow()))
                .as("a conflicting update must leave the mobile with its owner")
                .contains(other);
    }

    @Test
    public void updateOfMissingUserReturnsEmpty() {
        User ghost = new User(
                UUID.randomUUID(), tenant, newEmail(), null, null, "member", Set.of(), true, null, at(1), at(1));

        assertThat(userDatabase().update(ghost, at(2)))
                .as("update of a missing user must return empty")
                .isEmpty();
        assertThat(userDatabase().findById(tenant, ghost.id()))
                .as("update of a missing user must not create it")
                .isEmpty();
        assertThat(userDatabase().findByEmail(tenant, ghost.emailAddress().orElseThrow()))
                .as("update of a missing user must not claim its email")
                .isEmpty();
    }

    @Test
    public void updateDoesNotReachAcrossTenants() {
        User user = createUser(newEmail(), null, at(1));
        String otherTenant = "tenant-" + UUID.randomUUID();
        User sameIdElsewhere =
                new User(user.id(), otherTenant, newEmail(), null, "x", "admin", Set.of(), true, null, at(1), at(1));

        assertThat(userDatabase().update(sameIdElsewhere, at(2)))
                .as("update must not reach a user of another tenant with the same id")
                .isEmpty();
        assertThat(userDatabase().findById(tenant, user.id()))
                .as("an update aimed at another tenant must leave the user unchanged")
                .contains(user);
    }

    @Test
    public void disableMarksUserInactive() {
        User user = createUser(newEmail(), null, at(1));

        assertThat(userDatabase().disable(tenant, user.id(), at(2)))
                .as("disable of an existing user must return true")
                .isTrue();

        assertThat(userDatabase().findById(tenant, user.id()))
                .as("a disabled user must still be found by id")
                .hasValueSatisfying(u -> {
                    assertThat(u.active())
                            .as("a disabled user must be inactive")
                            .isFalse();
                    assertThat(u.updatedAt())
                            .as("disable must set updatedAt to now")
                            .isEqualTo(at(2));
                    assertThat(u.createdAt()).as("disable must keep createdAt").isEqualTo(user.createdAt());
                });
        assertThat(userDatabase().findByEmail(tenant, user.emailAddress().orElseThrow()))
                .as("a disabled user must still be found by email")
                .hasValueSatisfying(u -> assertThat(u.active())
                        .as("a disabled user found by email must be inactive too")
                        .isFalse());
    }

    @Test
    public void disableOfMissingUserReturnsFalse() {
        User user = createUser(newEmail(), null, at(1));

        assertThat(userDatabase().disable(tenant, UUID.randomUUID(), at(2)))
                .as("disable of an unknown id must return false")
                .isFalse();
        assertThat(userDatabase().disable("tenant-" + UUID.randomUUID(), user.id(), at(2)))
                .as("disable must not reach a user of another tenant")
                .isFalse();
        assertThat(userDatabase().findById(tenant, user.id()))
                .as("a disable that found no user must change nothing")
                .contains(user);
    }

    @Test
    public void recordLoginSetsLastLoginOnly() {
        User user = createUser(newEmail(), null, at(1));

        userDatabase().recordLogin(tenant, user.id(), at(5));

        User after = userDatabase().findById(tenant, user.id()).orElseThrow();
        assertThat(after.lastLoginAt()).as("recordLogin must set lastLoginAt").isEqualTo(at(5));
        assertThat(after)
                .as("recordLogin must change nothing but lastLoginAt and updatedAt")
                .usingRecursiveComparison()
                .ignoringFields("lastLoginAt", "updatedAt")
                .isEqualTo(user);
    }

    @Test
    public void recordLoginOfMissingUserDoesNothing() {
        UUID missing = UUID.randomUUID();

        userDatabase().recordLogin(tenant, missing, at(5));

        assertThat(userDatabase().findById(tenant, missing))
                .as("recordLogin of a missing user must not create it")
                .isEmpty();
    }

    @Test
    public void permissionsRoundTrip() {
        Set<String> permissions = Set.of("reports:read", "users:write", "報告:閲覧", "café:crème", "🔑:admin", "a b,c\"d");
        User user = userDatabase()
                .upsert(new NewUser(UUID.randomUUID(), tenant, newEmail(), null, "Zoë 🚀", "owner", permissions), at(1))
                .user();

        assertThat(user.permissions())
                .as("upsert must return the permissions as given, Unicode and punctuation included")
                .isEqualTo(permissions);
        User found = userDatabase().findById(tenant, user.id()).orElseThrow();
        assertThat(found.permissions())
                .as("permissions must round-trip through the store")
                .isEqualTo(permissions);
        assertThat(found.name()).as("names must round-trip, Unicode included").isEqualTo("Zoë 🚀");

        User emptied = userDatabase()
                .update(user.withProfile(user.email(), null, null, "owner", Set.of()), at(2))
                .orElseThrow();
        assertThat(emptied.permissions())
                .as("update to no permissions must return none")
                .isEmpty();
        assertThat(userDatabase().findById(tenant, user.id()).orElseThrow().permissions())
                .as("an emptied permission set must round-trip as empty")
                .isEmpty();
    }

    @Test
    public void timestampsRoundTrip() {
        Instant created = BASE.plusNanos(123_456_789).truncatedTo(timestampPrecision());
        Instant login = BASE.plus(Duration.ofDays(400)).plusNanos(987_654_321).truncatedTo(timestampPrecision());
        User user = createUser(newEmail(), null, created);
        userDatabase().recordLogin(tenant, user.id(), login);

        User found = userDatabase().findById(tenant, user.id()).orElseThrow();

        assertThat(found.createdAt())
                .as("createdAt must round-trip at the store's timestamp precision")
                .isEqualTo(created);
        assertThat(found.updatedAt())
                .as("updatedAt must round-trip at the store's timestamp precision")
                .isEqualTo(created);
        assertThat(found.lastLoginAt())
                .as("lastLoginAt must round-trip at the store's timestamp precision")
                .isEqualTo(login);
    }

    @Test
    public void markEmailVerifiedRecordsProofOfTheCurrentEmailOnly() {
        String email = newEmail();
        User user = createUser(email, null, at(0));
        assertThat(user.emailVerifiedAt()).isNull();

        userDatabase().markEmailVerified(tenant, user.id(), "someone-else@example.com", at(1));
        assertThat(userDatabase().findById(tenant, user.id()).orElseThrow().emailVerifiedAt())
                .as("an address the user does not have is never marked")
                .isNull();

        userDatabase().markEmailVerified(tenant, user.id(), email, at(2));
        assertThat(userDatabase().findById(tenant, user.id()).orElseThrow().emailVerifiedAt())
                .isEqualTo(at(2));
        assertThat(userDatabase().findByEmail(tenant, email).orElseThrow().emailVerifiedAt())
                .isEqualTo(at(2));
    }

    @Test
    public void verifiedEmailSurvivesOtherChangesAndIsClearedWhenTheEmailChanges() {
        String email = newEmail();
        User user = createUser(email, null, at(0));
        userDatabase().markEmailVerified(tenant, user.id(), email, at(1));
        userDatabase().recordLogin(tenant, user.id(), at(2));
        User renamed = userDatabase()
                .update(user.withProfile(email, null, "Ada", "member", Set.of()), at(3))
                .orElseThrow();
        assertThat(renamed.emailVerifiedAt()).isEqualTo(at(1));
        userDatabase().disable(tenant, user.id(), at(4));
        assertThat(userDatabase().findById(tenant, user.id()).orElseThrow().emailVerifiedAt())
                .isEqualTo(at(1));

        User moved = userDatabase()
                .update(user.withProfile(newEmail(), null, "Ada", "member", Set.of()), at(5))
                .orElseThrow();

        assertThat(moved.emailVerifiedAt()).as("a new address is unproven").isNull();
        assertThat(userDatabase().findById(tenant, user.id()).orElseThrow().emailVerifiedAt())
                .isNull();
    }

    @Test
    public void markEmailVerifiedOfAnUnknownUserDoesNothing() {
        userDatabase().markEmailVerified(tenant, UUID.randomUUID(), newEmail(), at(1));
    }

    // ---------------------------------------------------------------- recordCodeLogin (find or create + record)

    @Test
    public void codeLoginOfANewMobileCreatesTheUserWithTheLoginRecorded() {
        String mobile = newMobile();
        NewUser draft = new NewUser(UUID.randomUUID(), tenant, null, mobile, "Ada", "editor", Set.of("posts:write"));
        Instant now = at(10);

        UpsertResult result = userDatabase()
                .recordCodeLogin(new CodeLogin(tenant, null, mobile, Optional.of(draft), now))
                .orElseThrow();

        assertThat(result.created()).as("a first login creates the user").isTrue();
        User user = result.user();
        assertThat(user.id()).as("the new user's id is the draft's").isEqualTo(draft.id());
        assertThat(List.of(user.mobile(), user.name(), user.role(), user.permissions(), user.active()))
                .as("mobile, name, role, permissions and active flag of the created user")
                .isEqualTo(List.of(mobile, "Ada", "editor", Set.of("posts:write"), true));
        assertThat(user.lastLoginAt())
                .as("the returned user has the login recorded")
                .isEqualTo(now);
        assertThat(user.emailVerifiedAt()).as("a mobile login proves no email").isNull();
        User stored = userDatabase().findByMobile(tenant, mobile).orElseThrow();
        assertThat(stored.lastLoginAt())
                .as("the stored user has the login recorded")
                .isEqualTo(now);
        assertThat(stored.createdAt()).as("created at the login").isEqualTo(now);
    }

    @Test
    public void codeLoginOfAnExistingUserRecordsTheLoginAndCreatesNothing() {
        String mobile = newMobile();
        User existing = createUser(null, mobile, at(1));
        NewUser draft = new NewUser(UUID.randomUUID(), tenant, null, mobile, null, "member", Set.of());

        UpsertResult result = userDatabase()
                .recordCodeLogin(new CodeLogin(tenant, null, mobile, Optional.of(draft), at(20)))
                .orElseThrow();

        assertThat(result.created()).as("an existing user is not created again").isFalse();
        assertThat(result.user().id()).as("the existing user logs in").isEqualTo(existing.id());
        assertThat(result.user().lastLoginAt()).as("the returned last login").isEqualTo(at(20));
        assertThat(userDatabase().findById(tenant, existing.id()).orElseThrow().lastLoginAt())
                .as("the stored last login")
                .isEqualTo(at(20));
        assertThat(userDatabase().findById(tenant, draft.id()))
                .as("the draft is not inserted")
                .isEmpty();
    }

    @Test
    public void codeLoginByEmailMarksTheEmailVerifiedAndByMobileDoesNot() {
        String email = newEmail();
        String mobile = newMobile();
        User both = createUser(email, null, at(1));
        userDatabase()
                .update(
                        new User(
                                both.id(),
                                tenant,
                                email,
                                mobile,
                                null,
                                "member",
                                Set.of(),
                                true,
                                null,
                                both.createdAt(),
                                both.updatedAt()),
                        at(2));

        User byMobile = userDatabase()
                .recordCodeLogin(new CodeLogin(tenant, null, mobile, Optional.empty(), at(3)))
                .orElseThrow()
                .user();
        assertThat(byMobile.emailVerifiedAt())
                .as("a code sent to a mobile proves no email")
                .isNull();
        assertThat(userDatabase().findById(tenant, both.id()).orElseThrow().emailVerifiedAt())
                .as("stored email verification after a mobile login")
                .isNull();

        User byEmail = userDatabase()
                .recordCodeLogin(new CodeLogin(tenant, email, null, Optional.empty(), at(4)))
                .orElseThrow()
                .user();
        assertThat(byEmail.emailVerifiedAt())
                .as("a code sent to the email proves it")
                .isEqualTo(at(4));
        User stored = userDatabase().findById(tenant, both.id()).orElseThrow();
        assertThat(List.of(stored.emailVerifiedAt(), stored.lastLoginAt()))
                .as("stored email verification and last login after an email login")
                .isEqualTo(List.of(at(4), at(4)));
        User created = userDatabase()
                .recordCodeLogin(new CodeLogin(tenant, newEmail(), null, Optional.empty(), at(5)))
                .map(UpsertResult::user)
                .orElse(null);
        assertThat(created).as("invite-only login of an unknown email").isNull();
    }

    @Test
    public void codeLoginWithoutANewUserCreatesNobody() {
        String mobile = newMobile();

        Optional<UpsertResult> result =
                userDatabase().recordCodeLogin(new CodeLogin(tenant, null, mobile, Optional.empty(), at(1)));

        assertThat(result)
                .as("invite-only: nobody holds the number and nobody is created")
                .isEmpty();
        assertThat(userDatabase().findByMobile(tenant, mobile))
                .as("no user was created")
                .isEmpty();
    }

    @Test
    public void codeLoginOfADisabledUserRecordsNothingAndReturnsItInactive() {
        String email = newEmail();
        User user = createUser(email, null, at(1));
        userDatabase().disable(tenant, user.id(), at(2));
        NewUser draft = new NewUser(UUID.randomUUID(), tenant, email, null, null, "member", Set.of());

        for (Optional<NewUser> newUser : List.of(Optional.of(draft), Optional.<NewUser>empty())) {
            UpsertResult result = userDatabase()
                    .recordCodeLogin(new CodeLogin(tenant, email, null, newUser, at(3)))
                    .orElseThrow();
            assertThat(result.user().active())
                    .as("the disabled user comes back inactive")
                    .isFalse();
            assertThat(result.created())
                    .as("nothing is created for a disabled user")
                    .isFalse();
        }
        User stored = userDatabase().findById(tenant, user.id()).orElseThrow();
        assertThat(stored.lastLoginAt())
                .as("no login is recorded for a disabled user")
                .isNull();
        assertThat(stored.emailVerifiedAt()).as("nor an email verification").isNull();
    }

    @Test
    public void concurrentCodeLoginsOfANewDestinationCreateExactlyOneUser() {
        for (int round = 0; round < concurrencyRounds(); round++) {
            String email = newEmail();
            Instant now = at(round + 1);
            List<UpsertResult> results = ConcurrentRunner.runConcurrently(THREADS, i -> userDatabase()
                    .recordCodeLogin(new CodeLogin(
                            tenant,
                            email,
                            null,
                            Optional.of(new NewUser(UUID.randomUUID(), tenant, email, null, null, "member", Set.of())),
                            now))
                    .orElseThrow());
            assertThat(results.stream().filter(UpsertResult::created).count())
                    .as("concurrent first logins of one email create exactly one user")
                    .isEqualTo(1);
            assertThat(results.stream().map(r -> r.user().id()).distinct().count())
                    .as("and every one of them logs in as that user")
                    .isEqualTo(1);
        }
    }

    @Test
    public void pingSucceeds() {
        userDatabase().ping();
    }

    private User createUser(@Nullable String email, @Nullable String mobile, Instant now) {
        UpsertResult result = userDatabase()
                .upsert(new NewUser(UUID.randomUUID(), tenant, email, mobile, null, "member", Set.of()), now);
        assertThat(result.created())
                .as("fixture: upsert of a fresh email or mobile must create a user")
                .isTrue();
        return result.user();
    }

    private static void assertConflict(Runnable call) {
        assertThatThrownBy(call::run)
                .as("a change that would give another user's email or mobile to this one must be refused")
                .isInstanceOf(AuthException.class)
                .satisfies(e -> assertThat(((AuthException) e).errorCode())
                        .as("error code of the refused change")
                        .isEqualTo(ErrorCode.CONFLICT));
    }

    private Instant at(long seconds) {
        return at(Duration.ofSeconds(seconds));
    }

    private Instant at(Duration offset) {
        return BASE.plus(offset).truncatedTo(timestampPrecision());
    }

    private static String newEmail() {
        return "user-" + UUID.randomUUID() + "@example.com";
    }

    private static String newMobile() {
        // E.164 with a random subscriber part: unique enough within the per-test tenant.
        return "+4477" + String.format("%09d", ThreadLocalRandom.current().nextInt(1_000_000_000));
    }
}
