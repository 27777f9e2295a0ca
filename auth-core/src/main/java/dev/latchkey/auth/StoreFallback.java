package dev.latchkey.auth;

/**
 * What the facade does while the store of one-time codes and rate-limit counters (usually Redis) is unreachable. Set
 * with {@code STORE_FALLBACK} or {@link AuthSettings.Builder#storeFallback}; see {@code docs/failure-modes.md}.
 */
public enum StoreFallback {
    /** Default: every call that needs the store fails with {@code UNAVAILABLE} until it answers again. */
    NONE,
    /**
     * Opt-in: once probes find the store down, new codes and counters live in a bounded memory store of this
     * instance, with every limit divided by {@code FALLBACK_INSTANCES}; when the store is back the facade returns to
     * it, and codes issued meanwhile stay verifiable on this instance until they expire.
     */
    MEMORY
}
