package dev.latchkey.auth.spi;

/**
 * What every store has in common: a cheap liveness probe. {@link UserDatabase}, {@link OTPStore}, {@link
 * RateLimitStore}, {@link SessionStore} and {@link RevocationList} extend it, so health checks treat them alike.
 */
public interface Store {
    /**
     * Returns normally if the backend answers; throws any {@link RuntimeException} otherwise. Used by health checks,
     * so it must be cheap (one round trip at most) and bounded by the store's own timeouts.
     */
    void ping();
}
