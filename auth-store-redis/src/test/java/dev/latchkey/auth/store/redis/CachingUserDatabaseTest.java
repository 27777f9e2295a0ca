package dev.latchkey.auth.store.redis;

import static dev.latchkey.auth.store.redis.TestData.at;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.User;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.UpsertResult;
import dev.latchkey.auth.spi.UserDatabase;
import dev.latchkey.auth.store.memory.MemoryUserDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisClusterCRC16;

class CachingUserDatabaseTest {
    private static final String PREFIX = RedisTestServers.uniquePrefix(CachingUserDatabaseTest.class);
    private static final Duration TTL = Duration.ofSeconds(60);

    private final UnifiedJedis redis = RedisTestServers.standalone();
    /** One prefix per test, so that a SCAN sees this test's keys only. */
    private final String prefix = PREFIX + UUID.randomUUID() + ":";

    private final CountingDatabase database = new CountingDatabase(new MemoryUserDatabase());
    private final CachingUserDatabase cache =
            new CachingUserDatabase(database, redis, TTL, prefix, TestData.KEY_SECRET);
    private final String tenant = "tenant-" + UUID.randomUUID();

    @AfterAll
    static void removeTestKeys() {
        RedisTestServers.deleteKeys(RedisTestServers.standalone(), PREFIX);
    }

    @Test
    void repeatedLookupsByIdEmailAndMobileAreServedFromRedis() {
        User user = newUser("ann@example.com", "+447700900123");

        assertThat(cache.findById(tenant, user.id())).contains(user);
        assertThat(cache.findById(tenant, user.id())).contains(user);
        assertThat(cache.findByEmail(tenant, "ann@example.com")).contains(user);
        assertThat(cache.findByMobile(tenant, "+447700900123")).contains(user);

        assertThat(database.reads.get()).isEqualTo(1);
    }

    @Test
    void aLookupByEmailCachesTheUserForLookupsById() {
        User user = newUser("bob@example.com", null);

        cache.findByEmail(tenant, "bob@example.com");
        cache.findById(tenant, user.id());
        cache.findByEmail(tenant, "bob@example.com");

        assertThat(database.reads.get()).isEqualTo(1);
    }

    @Test
    void absentUsersAreNotCached() {
        cache.findByEmail(tenant, "nobody@example.com");
        User created = newUser("nobody@example.com", null);

        assertThat(cache.findByEmail(tenant, "nobody@example.com")).contains(created);
    }

    @Test
    void anUpdatedEmailNoLongerResolvesToItsFormerOwner() {
        User user = newUser("old@example.com", null);
        cache.findByEmail(tenant, "old@example.com");

        User changed = cache.update(user.withProfile("new@example.com", null, "Ann", "member", Set.of()), at(10))
                .orElseThrow();

        assertThat(cache.findByEmail(tenant, "old@example.com")).isEmpty();
        assertThat(cache.findByEmail(tenant, "new@example.com")).contains(changed);
        assertThat(cache.findById(tenant, user.id())).contains(changed);
    }

    @Test
    void aDisabledUserIsSeenInactiveAtOnce() {
        User user = newUser("carl@example.com", null);
        cache.findById(tenant, user.id());

        assertThat(cache.disable(tenant, user.id(), at(10))).isTrue();

        assertThat(cache.findById(tenant, user.id()))
                .hasValueSatisfying(u -> assertThat(u.active()).isFalse());
        assertThat(cache.findByEmail(tenant, "carl@example.com"))
                .hasValueSatisfying(u -> assertThat(u.active()).isFalse());
    }

    @Test
    void aReaderThatFetchedTheUserBeforeADisableCannotCacheTheStaleRecord() throws Exception {
        User user = newUser("dora@example.com", null);
        CountDownLatch fetched = new CountDownLatch(1);
        CountDownLatch disabled = new CountDownLatch(1);
        database.pauseNextFindById(fetched, disabled);

        CompletableFuture<Optional<User>> slowReader =
                CompletableFuture.supplyAsync(() -> cache.findById(tenant, user.id()));
        assertThat(fetched.await(10, TimeUnit.SECONDS)).isTrue();
        cache.disable(tenant, user.id(), at(10));
        disabled.countDown();

        assertThat(slowReader.get(10, TimeUnit.SECONDS))
                .hasValueSatisfying(u -> assertThat(u.active()).isTrue());
        assertThat(cache.findById(tenant, user.id()))
                .hasValueSatisfying(u -> assertThat(u.active()).isFalse());
    }

