package dev.latchkey.auth.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** The proxy itself does what the fault tests rely on, shown against the real Redis server. */
class FaultProxyTest {
    private final FaultProxy proxy = FaultProxy.to(6379);

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    private Jedis client() {
        return new Jedis(
                new HostAndPort("127.0.0.1", proxy.port()),
                DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis(500)
                        .socketTimeoutMillis(500)
                        .build());
    }

    private String pingFresh() {
        try (Jedis jedis = client()) {
            return jedis.ping();
        }
    }

    @Test
    void forwardsUntilCutThenRefusesUntilHealed() {
        try (Jedis jedis = client()) {
            assertThat(jedis.ping()).isEqualTo("PONG");
            proxy.cut();
            assertThatThrownBy(jedis::ping).isInstanceOf(JedisConnectionException.class);
        }
        assertThatThrownBy(this::pingFresh).isInstanceOf(JedisConnectionException.class);
        proxy.heal();
        try (Jedis again = client()) {
            assertThat(again.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void blackHoleHoldsBytesWithoutClosingAndHealingDeliversThem() {
        try (Jedis jedis = client()) {
            assertThat(jedis.ping()).isEqualTo("PONG");
            proxy.blackHole();
            assertThatThrownBy(jedis::ping)
                    .isInstanceOf(JedisConnectionException.class)
                    .hasStackTraceContaining("timed out");
        }
        assertThatThrownBy(this::pingFresh).hasStackTraceContaining("timed out");
        proxy.heal();
        try (Jedis healed = client()) {
            assertThat(healed.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void delayHoldsEachExchangeAtLeastTheLatency() {
        try (Jedis jedis = client()) {
            jedis.ping();
            proxy.delay(Duration.ofMillis(200));
            long started = System.nanoTime();
            assertThat(jedis.ping()).isEqualTo("PONG");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
            proxy.heal();
            long healed = System.nanoTime();
            jedis.ping();
            assertThat(Duration.ofNanos(System.nanoTime() - healed)).isLessThan(Duration.ofMillis(400));
        }
    }
}
