package dev.latchkey.auth.internal.memory;

import dev.latchkey.auth.spi.Counter;
import dev.latchkey.auth.spi.RateLimitStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Fixed-window counters in the memory of this process, bounded: the implementation behind {@code
 * MemoryRateLimitStore} and behind the core's local fallback. Every operation on a key is atomic. When full of live
 * counters, an increment that needs a new counter fails with {@code UNAVAILABLE} rather than evicting one: dropping a
 * counter would reset a throttle or a failure budget (ASVS 5.0 V6.3, NIST SP 800-63B-4 §3.2.2), so the store fails
 * closed.
 */
public final class LocalRateLimitStore implements RateLimitStore {
    private final ExpiringMap<Counter> counters;

    /**
     * A store holding at most {@code maxCounters} counters.
     *
     * @param description names the store in the error a full store throws
     * @throws IllegalArgumentException if the bound is below 1
     */
    public LocalRateLimitStore(String description, int maxCounters) {
        this.counters = new ExpiringMap<>(description, maxCounters, Counter::resetAt);
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

    /** Counters held, expired or not. */
    public int size() {
        return counters.size();
    }
}
