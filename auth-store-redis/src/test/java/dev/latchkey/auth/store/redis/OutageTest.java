package dev.latchkey.auth.store.redis;

import static dev.latchkey.auth.store.redis.TestData.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.User;
import dev.latchkey.auth.spi.CodeCheck;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.SessionRecord;
import dev.latchkey.auth.store.memory.MemoryUserDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Redis stopped, unreachable or silent: every call fails closed with UNAVAILABLE within a bounded time, no driver
 * exception escapes, nothing is replayed later, and everything works again once Redis is back.
 */
class OutageTest {
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    /** Connect plus socket timeout, plus generous room for a slow test machine. */
    private static final Duration BOUND = Duration.ofSeconds(3);

    private final String prefix = RedisTestServers.uniquePrefix(OutageTest.class);
    private Path dir;
    private int port;

    @BeforeEach
    void startThrowawayServer() throws IOException {
        dir = Files.createTempDirectory("latchkey-redis-outage");
        port = RedisTestServers.freePort();
        RedisTestServers.startServer(port, dir);
    }

    @AfterEach
    void stopThrowawayServer() {
        if (RedisTestServers.answers(port)) {
            RedisTestServers.stopServer(port);
        }
        RedisTestServers.deleteRecursively(dir);
    }

    @Test
    void verificationFailsClosedWhileRedisIsDownAndWorksAgainAfterItReturns() {
        try (RedisOTPStore store = RedisOTPStore.fromUrl(url(), TIMEOUT, TIMEOUT, prefix)) {
            String key = TestData.newKey();
            String hash = TestData.randomToken();
            store.saveChallenge(TestData.challenge(key, hash));
            assertThat(store.verify(key, TestData.randomToken(), at(1))).isEqualTo(CodeCheck.MISMATCHED);

            RedisTestServers.stopServer(port);

            assertUnavailableWithinBound(() -> store.verify(key, hash, at(2)));
            assertUnavailableWithinBound(() -> store.saveChallenge(TestData.challenge(key, hash)));
            assertUnavailableWithinBound(() -> store.findChallenge(key, at(2)));
            assertUnavailableWithinBound(store::ping);

            // A fresh server: no data, and none of the scripts cached.
            RedisTestServers.startServer(port, dir);
            store.ping();
            String nextHash = TestData.randomToken();
            store.saveChallenge(TestData.challenge(key, nextHash));
            assertThat(store.verify(key, nextHash, at(3))).isEqualTo(CodeCheck.MATCHED);
        }
    }

    @Test
    void commandsThatFailedDuringTheOutageAreNeverReplayedLater() {
        try (RedisRateLimitStore store = RedisRateLimitStore.fromUrl(url(), TIMEOUT, TIMEOUT, prefix)) {
            String counter = TestData.newKey();
            RedisTestServers.stopServer(port);
            for (int i = 0; i < 3; i++) {
                assertUnavailableWithinBound(() -> store.increment(counter, Duration.ofMinutes(10), at(1)));
            }

            RedisTestServers.startServer(port, dir);

            assertThat(store.increment(counter, Duration.ofMinutes(10), at(2)).count())
                    .isEqualTo(1);
        }
    }

    @Test
    void sessionOperationsFailClosedWhileRedisIsDownAndWorkAgainAfterItReturns() {
        try (RedisSessionStore store = RedisSessionStore.fromUrl(url(), TIMEOUT, TIMEOUT, prefix)) {
            SessionRecord session = TestData.session("tenant-outage", UUID.randomUUID(), TestData.randomToken());
            store.create(session);

            RedisTestServers.stopServer(port);

            // Unavailable, never a plain "false", which the core would read as a stale refresh token.
            assertUnavailableWithinBound(() -> store.rotate(
                    session.id(), session.tokenHash(), TestData.randomToken(), at(1), at(1).plus(Duration.ofDays(7))));
            assertUnavailableWithinBound(() -> store.find(session.id()));
            assertUnavailableWithinBound(() -> store.revoke(session.id()));
            assertUnavailableWithinBound(() -> store.revokeAllForUser("tenant-outage", session.userId(), null));
            assertUnavailableWithinBound(() -> store.listForUser("tenant-outage", session.userId(), at(1)));

            RedisTestServers.startServer(port, dir);
            SessionRecord next = TestData.session("tenant-outage", session.userId(), TestData.randomToken());
            store.create(next);
            assertThat(store.rotate(
                            next.id(), next.tokenHash(), TestData.randomToken(), at(1), at(1).plus(Duration.ofDays(7))))
                    .isTrue();
        }
    }

