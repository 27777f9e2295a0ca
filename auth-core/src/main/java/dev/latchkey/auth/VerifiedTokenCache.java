package dev.latchkey.auth;

import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * A bounded, exact-match cache of access tokens whose signature and claims have been verified, so that one token
 * presented on many requests is verified cryptographically once. Direct-mapped: each token has one slot chosen by
 * its hash, a newer token simply replaces the older one in the slot, so there is no eviction bookkeeping, no lock
 * and no allocation on a hit.
 *
 * <p>A hit only skips the signature and claim parsing: the caller still checks expiry against its clock on every
 * use, and revocation checks are never served from here. The cache belongs to one key set; keys never change for
 * its lifetime (a new key set means a new facade and an empty cache).
 */
final class VerifiedTokenCache {
    private final AtomicReferenceArray<Entry> slots;
    private final int mask;

    private record Entry(String token, AuthPrincipal principal, long expiresAtEpochSecond) {}

    VerifiedTokenCache(int capacity) {
        int size = Integer.highestOneBit(Math.max(1, capacity - 1) << 1);
        this.slots = new AtomicReferenceArray<>(size);
        this.mask = size - 1;
    }

    /** The principal for exactly this token, if cached and not past {@code latestAcceptedEpochSecond}. */
    @Nullable
    AuthPrincipal get(String token, long nowEpochSecond, long skewSeconds) {
        Entry entry = slots.getPlain(slot(token));
        if (entry == null || !constantTimeEquals(entry.token, token)) {
            return null;
        }
        if (nowEpochSecond >= entry.expiresAtEpochSecond + skewSeconds) {
            return null;
        }
        return entry.principal;
    }

    void put(String token, AuthPrincipal principal) {
        slots.setPlain(
                slot(token), new Entry(token, principal, principal.expiresAt().getEpochSecond()));
    }

    private int slot(String token) {
        int h = token.hashCode();
        return (h ^ (h >>> 16)) & mask;
    }

    /**
     * Compares without an early exit, so response timing does not reveal how much of a cached token (possibly
     * another user's, sharing the slot) a probe matched.
     */
    private static boolean constantTimeEquals(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        int diff = 0;
        for (int i = 0; i < a.length(); i++) {
            diff |= a.charAt(i) ^ b.charAt(i);
        }
        return diff == 0;
    }
}
