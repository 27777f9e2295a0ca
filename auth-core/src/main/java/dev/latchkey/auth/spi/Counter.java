package dev.latchkey.auth.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A fixed-window counter as returned by {@link RateLimitStore#increment} and {@link RateLimitStore#peek}.
 *
 * @param count hits in the current window (0 when there is no live window)
 * @param resetAt when the current window ends; when {@code count} is 0 any instant (stores return {@code now})
 */
public record Counter(long count, Instant resetAt) {
    public Counter {
        Objects.requireNonNull(resetAt, "resetAt");
    }
}