    @Test
    void aRecordedLoginIsSeenAtOnce() {
        User user = newUser("emil@example.com", null);
        cache.findById(tenant, user.id());

        cache.recordLogin(tenant, user.id(), at(20));

        assertThat(cache.findById(tenant, user.id()))
                .hasValueSatisfying(u -> assertThat(u.lastLoginAt()).isEqualTo(at(20)));
    }

    @Test
    void entriesExpireWithTheConfiguredTtl() {
        User user = newUser("fay@example.com", "+447700900456");
        cache.findById(tenant, user.id());

        List<String> keys = RedisTestServers.keys(redis, prefix);
        assertThat(keys).hasSize(3);
        for (String key : keys) {
            assertThat(redis.pttl(key)).as(key).isBetween(1L, TTL.toMillis());
        }
        assertThat(RedisTestServers.keys(redis, prefix + "user:v2:{" + user.id() + "}:"))
                .hasSize(1);
    }

    @Test
    void anUnreadableEntryIsTreatedAsAMiss() {
        User user = newUser("gus@example.com", null);
        cache.findById(tenant, user.id());
        String record = RedisTestServers.keys(redis, prefix + "user:v2:").get(0);
        redis.hset(record, "json", "{not json");

        assertThat(cache.findById(tenant, user.id())).contains(user);
    }

    @Test
    void keyNamesHoldNeitherTheEmailAddressNorThePhoneNumberNorTheTenant() {
        User byEmail = newUser("ines.private@example.com", null);
        User byMobile = newUser(null, "+447700900789");
        cache.findByEmail(tenant, "ines.private@example.com");
        cache.findByMobile(tenant, "+447700900789");

        List<String> keys = RedisTestServers.keys(redis, prefix);

        assertThat(keys)
                .as("a record and a pointer per user")
                .hasSize(4)
                .anyMatch(key -> key.startsWith(prefix + "user-email:v2:"))
                .anyMatch(key -> key.startsWith(prefix + "user-mobile:v2:"));
        assertThat(keys).allSatisfy(key -> assertThat(key.substring(prefix.length()))
                .doesNotContain("ines", "private", "example", "447700900789", "7700900789", tenant));
        assertThat(cache.findByEmail(tenant, "ines.private@example.com")).contains(byEmail);
        assertThat(cache.findByMobile(tenant, "+447700900789")).contains(byMobile);
        assertThat(database.reads.get()).as("both found in the cache").isEqualTo(2);
    }

    @Test
    void anEmailWithAHashTagInItsLocalPartCannotChooseTheClusterSlotOfItsKey() {
        for (int i = 0; i < 8; i++) {
            newUser("{evil}" + i + "@example.com", null);
            cache.findByEmail(tenant, "{evil}" + i + "@example.com");
        }

        List<String> emailKeys = RedisTestServers.keys(redis, prefix + "user-email:v2:");

        assertThat(emailKeys).hasSize(8).allSatisfy(key -> {
            assertThat(key).doesNotContain("{", "}");
            assertThat(JedisClusterCRC16.getSlot(key))
                    .as("the slot of the whole key name, no hash tag")
                    .isEqualTo(JedisClusterCRC16.getCRC16(key) & 16383);
        });
        assertThat(emailKeys.stream().map(JedisClusterCRC16::getSlot).distinct())
                .as("spread over slots, not all in the slot of {evil}, %d", JedisClusterCRC16.getSlot("evil"))
                .hasSizeGreaterThan(1);
        assertThat(RedisTestServers.keys(redis, prefix + "user:v2:")).hasSize(8).allSatisfy(key -> assertThat(key)
                .matches(Pattern.quote(prefix) + "user:v2:\\{[0-9a-f-]{36}}:[A-Za-z0-9_-]{43}"));
    }

