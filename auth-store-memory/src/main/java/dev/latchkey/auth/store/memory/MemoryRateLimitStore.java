package dev.latchkey.auth.store.memory;

import dev.latchkey.auth.internal.memory.LocalRateLimitStore;
import dev.latchkey.auth.spi.Counter;
import dev.latchkey.auth.spi.RateLimitStore;
import java.time.Duration;
import java.time.Instant;

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

    /** The one bounded implementation, shared with the core's local fallback. */
    private final LocalRateLimitStore counters;

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
        this.counters = new LocalRateLimitStore("in-memory rate-limit counter store", maxCounters);
    }

    @Override
    public Counter increment(String key, Duration window, Instant now) {
        return counters.increment(key, window, now);
    }

    @Override
    public Counter peek(String key, Instant now) {
        return counters.peek(key, now);
    }

    @Override
    public void reset(String key) {
        counters.reset(key);
    }

    @Override
    public int purgeExpired(Instant now) {
        return counters.purgeExpired(now);
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
