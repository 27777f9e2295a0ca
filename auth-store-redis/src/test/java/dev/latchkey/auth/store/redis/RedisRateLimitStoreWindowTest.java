package dev.latchkey.auth.store.redis;

import static dev.latchkey.auth.store.redis.TestData.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A counter's window must be positive; a zero or negative one is a caller's error, and nothing is counted. */
class RedisRateLimitStoreWindowTest {
    private static final String PREFIX = RedisTestServers.uniquePrefix(RedisRateLimitStoreWindowTest.class);

    @AfterAll
    static void removeTestKeys() {
        RedisTestServers.deleteKeys(RedisTestServers.standalone(), PREFIX);
    }

    @Test
    void aZeroOrNegativeWindowIsRefusedAndCountsNothing() {
        RedisRateLimitStore store = new RedisRateLimitStore(RedisTestServers.standalone(), PREFIX);
        String key = "k:" + UUID.randomUUID();

        assertThatThrownBy(() -> store.increment(key, Duration.ofSeconds(-1), at(0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.increment(key, Duration.ZERO, at(0)))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(store.peek(key, at(0)).count()).isZero();
    }
}
