package dev.latchkey.auth.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RedisTimeTest {
    private static final LuaScript COMPARE =
            new LuaScript("return {before(ARGV[1], ARGV[2]) and 1 or 0, same(ARGV[1], ARGV[2]) and 1 or 0}");

    @Test
    void encodingIsExactToTheNanosecondOverTheWholeInstantRange() {
        for (Instant instant : List.of(
                Instant.MIN,
                Instant.EPOCH,
                Instant.EPOCH.minusNanos(1),
                Instant.parse("2030-01-01T00:00:00.123456789Z"),
                Instant.MAX)) {
            String encoded = RedisTime.encode(instant);
            assertThat(encoded).hasSize(RedisTime.ENCODED_LENGTH).containsOnlyDigits();
            assertThat(RedisTime.decode(encoded)).isEqualTo(instant);
        }
    }

    @Test
    void luaComparesEncodedInstantsInTheSameOrderAsJava() {
        Random random = new Random(42);
        List<Instant> instants = new ArrayList<>(List.of(Instant.MIN, Instant.MAX, Instant.EPOCH));
        for (int i = 0; i < 60; i++) {
            instants.add(Instant.ofEpochSecond(
                    1_900_000_000L + random.nextInt(1000) - 500,
                    random.nextInt(3) == 0 ? 0 : random.nextInt(1_000_000_000)));
        }
        // Pairs that differ only in the low half (nanoseconds) or only in the high half.
        instants.add(Instant.ofEpochSecond(1_900_000_000L, 1));
        instants.add(Instant.ofEpochSecond(1_900_000_000L, 2));
        instants.add(Instant.ofEpochSecond(1_900_000_000L + 10_000, 1));

        for (int i = 0; i + 1 < instants.size(); i++) {
            Instant a = instants.get(i);
            Instant b = instants.get(i + 1);
            List<?> reply = (List<?>) COMPARE.run(
                    RedisTestServers.standalone(),
                    "latchkey-test:compare",
                    List.of(RedisTime.encode(a), RedisTime.encode(b)));
            assertThat(reply.get(0)).as("%s before %s", a, b).isEqualTo(a.isBefore(b) ? 1L : 0L);
            assertThat(reply.get(1)).as("%s same %s", a, b).isEqualTo(a.equals(b) ? 1L : 0L);
        }
    }

    @Test
    void ttlIsMeasuredFromThePassedTimeWithSlackAndNeverNegative() {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");
        long slack = RedisTime.RETENTION_SLACK.toMillis();

        assertThat(RedisTime.ttlMillis(now, now.plusSeconds(300))).isEqualTo(300_000 + slack);
        assertThat(RedisTime.ttlMillis(now, now.minusSeconds(300))).isEqualTo(slack);
        assertThat(RedisTime.ttlMillis(now, Instant.MAX))
                .isEqualTo(Duration.ofDays(36_525).toMillis() + slack);
    }
}