    @Test
    void aPortWithNothingListeningIsUnavailableWithinTheTimeout() {
        int closedPort = RedisTestServers.freePort();
        try (RedisOTPStore store = RedisOTPStore.fromUrl("redis://127.0.0.1:" + closedPort, TIMEOUT, TIMEOUT, prefix)) {
            assertUnavailableWithinBound(() -> store.verify(TestData.newKey(), TestData.randomToken(), at(1)));
            assertUnavailableWithinBound(store::ping);
        }
    }

    @Test
    void aServerThatAcceptsButNeverAnswersIsUnavailableWithinTheSocketTimeout() throws IOException {
        // The kernel completes the TCP handshake from the backlog; nothing ever reads or answers.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                RedisOTPStore store =
                        RedisOTPStore.fromUrl("redis://127.0.0.1:" + silent.getLocalPort(), TIMEOUT, TIMEOUT, prefix)) {
            assertUnavailableWithinBound(() -> store.verify(TestData.newKey(), TestData.randomToken(), at(1)));
        }
    }

    /**
     * Another instance may hold the user in its cache: a deactivation or profile change that cannot fence the cache
     * must not reach the database either, or that instance would serve the old, active record for up to one TTL.
     */
    @Test
    void userChangesFailClosedWithoutTouchingTheDatabaseWhileTheCacheIsDownAndLookupsGoOn() {
        String tenant = "tenant-outage-" + UUID.randomUUID();
        MemoryUserDatabase database = new MemoryUserDatabase();
        User user = database.upsert(
                        new NewUser(UUID.randomUUID(), tenant, "ivy@example.com", null, null, "member", Set.of()),
                        at(0))
                .user();
        try (RedisClient client = RedisClients.fromUrl(url(), TIMEOUT, TIMEOUT)) {
            CachingUserDatabase cache = new CachingUserDatabase(
                    database, client, CachingUserDatabase.DEFAULT_TTL, prefix, TestData.KEY_SECRET);
            assertThat(cache.findById(tenant, user.id())).contains(user);

            RedisTestServers.stopServer(port);

            assertUnavailableWithinBound(
                    () -> cache.update(user.withProfile(user.email(), null, "Ivy", "admin", Set.of()), at(1)));
            assertUnavailableWithinBound(() -> cache.disable(tenant, user.id(), at(1)));
            assertThat(database.findById(tenant, user.id())).contains(user);
            assertThat(cache.findById(tenant, user.id())).contains(user);

            // A fresh server: the retry goes through and is seen at once.
            RedisTestServers.startServer(port, dir);
            assertThat(cache.disable(tenant, user.id(), at(2))).isTrue();
            assertThat(cache.findById(tenant, user.id()))
                    .hasValueSatisfying(u -> assertThat(u.active()).isFalse());
        }
    }

    @Test
    void revocationListFailsClosedWhileRedisIsDown() {
        try (RedisRevocationList revocations = RedisRevocationList.fromUrl(url(), TIMEOUT, TIMEOUT, prefix)) {
            revocations.revoke("sid-1", at(900), at(0));
            assertThat(revocations.isRevoked("sid-1")).isTrue();

            RedisTestServers.stopServer(port);

            // A deny list that cannot be read must not say "not revoked".
            assertUnavailableWithinBound(() -> revocations.isRevoked("sid-1"));
            assertUnavailableWithinBound(() -> revocations.revoke("sid-2", at(900), at(0)));
        }
    }

    private String url() {
        return "redis://127.0.0.1:" + port;
    }

    private static void assertUnavailableWithinBound(ThrowingCallable call) {
        long start = System.nanoTime();
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE))
                .hasMessageStartingWith("Redis ");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
    }
}
