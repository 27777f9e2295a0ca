package dev.latchkey.auth.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.spi.ExternalIdentity;
import dev.latchkey.auth.spi.ExternalIdentityStore;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.UserDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link ExternalIdentityStore} must meet. Extend it from a test class of your store module:
 *
 * <pre>{@code
 * class PostgresExternalIdentityStoreTest extends ExternalIdentityStoreContract {
 *     private static final PostgresUserDatabase DATABASE = new PostgresUserDatabase(sharedDataSource());
 *
 *     protected ExternalIdentityStore externalIdentityStore() { return DATABASE; }
 *     protected UserDatabase userDatabase() { return DATABASE; }
 * }
 * }</pre>
 *
 * <p>Links point at users created through {@link #userDatabase()} (a store may enforce that the user exists). Each
 * test works in its own fresh tenant, so the suite runs against a shared database without cleanup. Time never comes
 * from a clock: every instant is a fixed base plus an offset, truncated to {@link #timestampPrecision()}.
 */
public abstract class ExternalIdentityStoreContract {
    private static final Instant BASE = Instant.parse("2030-01-01T00:00:00Z");
    private static final int THREADS = 16;
    private static final String ISSUER = "https://accounts.google.com";

    /** The store under test. */
    protected abstract ExternalIdentityStore externalIdentityStore();

    /** Where the users that links point at are created. */
    protected abstract UserDatabase userDatabase();

    /** The finest unit of time the store keeps; defaults to microseconds. */
    protected TemporalUnit timestampPrecision() {
        return ChronoUnit.MICROS;
    }

    private final String tenant = "tenant-" + UUID.randomUUID();

    @Test
    public void aLinkRoundTripsWithEveryField() {
        UUID user = newUser();
        ExternalIdentity link = link(user, "sub-1", at(1));

        assertThat(externalIdentityStore().linkIfAbsent(link)).isEqualTo(link);

        assertThat(externalIdentityStore().find(tenant, ISSUER, "sub-1")).contains(link);
    }

    @Test
    public void anUnknownIdentityIsNotFound() {
        assertThat(externalIdentityStore().find(tenant, ISSUER, "nobody")).isEmpty();
    }

    @Test
    public void linkIfAbsentKeepsTheExistingLinkAndReturnsIt() {
        UUID owner = newUser();
        UUID other = newUser();
        ExternalIdentity first = link(owner, "sub-1", at(1));
        externalIdentityStore().linkIfAbsent(first);

        ExternalIdentity answer = externalIdentityStore().linkIfAbsent(link(other, "sub-1", at(2)));

        assertThat(answer).isEqualTo(first);
        assertThat(externalIdentityStore().find(tenant, ISSUER, "sub-1")).contains(first);
        assertThat(externalIdentityStore().listForUser(tenant, other)).isEmpty();
    }

    @Test
    public void identitiesAreKeyedByTenantIssuerAndSubject() {
        UUID user = newUser();
        externalIdentityStore().linkIfAbsent(link(user, "sub-1", at(1)));

        assertThat(externalIdentityStore().find(tenant, "https://login.example.com", "sub-1"))
                .as("the same subject at another issuer is another account")
                .isEmpty();
        assertThat(externalIdentityStore().find("other-" + tenant, ISSUER, "sub-1"))
                .isEmpty();
        assertThat(externalIdentityStore().find(tenant, ISSUER, "SUB-1"))
                .as("subjects are case-sensitive")
                .isEmpty();
    }

    @Test
    public void recordSignInUpdatesTheLastSignInAndTheEmailAndKeepsTheFirst() {
        UUID user = newUser();
        externalIdentityStore().linkIfAbsent(link(user, "sub-1", at(1)));

        externalIdentityStore().recordSignIn(tenant, ISSUER, "sub-1", null, false, at(5));

        ExternalIdentity found =
                externalIdentityStore().find(tenant, ISSUER, "sub-1").orElseThrow();
        assertThat(found.firstSignInAt()).isEqualTo(at(1));
        assertThat(found.lastSignInAt()).isEqualTo(at(5));
        assertThat(found.email()).isNull();
        assertThat(found.emailVerified()).isFalse();
        assertThat(found.userId()).isEqualTo(user);
        assertThat(found.provider()).isEqualTo("google");
    }

    @Test
    public void recordSignInOfAnUnlinkedIdentityDoesNothing() {
        externalIdentityStore().recordSignIn(tenant, ISSUER, "nobody", "a@example.com", true, at(1));

        assertThat(externalIdentityStore().find(tenant, ISSUER, "nobody")).isEmpty();
    }

    @Test
    public void unlinkRemovesOnlyTheOwnersLink() {
        UUID owner = newUser();
        externalIdentityStore().linkIfAbsent(link(owner, "sub-1", at(1)));

        assertThat(externalIdentityStore().unlink(tenant, newUser(), ISSUER, "sub-1"))
                .isFalse();
        assertThat(externalIdentityStore().find(tenant, ISSUER, "sub-1")).isPresent();
        assertThat(externalIdentityStore().unlink(tenant, owner, ISSUER, "sub-1"))
                .isTrue();
        assertThat(externalIdentityStore().find(tenant, ISSUER, "sub-1")).isEmpty();
        assertThat(externalIdentityStore().unlink(tenant, owner, ISSUER, "sub-1"))
                .isFalse();
    }

    @Test
    public void listForUserReturnsTheUsersLinksOldestFirst() {
        UUID user = newUser();
        UUID other = newUser();
        ExternalIdentity later = link(user, "sub-b", at(20));
        ExternalIdentity earlier = new ExternalIdentity(
                tenant, "microsoft", "https://login.example.com/t/v2.0", "sub-a", user, null, false, at(10), at(10));
        externalIdentityStore().linkIfAbsent(later);
        externalIdentityStore().linkIfAbsent(earlier);
        externalIdentityStore().linkIfAbsent(link(other, "sub-c", at(5)));

        assertThat(externalIdentityStore().listForUser(tenant, user)).containsExactly(earlier, later);
        assertThat(externalIdentityStore().listForUser("other-" + tenant, user)).isEmpty();
    }

    @Test
    public void longAndUnusualValuesRoundTrip() {
        UUID user = newUser();
        String issuer = "https://issuer.example/" + "p".repeat(480);
        String subject = "Zoë-🚀-" + "s".repeat(240);
        ExternalIdentity link = new ExternalIdentity(
                tenant, "p".repeat(64), issuer, subject, user, "zoë@exämple.com", true, at(1), at(1));

        externalIdentityStore().linkIfAbsent(link);

        assertThat(externalIdentityStore().find(tenant, issuer, subject)).contains(link);
    }

    @Test
    public void concurrentLinksOfOneIdentityLinkItExactlyOnce() {
        for (int round = 0; round < 5; round++) {
            String subject = "race-" + round;
            List<UUID> users = java.util.stream.IntStream.range(0, THREADS)
                    .mapToObj(i -> newUser())
                    .toList();
            List<ExternalIdentity> answers = ConcurrentRunner.runConcurrently(
                    THREADS, i -> externalIdentityStore().linkIfAbsent(link(users.get(i), subject, at(1))));

            ExternalIdentity stored =
                    externalIdentityStore().find(tenant, ISSUER, subject).orElseThrow();
            assertThat(answers).as("every caller gets the one link").allMatch(stored::equals);
            assertThat(users).contains(stored.userId());
        }
    }

    @Test
    public void pingSucceeds() {
        externalIdentityStore().ping();
    }

    private ExternalIdentity link(UUID user, String subject, Instant at) {
        return new ExternalIdentity(tenant, "google", ISSUER, subject, user, "ada@example.com", true, at, at);
    }

    private UUID newUser() {
        return userDatabase()
                .upsert(
                        new NewUser(
                                UUID.randomUUID(),
                                tenant,
                                "user-" + UUID.randomUUID() + "@example.com",
                                null,
                                null,
                                "member",
                                Set.of()),
                        BASE)
                .user()
                .id();
    }

    private Instant at(long seconds) {
        return BASE.plus(Duration.ofSeconds(seconds)).truncatedTo(timestampPrecision());
    }
}
