package dev.latchkey.auth.store.redis;

import static dev.latchkey.auth.store.redis.TestData.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ConfigurationException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.User;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.UserDatabase;
import dev.latchkey.auth.store.memory.MemoryUserDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

class RedisStoresTest {
    private final UnifiedJedis redis = RedisTestServers.standalone();
    private final String prefix = RedisTestServers.uniquePrefix(RedisStoresTest.class);

    @AfterEach
    void removeTestKeys() {
        RedisTestServers.deleteKeys(redis, prefix);
    }

    @Test
    void everyStoreOfTheBundleWritesBelowItsOnePrefixTheUserCacheIncluded() {
        RedisStores stores = RedisStores.builder()
                .client(redis)
                .keyPrefix(prefix)
                .users(new MemoryUserDatabase())
                .userCacheKeySecret(TestData.KEY_SECRET)
                .build();
        String tenant = "tenant-" + UUID.randomUUID();
        User user = stores.users()
                .upsert(
                        new NewUser(UUID.randomUUID(), tenant, "ada@example.com", null, null, "member", Set.of()),
                        at(0))
                .user();

        assertThat(stores.users().findById(tenant, user.id())).contains(user);
        stores.otp().saveChallenge(TestData.challenge(TestData.newKey(), TestData.randomToken()));
        stores.rateLimits().increment(TestData.newKey(), Duration.ofMinutes(1), at(0));
        stores.sessions().create(TestData.session(tenant, user.id(), TestData.randomToken()));
        stores.revocations().orElseThrow().revoke("session-" + UUID.randomUUID(), at(900), at(0));

        List<String> keys = RedisTestServers.keys(redis, prefix);
        assertThat(keys)
                .as("one prefix for every store")
                .anyMatch(key -> key.startsWith(prefix + "user:v2:{" + user.id() + "}:"))
                .anyMatch(key -> key.startsWith(prefix + "otp:"))
                .anyMatch(key -> key.startsWith(prefix + "counter:"))
                .anyMatch(key -> key.startsWith(prefix + "session:"))
                .anyMatch(key -> key.equals(prefix + "revocations"));
        assertThat(RedisTestServers.keys(redis, RedisStores.DEFAULT_KEY_PREFIX + "user:v2:{" + user.id() + "}"))
                .as("the user cache must not fall back to the default prefix")
                .isEmpty();
        assertThat(stores.keyPrefix()).isEqualTo(prefix);
    }

    @Test
    void theUserCacheCanBeSwitchedOff() {
        UserDatabase users = new MemoryUserDatabase();

        RedisStores cached = RedisStores.builder()
                .client(redis)
                .users(users)
                .userCacheKeySecret(TestData.KEY_SECRET)
                .build();
        RedisStores direct = RedisStores.builder()
                .client(redis)
                .users(users)
                .cacheUsers(false)
                .build();

        assertThat(cached.users()).isInstanceOf(CachingUserDatabase.class);
        assertThat(direct.users()).isSameAs(users);
        assertThat(direct.revocations()).isPresent();
    }

    @Test
    void fromEnvReadsTheUrlAndThePrefixAndDefaultsThePrefix() {
        try (RedisStores configured = RedisStores.fromEnv(
                        Map.of(
                                "REDIS_URL",
                                RedisTestServers.STANDALONE_URL,
                                "REDIS_KEY_PREFIX",
                                prefix,
                                "OTP_HASH_SECRET",
                                TestData.KEY_SECRET_TEXT),
                        new MemoryUserDatabase());
                RedisStores defaulted = RedisStores.fromEnv(
                        Map.of(
                                "REDIS_URL",
                                RedisTestServers.STANDALONE_URL,
                                "REDIS_KEY_PREFIX",
                                " ",
                                "OTP_HASH_SECRET",
                                TestData.KEY_SECRET_TEXT),
                        new MemoryUserDatabase())) {
            configured.rateLimits().increment(TestData.newKey(), Duration.ofMinutes(1), at(0));

            assertThat(configured.keyPrefix()).isEqualTo(prefix);
            assertThat(RedisTestServers.keys(redis, prefix)).hasSize(1);
            assertThat(defaulted.keyPrefix()).isEqualTo("latchkey:");
        }
    }

