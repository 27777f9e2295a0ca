package dev.latchkey.auth.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.spi.Counter;
import dev.latchkey.auth.spi.RateLimitStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link RateLimitStore} must meet. Extend it from a test class of your store module and return the
 * store under test:
 *
 * <pre>{@code
 * class RedisRateLimitStoreTest extends RateLimitStoreContract {
 *     private static final RateLimitStore STORE = new RedisRateLimitStore(sharedClient(), "test:");
 *
 *     @Override
 *     protected RateLimitStore rateLimitStore() {
 *         return STORE;
 *     }
 * }
 * }</pre>
 *
 * <p>{@link #rateLimitStore()} is called at least once per test and may return the same instance every time. Every
 * test uses freshly generated keys, so the suite runs against a shared backend without cleanup between tests. Time
 * never comes from a clock: every instant is a fixed base in 2030 plus whole seconds, so a store must use the instants
 * it is given and never its own clock for window decisions. (A store with native expiry, such as Redis TTLs, has to
 * keep the window's end itself too, since the base lies in the future of the backend's clock.)
 *
 * <p>The concurrency case is the point of this suite: 50 concurrent increments of one counter must all land, each
 * seeing a different count. A store that reads a counter and writes it back in a second step fails it.
 */
public abstract class RateLimitStoreContract {
    private static final Instant BASE = Instant.parse("2030-01-01T00:00:00Z");
    private static final int THREADS = 50;
    /** Default for {@link #concurrencyRounds()}. */
    protected static final int DEFAULT_CONCURRENCY_ROUNDS = 10;

    /** The store under test. */
    protected abstract RateLimitStore rateLimitStore();

    /**
     * How many times the concurrency case runs, each time on a fresh key. A race window is narrow, so one run may miss
     * it; repeating makes a non-atomic store fail reliably. Defaults to {@value #DEFAULT_CONCURRENCY_ROUNDS}.
     */
    protected int concurrencyRounds() {
        return DEFAULT_CONCURRENCY_ROUNDS;
    }

    @Test
    public void incrementStartsAWindowAtOne() {
        Counter counter = rateLimitStore().increment(newKey(), Duration.ofMinutes(10), at(5));

        assertThat(counter)
                .as("the first increment of an unknown key must start a window at count 1 ending at now + window")
                .isEqualTo(new Counter(1, at(5).plus(Duration.ofMinutes(10))));
    }

    @Test
    public void incrementWithinTheWindowGrowsAndKeepsTheWindow() {
        String key = newKey();
        Duration window = Duration.ofHours(1);
        rateLimitStore().increment(key, window, at(0));
        rateLimitStore().increment(key, window, at(60));

        Counter third = rateLimitStore().increment(key, window, at(3599));

        assertThat(third)
                .as("an increment inside a live window must add one and keep the window's original end")
                .isEqualTo(new Counter(3, at(0).plus(window)));
    }

    @Test
    public void incrementAfterTheWindowStartsANewOne() {
        String key = newKey();
        Duration window = Duration.ofMinutes(1);
        rateLimitStore().increment(key, window, at(0));
        rateLimitStore().increment(key, window, at(30));

        Counter atReset = rateLimitStore().increment(key, window, at(60));
        Counter later = rateLimitStore().increment(key, window, at(500));

        assertThat(atReset)
                .as("an increment exactly at the window's end must start a new window at count 1")
                .isEqualTo(new Counter(1, at(120)));
        assertThat(later)
                .as("an increment long after the window's end must start a new window at count 1 from now")
                .isEqualTo(new Counter(1, at(560)));
    }

    @Test
    public void resetDeletesOnlyItsCounterAndTheNextIncrementStartsAtOne() {
        String key = newKey();
        String other = newKey();
        Duration window = Duration.ofHours(1);
        for (int i = 0; i < 3; i++) {
            rateLimitStore().increment(key, window, at(i));
            rateLimitStore().increment(other, window, at(i));
        }

        rateLimitStore().reset(key);
        rateLimitStore().reset(newKey());

        assertThat(rateLimitStore().peek(key, at(10)))
                .as("a reset counter must peek as count 0")
                .isEqualTo(new Counter(0, at(10)));
        assertThat(rateLimitStore().increment(key, window, at(20)))
                .as("the first increment after a reset must start a new window at 1")
                .isEqualTo(new Counter(1, at(20).plus(window)));
        assertThat(rateLimitStore().peek(other, at(10)).count())
                .as("a reset must not touch another key's counter")
                .isEqualTo(3);
    }

    @Test
    public void peekDoesNotChangeTheCounter() {
        String key = newKey();
        Duration window = Duration.ofMinutes(10);
        rateLimitStore().increment(key, window, at(0));
        rateLimitStore().increment(key, window, at(1));

        assertThat(rateLimitStore().peek(key, at(2)))
                .as("peek must report the live window's count and end")
                .isEqualTo(new Counter(2, at(0).plus(window)));
        assertThat(rateLimitStore().peek(key, at(3)))
                .as("a second peek must see the same state: peek never counts")
                .isEqualTo(new Counter(2, at(0).plus(window)));
        assertThat(rateLimitStore().increment(key, window, at(4)).count())
                .as("the increment after two peeks must count from the state before them")
                .isEqualTo(3);
    }

    @Test
    public void peekOfUnknownOrExpiredCounterIsZero() {
        String key = newKey();

        assertThat(rateLimitStore().peek(key, at(0)))
                .as("peek of an unknown key must be count 0 with resetAt = now")
                .isEqualTo(new Counter(0, at(0)));

        rateLimitStore().increment(key, Duration.ofMinutes(1), at(0));
        assertThat(rateLimitStore().peek(key, at(60)))
                .as("peek at or after the window's end must be count 0 with resetAt = now")
                .isEqualTo(new Counter(0, at(60)));
    }

    @Test
    public void countersOfDifferentKeysAreIndependent() {
        String first = newKey();
        String second = newKey();
        rateLimitStore().increment(first, Duration.ofMinutes(1), at(0));
        rateLimitStore().increment(first, Duration.ofMinutes(1), at(0));

        assertThat(rateLimitStore()
                        .increment(second, Duration.ofMinutes(1), at(0))
                        .count())
                .as("hits on one key must not count towards another key")
                .isEqualTo(1);
    }

    @Test
    public void purgeExpiredRemovesEndedWindowsAndKeepsLiveOnes() {
        String live = newKey();
        String dead = newKey();
        rateLimitStore().increment(live, Duration.ofHours(1), at(0));
        rateLimitStore().increment(dead, Duration.ofMinutes(1), at(0));

        int purged = rateLimitStore().purgeExpired(at(120));

        assertThat(purged)
                .as("purgeExpired must return how many counters it removed, never a negative number")
                .isNotNegative();
        assertThat(rateLimitStore().peek(dead, at(120)).count())
                .as("a counter whose window ended must read 0 after a purge")
                .isZero();
        assertThat(rateLimitStore().peek(live, at(120)).count())
                .as("purgeExpired must keep counters whose window is still live")
                .isEqualTo(1);
    }

    @Test
    public void incrementCountsEveryHitUnderConcurrency() {
        for (int round = 0; round < concurrencyRounds(); round++) {
            String key = newKey();
            Duration window = Duration.ofMinutes(10);

            List<Counter> results = ConcurrentRunner.runConcurrently(
                    THREADS, i -> rateLimitStore().increment(key, window, at(1)));

            assertThat(results)
                    .extracting(Counter::count)
                    .as(
                            "%d concurrent increments on one key must see the counts 1..%d exactly once each",
                            THREADS, THREADS)
                    .containsExactlyInAnyOrder(oneTo(THREADS));
            assertThat(results)
                    .extracting(Counter::resetAt)
                    .as("concurrent increments that start one window must all report that window's end")
                    .containsOnly(at(1).plus(window));
            assertThat(rateLimitStore().peek(key, at(2)))
                    .as("%d concurrent increments on one key must count exactly %d", THREADS, THREADS)
                    .isEqualTo(new Counter(THREADS, at(1).plus(window)));
        }
    }

    @Test
    public void pingSucceeds() {
        rateLimitStore().ping();
    }

    private static Instant at(long seconds) {
        return BASE.plusSeconds(seconds);
    }

    private static String newKey() {
        return "contract:rate:" + UUID.randomUUID();
    }

    private static Long[] oneTo(int n) {
        Long[] values = new Long[n];
        for (int i = 0; i < n; i++) {
            values[i] = (long) i + 1;
        }
        return values;
    }
}
