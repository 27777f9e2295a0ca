package dev.latchkey.auth.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.User;
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

        assertThat(result.created()).isTrue();
        User user = result.user();
        assertThat(user.id()).isEqualTo(draft.id());
        assertThat(user.tenantId()).isEqualTo(tenant);
        assertThat(user.email()).isEqualTo(draft.email());
        assertThat(user.mobile()).isEqualTo(draft.mobile());
        assertThat(user.name()).isEqualTo("Ada");
        assertThat(user.role()).isEqualTo("member");
        assertThat(user.permissions()).containsExactly("reports:read");
        assertThat(user.active()).isTrue();
        assertThat(user.lastLoginAt()).isNull();
        assertThat(user.createdAt()).isEqualTo(now);
        assertThat(user.updatedAt()).isEqualTo(now);
        assertThat(userDatabase().findById(tenant, draft.id())).contains(user);
    }

    @Test
    public void upsertReturnsExistingUserUnchanged() {
        String email = newEmail();
        User first = userDatabase()
                .upsert(new NewUser(UUID.randomUUID(), tenant, email, null, "First", "member", Set.of()), at(1))
                .user();

        UpsertResult second = userDatabase()
                .upsert(new NewUser(UUID.randomUUID(), tenant, email, null, "Second", "admin", Set.of("x")), at(2));

        assertThat(second.created()).isFalse();
        assertThat(second.user()).isEqualTo(first);
        assertThat(userDatabase().findByEmail(tenant, email)).contains(first);
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

        assertThat(result.created()).isFalse();
        assertThat(result.user()).isEqualTo(existing);
    }

    @Test
    public void upsertIsKeyedByMobileWhenTheDraftHasNoEmail() {
        String mobile = newMobile();
        User existing = userDatabase()
                .upsert(new NewUser(UUID.randomUUID(), tenant, newEmail(), mobile, null, "member", Set.of()), at(1))
                .user();

        UpsertResult result = userDatabase()
                .upsert(new NewUser(UUID.randomUUID(), tenant, null, mobile, null, "member", Set.of()), at(2));

        assertThat(result.created()).isFalse();
        assertThat(result.user()).isEqualTo(existing);
        assertThat(userDatabase().findByMobile(tenant, mobile)).contains(existing);
    }

    @Test
    public void upsertCreatesMobileOnlyUser() {
        String mobile = newMobile();
        UpsertResult result = userDatabase()
                .upsert(new NewUser(UUID.randomUUID(), tenant, null, mobile, null, "member", Set.of()), at(1));

        assertThat(result.created()).isTrue();
        assertThat(result.user().email()).isNull();
        assertThat(userDatabase().findByMobile(tenant, mobile)).contains(result.user());
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

        assertThat(userDatabase().findByEmail(tenant, newEmail)).isEmpty();
        assertThat(userDatabase().findByMobile(tenant, takenMobile)).contains(owner);
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

        assertThat(userDatabase().findByEmail(tenant, email)).contains(existing);
    }

    @Test
    public void concurrentUpsertsOfOneKeyCreateExactlyOneUser() {
        for (int round = 0; round < concurrencyRounds(); round++) {
            String email = newEmail();

            List<UpsertResult> results = ConcurrentRunner.runConcurrently(THREADS, i -> userDatabase()
                    .upsert(new NewUser(UUID.randomUUID(), tenant, email, null, "n" + i, "member", Set.of()), at(1)));

            assertThat(results).filteredOn(UpsertResult::created).hasSize(1);
            UUID winner = results.stream()
                    .filter(UpsertResult::created)
                    .findFirst()
                    .orElseThrow()
                    .user()
                    .id();
            assertThat(results).allSatisfy(r -> assertThat(r.user().id()).isEqualTo(winner));
            assertThat(userDatabase().findByEmail(tenant, email))
                    .hasValueSatisfying(u -> assertThat(u.id()).isEqualTo(winner));
        }
    }

    @Test
    public void concurrentUpsertsOfDistinctKeysCreateEveryUser() {
        List<UpsertResult> results = ConcurrentRunner.runConcurrently(THREADS, i -> userDatabase()
                .upsert(
                        new NewUser(UUID.randomUUID(), tenant, newEmail(), newMobile(), null, "member", Set.of()),
                        at(1)));

        assertThat(results).allSatisfy(r -> assertThat(r.created()).isTrue());
        assertThat(results).allSatisfy(r -> assertThat(
                        userDatabase().findById(tenant, r.user().id()))
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
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFLICT);
                    return false;
                }
            });

            assertThat(won).filteredOn(Boolean::booleanValue).hasSize(1);
            UUID winner = users.get(won.indexOf(true)).id();
            assertThat(userDatabase().findByEmail(tenant, contested))
                    .hasValueSatisfying(u -> assertThat(u.id()).isEqualTo(winner));
            for (int i = 0; i < THREADS; i++) {
                if (!won.get(i)) {
                    assertThat(userDatabase().findById(tenant, users.get(i).id()))
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

        assertThat(here.created()).isTrue();
        assertThat(there.created()).isTrue();
        assertThat(there.user().id()).isNotEqualTo(here.user().id());
        assertThat(userDatabase().findByEmail(tenant, email)).contains(here.user());
        assertThat(userDatabase().findByEmail(otherTenant, email)).contains(there.user());
        assertThat(userDatabase().findByMobile(tenant, mobile)).contains(here.user());
        assertThat(userDatabase().findByMobile(otherTenant, mobile)).contains(there.user());
    }

    @Test
    public void lookupsAreScopedByTenant() {
        String otherTenant = "tenant-" + UUID.randomUUID();
        User user = createUser(newEmail(), newMobile(), at(1));

        assertThat(userDatabase().findById(otherTenant, user.id())).isEmpty();
        assertThat(userDatabase().findByEmail(otherTenant, user.emailAddress().orElseThrow()))
                .isEmpty();
        assertThat(userDatabase().findByMobile(otherTenant, user.mobileNumber().orElseThrow()))
                .isEmpty();
        assertThat(userDatabase().findById(tenant, user.id())).contains(user);
        assertThat(userDatabase().findByEmail(tenant, user.emailAddress().orElseThrow()))
                .contains(user);
        assertThat(userDatabase().findByMobile(tenant, user.mobileNumber().orElseThrow()))
                .contains(user);
    }

    @Test
    public void lookupsOfUnknownUsersAreEmpty() {
        assertThat(userDatabase().findById(tenant, UUID.randomUUID())).isEmpty();
        assertThat(userDatabase().findByEmail(tenant, newEmail())).isEmpty();
        assertThat(userDatabase().findByMobile(tenant, newMobile())).isEmpty();
    }

    @Test
    public void emailsAreComparedExactly() {
        String email = newEmail();
        createUser(email, null, at(1));

        assertThat(userDatabase().findByEmail(tenant, email.toUpperCase(Locale.ROOT)))
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
        assertThat(updated).contains(expected);
        assertThat(userDatabase().findById(tenant, user.id())).contains(expected);
        assertThat(userDatabase().findByEmail(tenant, newEmail)).contains(expected);
        assertThat(userDatabase().findByMobile(tenant, newMobile)).contains(expected);
    }

    @Test
    public void updateReleasesTheOldEmailAndMobile() {
        String oldEmail = newEmail();
        String oldMobile = newMobile();
        User user = createUser(oldEmail, oldMobile, at(1));

        userDatabase().update(user.withProfile(newEmail(), null, null, "member", Set.of()), at(2));

        assertThat(userDatabase().findByEmail(tenant, oldEmail)).isEmpty();
        assertThat(userDatabase().findByMobile(tenant, oldMobile)).isEmpty();
        UpsertResult reuse = userDatabase()
                .upsert(new NewUser(UUID.randomUUID(), tenant, oldEmail, oldMobile, null, "member", Set.of()), at(3));
        assertThat(reuse.created()).isTrue();
        assertThat(userDatabase().findByMobile(tenant, oldMobile)).contains(reuse.user());
    }

    @Test
    public void updateKeepingTheSameIdentifiersSucceeds() {
        User user = createUser(newEmail(), newMobile(), at(1));

        Optional<User> updated = userDatabase()
                .update(user.withProfile(user.email(), user.mobile(), "Renamed", "member", Set.of()), at(2));

        assertThat(updated).hasValueSatisfying(u -> {
            assertThat(u.name()).isEqualTo("Renamed");
            assertThat(u.updatedAt()).isEqualTo(at(2));
        });
    }

    @Test
    public void updateConflictsWhenTheEmailBelongsToAnotherUser() {
        User other = createUser(newEmail(), null, at(1));
        User user = createUser(newEmail(), null, at(1));

        assertConflict(
                () -> userDatabase().update(user.withProfile(other.email(), null, "x", "member", Set.of()), at(2)));

        assertThat(userDatabase().findById(tenant, user.id())).contains(user);
        assertThat(userDatabase().findByEmail(tenant, other.emailAddress().orElseThrow()))
                .contains(other);
    }

    @Test
    public void updateConflictsWhenTheMobileBelongsToAnotherUser() {
        User other = createUser(null, newMobile(), at(1));
        User user = createUser(newEmail(), null, at(1));

        assertConflict(() ->
                userDatabase().update(user.withProfile(user.email(), other.mobile(), "x", "member", Set.of()), at(2)));

        assertThat(userDatabase().findById(tenant, user.id())).contains(user);
        assertThat(userDatabase().findByMobile(tenant, other.mobileNumber().orElseThrow()))
                .contains(other);
    }

    @Test
    public void updateOfMissingUserReturnsEmpty() {
        User ghost = new User(
                UUID.randomUUID(), tenant, newEmail(), null, null, "member", Set.of(), true, null, at(1), at(1));

        assertThat(userDatabase().update(ghost, at(2))).isEmpty();
        assertThat(userDatabase().findById(tenant, ghost.id())).isEmpty();
        assertThat(userDatabase().findByEmail(tenant, ghost.emailAddress().orElseThrow()))
                .isEmpty();
    }

    @Test
    public void updateDoesNotReachAcrossTenants() {
        User user = createUser(newEmail(), null, at(1));
        String otherTenant = "tenant-" + UUID.randomUUID();
        User sameIdElsewhere =
                new User(user.id(), otherTenant, newEmail(), null, "x", "admin", Set.of(), true, null, at(1), at(1));

        assertThat(userDatabase().update(sameIdElsewhere, at(2))).isEmpty();
        assertThat(userDatabase().findById(tenant, user.id())).contains(user);
    }

    @Test
    public void disableMarksUserInactive() {
        User user = createUser(newEmail(), null, at(1));

        assertThat(userDatabase().disable(tenant, user.id(), at(2))).isTrue();

        assertThat(userDatabase().findById(tenant, user.id())).hasValueSatisfying(u -> {
            assertThat(u.active()).isFalse();
            assertThat(u.updatedAt()).isEqualTo(at(2));
            assertThat(u.createdAt()).isEqualTo(user.createdAt());
        });
        assertThat(userDatabase().findByEmail(tenant, user.emailAddress().orElseThrow()))
                .hasValueSatisfying(u -> assertThat(u.active()).isFalse());
    }

    @Test
    public void disableOfMissingUserReturnsFalse() {
        User user = createUser(newEmail(), null, at(1));

        assertThat(userDatabase().disable(tenant, UUID.randomUUID(), at(2))).isFalse();
        assertThat(userDatabase().disable("tenant-" + UUID.randomUUID(), user.id(), at(2)))
                .isFalse();
        assertThat(userDatabase().findById(tenant, user.id())).contains(user);
    }

    @Test
    public void recordLoginSetsLastLoginOnly() {
        User user = createUser(newEmail(), null, at(1));

        userDatabase().recordLogin(tenant, user.id(), at(5));

        User after = userDatabase().findById(tenant, user.id()).orElseThrow();
        assertThat(after.lastLoginAt()).isEqualTo(at(5));
        assertThat(after)
                .usingRecursiveComparison()
                .ignoringFields("lastLoginAt", "updatedAt")
                .isEqualTo(user);
    }

    @Test
    public void recordLoginOfMissingUserDoesNothing() {
        UUID missing = UUID.randomUUID();

        userDatabase().recordLogin(tenant, missing, at(5));

        assertThat(userDatabase().findById(tenant, missing)).isEmpty();
    }

    @Test
    public void permissionsRoundTrip() {
        Set<String> permissions = Set.of("reports:read", "users:write", "報告:閲覧", "café:crème", "🔑:admin", "a b,c\"d");
        User user = userDatabase()
                .upsert(new NewUser(UUID.randomUUID(), tenant, newEmail(), null, "Zoë 🚀", "owner", permissions), at(1))
                .user();

        assertThat(user.permissions()).isEqualTo(permissions);
        User found = userDatabase().findById(tenant, user.id()).orElseThrow();
        assertThat(found.permissions()).isEqualTo(permissions);
        assertThat(found.name()).isEqualTo("Zoë 🚀");

        User emptied = userDatabase()
                .update(user.withProfile(user.email(), null, null, "owner", Set.of()), at(2))
                .orElseThrow();
        assertThat(emptied.permissions()).isEmpty();
        assertThat(userDatabase().findById(tenant, user.id()).orElseThrow().permissions())
                .isEmpty();
    }

    @Test
    public void timestampsRoundTrip() {
        Instant created = BASE.plusNanos(123_456_789).truncatedTo(timestampPrecision());
        Instant login = BASE.plus(Duration.ofDays(400)).plusNanos(987_654_321).truncatedTo(timestampPrecision());
        User user = createUser(newEmail(), null, created);
        userDatabase().recordLogin(tenant, user.id(), login);

        User found = userDatabase().findById(tenant, user.id()).orElseThrow();

        assertThat(found.createdAt()).isEqualTo(created);
        assertThat(found.updatedAt()).isEqualTo(created);
        assertThat(found.lastLoginAt()).isEqualTo(login);
    }

    @Test
    public void pingSucceeds() {
        userDatabase().ping();
    }

    private User createUser(@Nullable String email, @Nullable String mobile, Instant now) {
        UpsertResult result = userDatabase()
                .upsert(new NewUser(UUID.randomUUID(), tenant, email, mobile, null, "member", Set.of()), now);
        assertThat(result.created()).isTrue();
        return result.user();
    }

    private static void assertConflict(Runnable call) {
        assertThatThrownBy(call::run)
                .isInstanceOf(AuthException.class)
                .satisfies(e -> assertThat(((AuthException) e).errorCode()).isEqualTo(ErrorCode.CONFLICT));
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
