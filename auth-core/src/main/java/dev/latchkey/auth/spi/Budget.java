package dev.latchkey.auth.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * A failure budget of {@link OTPStore#verifyWithBudgets}: a fixed-window counter of wrong codes that is spent once
 * its count reaches {@code max}.
 *
 * @param key the counter's key in the {@link RateLimitStore}
 * @param max failures allowed in one window
 * @param window the window a first failure opens
 */
public record Budget(String key, long max, Duration window) {
    public Budget {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(window, "window");
        if (max < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a budget needs max >= 1 and a positive window");
        }
    }
}
