package dev.latchkey.auth.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.ConfigurationException;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@code REDIS_URL} forms that must reach the server they name, against the local standalone server on the default
 * port 6379 on the IPv4 loopback (the standard test set-up; IPv6 is not assumed), and the forms and timeouts that must be
 * refused.
 */
class RedisUrlFormsTest {
    private static final String PREFIX = RedisTestServers.uniquePrefix(RedisUrlFormsTest.class);

    @Test
    void aUrlWithoutAPortReachesTheDefaultPort() {
        RedisTestServers.standalone();
        try (RedisClient client = RedisClients.fromUrl("redis://127.0.0.1")) {
            assertThat(client.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void anEmptyUserInfoSendsNoPassword() {
        RedisTestServers.standalone();
        try (RedisClient client = RedisClients.fromUrl("redis://@127.0.0.1:6379")) {
            assertThat(client.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void aTrailingSlashAndDatabaseZeroBothSelectTheFirstDatabase() {
        UnifiedJedis firstDatabase = RedisTestServers.standalone();
        for (String url : new String[] {"redis://127.0.0.1:6379/", "redis://127.0.0.1:6379/0"}) {
            String key = PREFIX + UUID.randomUUID();
            try (RedisClient client = RedisClients.fromUrl(url)) {
                client.set(key, "written");
            }
            assertThat(firstDatabase.get(key)).as(url).isEqualTo("written");
            firstDatabase.del(key);
        }
    }

    @Test
    void aUrlWithoutAHostIsAConfigurationErrorSayingSo() {
        for (String url : new String[] {"redis:///0", "rediss:///"}) {
            assertThatThrownBy(() -> RedisClients.fromUrl(url))
                    .as(url)
                    .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                            .isEqualTo("REDIS_URL"))
                    .hasMessageContaining("has no host");
        }
    }

    @Test
    void aBlankUrlIsReportedAsNotSet() {
        assertThatThrownBy(() -> RedisClients.fromUrl(" \t "))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo("REDIS_URL"))
                .hasMessageStartingWith("REDIS_URL: is not set");
    }

    @Test
    void aOneMillisecondTimeoutIsAcceptedAndOneBeyondTwentyFourDaysIsNot() {
        Duration oneMilli = Duration.ofMillis(1);
        try (RedisClient client = RedisClients.fromUrl("redis://127.0.0.1", oneMilli, oneMilli)) {
            assertThat(client).isNotNull();
        }
        Duration tooLong = Duration.ofMillis(Integer.MAX_VALUE + 1L);
        assertThatThrownBy(() -> RedisClients.fromUrl("redis://127.0.0.1", tooLong, oneMilli))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo("connectTimeout"));
        assertThatThrownBy(() -> RedisClients.fromUrl("redis://127.0.0.1", oneMilli, tooLong))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo("socketTimeout"));
        try (RedisClient client = RedisClients.fromUrl(
                "redis://127.0.0.1", Duration.ofMillis(Integer.MAX_VALUE), Duration.ofMillis(Integer.MAX_VALUE))) {
            assertThat(client).isNotNull();
        }
    }
}
