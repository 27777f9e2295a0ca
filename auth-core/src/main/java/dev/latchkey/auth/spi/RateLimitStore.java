package dev.latchkey.auth.spi;

import java.time.Duration;
import java.time.Instant;

/**
 * Fixed-window counters: the one primitive behind every limit the core enforces (send throttles per address, IP and
 * tenant, and failure budgets). The store only counts; which keys exist, their windows and their maxima are core
 * policy. Keys are opaque ASCII strings of at most 128 characters, already hashed by the core where they derive from
 * personal data.
 *
 * <p>Every method is atomic with respect to every other call on the same key, across threads and, for shared
 * backends, across processes: N concurrent {@link #increment} calls on one key yield the counts 1..N exactly once
 * each.
 *
 * <p>Contract tests: {@code dev.latchkey.auth.testkit.RateLimitStoreContract}.
 */
public interface RateLimitStore extends Store {

    /**
     * Counts one hit on a fixed-window counter: if the counter has no live window ({@code resetAt} not after {@code
     * now}) a new one starts with count 1 and {@code resetAt = now + window}; otherwise the count grows by one and the
     * window stays. Returns the state after the hit.
     */
    Counter increment(String key, Duration window, Instant now);

    /** The counter's state without changing it; count 0 (and {@code resetAt = now}) if it has no live window. */
    Counter peek(String key, Instant now);

    /** Deletes the counter, so its next {@link #increment} starts a new window at 1. Nothing happens if absent. */
    void reset(String key);

    /** Removes expired counters; returns how many. Stores with native expiry may return 0. */
    default int purgeExpired(Instant now) {
        return 0;
    }
}