    @Test
    void closeClosesTheClientTheBundleCreatedButNeverTheHostsClient() {
        RedisStores owning =
                RedisStores.fromUrl(RedisTestServers.STANDALONE_URL, new MemoryUserDatabase(), TestData.KEY_SECRET);
        owning.otp().ping();
        owning.close();
        assertThatThrownBy(() -> owning.sessions().ping())
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE));

        RedisStores hosted = RedisStores.builder()
                .client(redis)
                .keyPrefix(prefix)
                .users(new MemoryUserDatabase())
                .cacheUsers(false)
                .build();
        hosted.close();
        hosted.otp().ping();
        assertThat(redis.ping()).isEqualTo("PONG");
    }

    @Test
    void everyBackendSettingErrorIsAConfigurationErrorNamingTheSetting() {
        UserDatabase users = new MemoryUserDatabase();
        String url = RedisTestServers.STANDALONE_URL;

        assertConfigurationError(() -> RedisStores.fromEnv(Map.of(), users), "REDIS_URL");
        assertConfigurationError(() -> RedisStores.fromUrl(null, users, TestData.KEY_SECRET), "REDIS_URL");
        assertConfigurationError(
                () -> RedisStores.fromUrl("redis://:secret@127.0.0.1:6379/db-zero", users, TestData.KEY_SECRET),
                "REDIS_URL");
        assertConfigurationError(
                () -> RedisStores.fromEnv(Map.of("REDIS_URL", url, "REDIS_KEY_PREFIX", "has spaces"), users),
                "REDIS_KEY_PREFIX");
        assertConfigurationError(() -> RedisStores.fromEnv(Map.of("REDIS_URL", url), users), "OTP_HASH_SECRET");
        assertConfigurationError(
                () -> RedisStores.fromEnv(Map.of("REDIS_URL", url, "OTP_HASH_SECRET", "short"), users),
                "OTP_HASH_SECRET");
        assertConfigurationError(
                () -> RedisStores.builder().client(redis).users(users).build(), "userCacheKeySecret");
        assertConfigurationError(
                () -> RedisStores.builder()
                        .client(redis)
                        .users(users)
                        .userCacheKeySecret(new byte[31])
                        .build(),
                "userCacheKeySecret");
        assertConfigurationError(
                () -> new CachingUserDatabase(users, redis, CachingUserDatabase.DEFAULT_TTL, prefix, new byte[16]),
                "userCacheKeySecret");
        assertConfigurationError(
                () -> RedisStores.builder()
                        .client(redis)
                        .keyPrefix("")
                        .users(users)
                        .build(),
                "REDIS_KEY_PREFIX");
        assertConfigurationError(() -> new RedisOTPStore(redis, "x".repeat(129)), "REDIS_KEY_PREFIX");
        assertConfigurationError(
                () -> new CachingUserDatabase(users, redis, Duration.ZERO, prefix, TestData.KEY_SECRET),
                "userCacheTtl");
        assertConfigurationError(() -> RedisStores.builder().client(redis).build(), "users");
        assertConfigurationError(() -> RedisStores.builder().users(users).build(), "client/redisUrl");
        assertConfigurationError(
                () -> RedisStores.builder()
                        .client(redis)
                        .redisUrl(url)
                        .users(users)
                        .build(),
                "client/redisUrl");
        assertConfigurationError(
                () -> RedisStores.builder()
                        .redisUrl(url)
                        .timeouts(Duration.ZERO, Duration.ofSeconds(1))
                        .users(users)
                        .build(),
                "connectTimeout");
    }

    private static void assertConfigurationError(ThrowingCallable call, String setting) {
        assertThatThrownBy(call)
                .as("a configuration error naming %s", setting)
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.setting()).isEqualTo(setting);
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_CONFIGURATION);
                })
                .hasMessageStartingWith(setting + ": ")
                .hasMessageNotContaining("secret");
    }
}