    @Test
    void anotherKeySecretGivesOtherKeyNames() {
        User user = newUser("jo@example.com", null);
        CachingUserDatabase other = new CachingUserDatabase(
                database, redis, TTL, prefix, "another-secret-of-at-least-32-bytes".getBytes(UTF_8));
        cache.findByEmail(tenant, "jo@example.com");
        other.findByEmail(tenant, "jo@example.com");

        assertThat(RedisTestServers.keys(redis, prefix + "user-email:v2:")).hasSize(2);
        assertThat(database.reads.get()).as("neither finds the other's entry").isEqualTo(2);
        assertThat(other.findByEmail(tenant, "jo@example.com")).contains(user);
    }

    @Test
    void lookupsGoToTheDatabaseAndChangesFailClosedWhileRedisIsUnreachable() {
        int closedPort = RedisTestServers.freePort();
        try (RedisClient unreachable = RedisClients.fromUrl(
                "redis://127.0.0.1:" + closedPort, Duration.ofMillis(200), Duration.ofMillis(200))) {
            CachingUserDatabase degraded =
                    new CachingUserDatabase(database, unreachable, TTL, PREFIX, TestData.KEY_SECRET);
            User user = newUser("hal@example.com", null);

            assertThat(degraded.findById(tenant, user.id())).contains(user);
            assertThat(degraded.findByEmail(tenant, "hal@example.com")).contains(user);
            assertThatThrownBy(() -> degraded.disable(tenant, user.id(), at(5)))
                    .isInstanceOfSatisfying(
                            AuthException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE));
            assertThat(degraded.findById(tenant, user.id())).contains(user);
            degraded.recordLogin(tenant, user.id(), at(6));
            assertThat(degraded.findById(tenant, user.id()))
                    .hasValueSatisfying(u -> assertThat(u.lastLoginAt()).isEqualTo(at(6)));
            degraded.ping();
        }
    }

    private User newUser(String email, String mobile) {
        UpsertResult result = database.upsert(
                new NewUser(UUID.randomUUID(), tenant, email, mobile, null, "member", Set.of("reports:read")), at(0));
        database.reads.set(0);
        return result.user();
    }

    @Test
    void pingReportsTheDatabaseBeingDownThoughRedisAnswers() {
        database.down = true;

        assertThatThrownBy(cache::ping).isInstanceOf(AuthException.class).hasMessageContaining("database down");
    }

    /** The real memory database, counting lookups, and able to hold one lookup after it has read. */
    private static final class CountingDatabase implements UserDatabase {
        final AtomicInteger reads = new AtomicInteger();
        private final UserDatabase delegate;
        private volatile CountDownLatch[] pause;
        /** Whether its health check fails, as a database that is down. */
        volatile boolean down;

        CountingDatabase(UserDatabase delegate) {
            this.delegate = delegate;
        }

        void pauseNextFindById(CountDownLatch fetched, CountDownLatch resume) {
            pause = new CountDownLatch[] {fetched, resume};
        }

        @Override
        public UpsertResult upsert(NewUser user, Instant now) {
            return delegate.upsert(user, now);
        }

        @Override
        public Optional<User> findById(String tenantId, UUID id) {
            reads.incrementAndGet();
            Optional<User> found = delegate.findById(tenantId, id);
            CountDownLatch[] latches = pause;
            if (latches != null) {
                pause = null;
                latches[0].countDown();
                try {
                    latches[1].await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return found;
        }

        @Override
        public Optional<User> findByEmail(String tenantId, String email) {
            reads.incrementAndGet();
            return delegate.findByEmail(tenantId, email);
        }

        @Override
        public Optional<User> findByMobile(String tenantId, String mobile) {
            reads.incrementAndGet();
            return delegate.findByMobile(tenantId, mobile);
        }

        @Override
        public Optional<User> update(User user, Instant now) {
            return delegate.update(user, now);
        }

        @Override
        public boolean disable(String tenantId, UUID id, Instant now) {
            return delegate.disable(tenantId, id, now);
        }

        @Override
        public void recordLogin(String tenantId, UUID id, Instant at) {
            delegate.recordLogin(tenantId, id, at);
        }

        @Override
        public void ping() {
            if (down) {
                throw AuthException.unavailable("database down", null);
            }
            delegate.ping();
        }
    }
}
