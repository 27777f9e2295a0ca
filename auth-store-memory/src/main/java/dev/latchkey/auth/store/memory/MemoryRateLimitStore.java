package dev.latchkey.auth.store.memory;

import dev.latchkey.auth.spi.Counter;
import dev.latchkey.auth.spi.RateLimitStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A {@link RateLimitStore} in the memory of one process: correct for a single instance of the application, and the
 * store to use in tests. Every operation on a key is atomic.
 *
 * <p>Memory is bounded: at most {@code maxCounters} counters are held. Expired counters are removed a few at a time on
 * every write, from an expiry-ordered index, and all at once by {@link #purgeExpired}. When the store is full of live
 * counters, an increment that needs a new counter fails with {@code UNAVAILABLE} rather than evicting one: dropping a
 * counter would reset a throttle or a failure budget, so the store fails closed.
 */
public final class MemoryRateLimitStore implements RateLimitStore {
    /** Default bound on live counters. */
    public static final int DEFAULT_MAX_COUNTERS = 100_000;

    private final ExpiringMap<Counter> counters;

    /** A store with the default bound. */
    public MemoryRateLimitStore() {
        this(DEFAULT_MAX_COUNTERS);
    }

    /**
     * A store holding at most {@code maxCounters} counters.
     *
     * @throws IllegalArgumentException if the bound is below 1
     */
    public MemoryRateLimitStore(int maxCounters) {
        this.counters = new ExpiringMap<>("in-memory rate-limit counter store", maxCounters, Counter::resetAt);
    }

    @Override
    public Counter increment(String key, Duration window, Instant now) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(now, "now");
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive");
        }
        return counters.compute(key, now, (k, counter) -> {
            if (counter == null || !counter.resetAt().isAfter(now)) {
                return new Counter(1, now.plus(window));
            }
            return new Counter(counter.count() + 1, counter.resetAt());
        });
    }

    @Override
    public Counter peek(String key, Instant now) {
        Objects.requireNonNull(now, "now");
        Counter counter = counters.get(Objects.requireNonNull(key, "key"));
        if (counter == null || !counter.resetAt().isAfter(now)) {
            return new Counter(0, now);
        }
        return counter;
    }

    @Override
    public void reset(String key) {
        counters.remove(Objects.requireNonNull(key, "key"));
    }

    @Override
    public int purgeExpired(Instant now) {
        return counters.purgeExpired(Objects.requireNonNull(now, "now"));
    }

    /** Always answers: the store lives in this process. */
    @Override
    public void ping() {
        // Nothing can be unreachable.
    }

    int counterCount() {
        return counters.size();
    }
}
