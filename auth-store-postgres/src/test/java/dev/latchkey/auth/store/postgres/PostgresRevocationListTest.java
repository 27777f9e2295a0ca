package dev.latchkey.auth.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.spi.RevocationFeed;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The revocation list's edges: what is not worth storing, how an expiry PostgreSQL cannot hold exactly is stored (a
 * denial may end a microsecond late, never early), ids PostgreSQL cannot hold, and a feed of closed stores.
 */
class PostgresRevocationListTest {
    private static final String SCHEMA = TestPostgres.uniqueSchema("revocations");
    private static final PostgresStores STORES = PostgresStores.builder()
            .dataSource(TestPostgres.sharedDataSource())
            .schema(SCHEMA)
            .build();
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    @AfterAll
    static void dropSchema() {
        STORES.close();
        TestPostgres.dropSchema(SCHEMA);
    }

    private static RevocationFeed feed() {
        return STORES.revocationList().feed().orElseThrow();
    }

    @Test
    void aTokenExpiringNowOrEarlierIsNotRecorded() {
        String expiringNow = "jti-" + UUID.randomUUID();
        String expired = "jti-" + UUID.randomUUID();

        STORES.revocationList().revoke(expiringNow, NOW, NOW);
        STORES.revocationList().revoke(expired, NOW.minusSeconds(1), NOW);

        assertThat(STORES.revocationList().isRevoked(expiringNow)).isFalse();
        assertThat(STORES.revocationList().isRevoked(expired)).isFalse();
        assertThat(feed().live(NOW.minusSeconds(10))).doesNotContainKeys(expiringNow, expired);
    }

    @Test
    void anExpiryInWholeMicrosecondsIsStoredAsItIs() {
        String id = "jti-" + UUID.randomUUID();
        Instant expiresAt = NOW.plusSeconds(60).plusNanos(123_000);

        STORES.revocationList().revoke(id, expiresAt, NOW);

        assertThat(STORES.revocationList().isRevoked(id)).isTrue();
        assertThat(feed().live(NOW)).containsEntry(id, expiresAt);
    }

    @Test
    void anExpiryBetweenMicrosecondsIsRoundedUpNeverDown() {
        String id = "jti-" + UUID.randomUUID();
        Instant expiresAt = NOW.plusSeconds(60).plusNanos(123_001);

        STORES.revocationList().revoke(id, expiresAt, NOW);

        assertThat(feed().live(NOW)).containsEntry(id, NOW.plusSeconds(60).plusNanos(124_000));
    }

    @Test
    void idsPostgresCannotHoldAreInvalidRequestsNotSilentlyAltered() {
        String unpaired = "jti-\uD800-" + UUID.randomUUID();

        assertInvalidRequest(() -> STORES.revocationList().revoke(unpaired, NOW.plusSeconds(60), NOW));
        assertInvalidRequest(() -> STORES.revocationList().isRevoked(unpaired));
    }

    @Test
    void theFeedOfClosedStoresRefusesNewSubscriptions() {
        PostgresStores closed = PostgresStores.builder()
                .dataSource(TestPostgres.sharedDataSource())
                .schema(SCHEMA)
                .build();
        RevocationFeed feed = closed.revocationList().feed().orElseThrow();
        closed.close();

        assertThatThrownBy(() -> feed.subscribe(new Quiet())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSubscriptionIsHandedBackToBeClosed() {
        try (RevocationFeed.Subscription subscription = feed().subscribe(new Quiet())) {
            assertThat(subscription).isNotNull();
        }
    }

    private static void assertInvalidRequest(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.errorCode())
                .isEqualTo(ErrorCode.INVALID_REQUEST));
    }

    private static final class Quiet implements RevocationFeed.Listener {
        @Override
        public void subscribed() {}

        @Override
        public void revoked(String id, Instant expiresAt) {}

        @Override
        public void lost(Throwable cause) {}
    }
}
