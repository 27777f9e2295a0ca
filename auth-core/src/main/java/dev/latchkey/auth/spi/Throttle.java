package dev.latchkey.auth.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * One send throttle, as the core hands it to {@link OTPStore#issueChallenge}: a fixed-window counter that allows
 * {@code max} hits per {@code window}. Which throttles exist, their order, keys and limits are core policy.
 *
 * @param name what the audit event calls it ({@code ip}, {@code cooldown}, {@code destination}, ...)
 * @param key the counter's key in the {@link RateLimitStore}
 * @param max hits allowed in one window; the hit that makes the count exceed it is refused
 * @param window the window's length
 */
public record Throttle(String name, String key, long max, Duration window) {
    public Throttle {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(window, "window");
        if (max < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a throttle needs max >= 1 and a positive window");
        }
    }
}
