package dev.latchkey.auth.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.ConfigurationException;
import dev.latchkey.auth.store.memory.MemoryUserDatabase;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** {@code REDIS_URL} checks that need no server (building a client never connects). */
class RedisClientsUrlTest {

    /** Found by RedisUrlFuzzTest: java.net.URI reads any run of digits as the port, and these were accepted. */
    @Test
    void portsNoClientCanConnectToAreConfigurationErrors() {
        for (String url : new String[] {
            "redis://h:6380380", "redis://:topsecret@h:65536/0", "rediss://h:0", "redis://[::1]:2147483647"
        }) {
            assertThatThrownBy(() -> RedisClients.fromUrl(url))
                    .as(url)
                    .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                            .isEqualTo("REDIS_URL"))
                    .hasMessageContaining("port")
                    .hasMessageNotContaining("topsecret");
            assertThatThrownBy(() -> RedisStores.fromEnv(
                            Map.of("REDIS_URL", url, "OTP_HASH_SECRET", "a-hash-secret-of-thirty-two-bytes-or-more"),
                            new MemoryUserDatabase()))
                    .as(url)
                    .isInstanceOf(ConfigurationException.class);
        }
    }

    @Test
    void theEdgePortsAreAccepted() {
        for (String url : new String[] {"redis://h:1", "redis://h:65535/2", "redis://h"}) {
            try (RedisClient client = RedisClients.fromUrl(url)) {
                assertThat(client).as(url).isNotNull();
            }
        }
    }
}
