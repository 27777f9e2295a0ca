package dev.latchkey.auth;

import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.RateLimitStore;
import java.util.Objects;

/**
 * The pair of stores one code operation uses, taken once per operation so that it never mixes a primary store with
 * the local fallback, and the divisor its limits are divided by on that pair. The OTP store arrives wrapped by {@link
 * FailClosed}; the counters do not, because they are only ever handed to the OTP store's login steps, which may fuse
 * them with their own work when they are its sibling store and whose wrapper fails every step closed.
 *
 * @param limitDivisor 1 on a shared store; in fallback the configured instance count, because each instance then
 *     counts alone and together they must not allow more than one shared counter would
 */
record CodeStores(OTPStore otp, RateLimitStore rateLimits, int limitDivisor) {
    CodeStores {
        Objects.requireNonNull(otp, "otp");
        Objects.requireNonNull(rateLimits, "rateLimits");
        if (limitDivisor < 1) {
            throw new IllegalArgumentException("limitDivisor must be at least 1");
        }
    }

    /**
     * The limit as this pair enforces it: on a shared store the configured one; in fallback its maximum divided by
     * the instance count, rounded up and at least 1, over the same window. Rounding up means N instances together
     * allow at most N - 1 more than the shared limit (for example 5/1h over 2 instances: 3 each); never 0, which
     * would refuse even the first code.
     */
    AuthSettings.Limit limit(AuthSettings.Limit configured) {
        if (limitDivisor == 1) {
            return configured;
        }
        int max = Math.max(1, (configured.max() + limitDivisor - 1) / limitDivisor);
        return new AuthSettings.Limit(max, configured.window());
    }
}
