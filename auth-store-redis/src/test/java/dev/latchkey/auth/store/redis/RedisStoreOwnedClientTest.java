package dev.latchkey.auth.store.redis;

import static dev.latchkey.auth.store.redis.TestData.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.spi.SessionRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/** Stores built from a URL own their client and close it; the session index forgets sessions that are gone. */
class RedisStoreOwnedClientTest {
    private static final String PREFIX = RedisTestServers.uniquePrefix(RedisStoreOwnedClientTest.class);
    private static final Duration TIMEOUT = RedisClients.DEFAULT_TIMEOUT;
    private final UnifiedJedis redis = RedisTestServers.standalone();

    @AfterAll
    static void removeTestKeys() {
        RedisTestServers.deleteKeys(RedisTestServers.standalone(), PREFIX);
    }

    @Test
    void aSessionStoreFromAUrlClosesItsOwnClient() {
        RedisSessionStore store = RedisSessionStore.fromUrl(RedisTestServers.standaloneUrl(), TIMEOUT, TIMEOUT, PREFIX);
        store.ping();

        store.close();

        assertUnavailable(() -> store.find(TestData.randomToken()));
    }

    @Test
    void aRateLimitStoreFromAUrlClosesItsOwnClient() {
        RedisRateLimitStore store =
                RedisRateLimitStore.fromUrl(RedisTestServers.standaloneUrl(), TIMEOUT, TIMEOUT, PREFIX);
        assertThat(store.increment("k:" + UUID.randomUUID(), Duration.ofMinutes(1), at(0))
                        .count())
                .isEqualTo(1);

        store.close();

        assertUnavailable(store::ping);
    }

    @Test
    void aSessionWhoseKeyIsGoneIsNotListedAndLeavesTheIndex() {
        RedisSessionStore store = new RedisSessionStore(redis, PREFIX);
        String tenant = "tenant-" + UUID.randomUUID();
        UUID user = UUID.randomUUID();
        SessionRecord kept = TestData.session(tenant, user, TestData.randomToken());
        SessionRecord evicted = TestData.session(tenant, user, TestData.randomToken());
        store.create(kept);
        store.create(evicted);
        String indexKey = PREFIX + "user:{" + tenant + ":" + user + "}:sessions";
        assertThat(redis.zcard(indexKey)).isEqualTo(2);

        redis.del(PREFIX + "session:{" + evicted.id() + "}");

        assertThat(store.listForUser(tenant, user, at(1)))
                .extracting(SessionRecord::id)
                .containsExactly(kept.id());
        assertThat(redis.zrange(indexKey, 0, -1)).containsExactly(kept.id());
    }

    @Test
    void aUsersSessionsAreListedOldestFirstWhateverTheirExpiries() {
        RedisSessionStore store = new RedisSessionStore(redis, PREFIX);
        String tenant = "tenant-" + UUID.randomUUID();
        UUID user = UUID.randomUUID();
        SessionRecord newest = session(tenant, user, 3, 30);
        SessionRecord oldest = session(tenant, user, 1, 31);
        SessionRecord middle = session(tenant, user, 2, 29);
        store.create(newest);
        store.create(oldest);
        store.create(middle);

        assertThat(store.listForUser(tenant, user, at(10)))
                .extracting(SessionRecord::id)
                .containsExactly(oldest.id(), middle.id(), newest.id());
    }

    @Test
    void signingOutEverywhereElseWithOnlyTheCurrentSessionRevokesNothing() {
        RedisSessionStore store = new RedisSessionStore(redis, PREFIX);
        String tenant = "tenant-" + UUID.randomUUID();
        UUID user = UUID.randomUUID();
        SessionRecord current = TestData.session(tenant, user, TestData.randomToken());
        store.create(current);

        assertThat(store.revokeAllForUser(tenant, user, current.id())).isZero();
        assertThat(store.revokeAllForUser(tenant, UUID.randomUUID(), null)).isZero();

        assertThat(store.find(current.id())).isPresent();
        assertThat(store.listForUser(tenant, user, at(1)))
                .extracting(SessionRecord::id)
                .containsExactly(current.id());
    }

    @Test
    void aLoginDropsFromTheIndexTheSessionsPastTheirAbsoluteExpiry() {
        RedisSessionStore store = new RedisSessionStore(redis, PREFIX);
        String tenant = "tenant-" + UUID.randomUUID();
        UUID user = UUID.randomUUID();
        SessionRecord expired = new SessionRecord(
                TestData.randomToken(),
                tenant,
                user,
                TestData.randomToken(),
                null,
                0,
                at(0),
                at(0),
                at(0).plus(Duration.ofHours(12)),
                at(0).plus(Duration.ofDays(1)));
        store.create(expired);
        Instant twoDaysLater = at(0).plus(Duration.ofDays(2));
        SessionRecord next = new SessionRecord(
                TestData.randomToken(),
                tenant,
                user,
                TestData.randomToken(),
                null,
                0,
                twoDaysLater,
                twoDaysLater,
                twoDaysLater.plus(Duration.ofDays(7)),
                twoDaysLater.plus(Duration.ofDays(30)));

        store.create(next);

        assertThat(redis.zrange(PREFIX + "user:{" + tenant + ":" + user + "}:sessions", 0, -1))
                .containsExactly(next.id());
    }

    private static SessionRecord session(String tenant, UUID user, long createdSeconds, long absoluteDays) {
        return new SessionRecord(
                TestData.randomToken(),
                tenant,
                user,
                TestData.randomToken(),
                null,
                0,
                at(createdSeconds),
                at(createdSeconds),
                at(createdSeconds).plus(Duration.ofDays(7)),
                at(0).plus(Duration.ofDays(absoluteDays)));
    }

    private static void assertUnavailable(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.errorCode())
                .isEqualTo(ErrorCode.UNAVAILABLE));
    }
}
