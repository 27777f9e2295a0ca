package dev.latchkey.auth;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * A bounded, exact-match cache of access tokens whose signature and claims have been verified, so that one token
 * presented on many requests is verified cryptographically once. Direct-mapped: each token has one slot chosen by
 * the last characters of its signature, a newer token simply replaces the older one in the slot, so there is no
 * eviction bookkeeping and no lock. A hit copies the token's characters into a per-thread buffer and compares eight
 * bytes at a time, without allocating.
 *
 * <p>A hit only skips the signature and claim parsing: the caller still checks expiry against its clock on every
 * use, and revocation checks are never served from here. The cache belongs to one key set; keys never change for
 * its lifetime (a new key set means a new facade and an empty cache).
 */
final class VerifiedTokenCache {
    /** How many trailing characters choose the slot: the signature's, uniformly random for every issued token. */
    private static final int SLOT_CHARS = 8;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final AtomicReferenceArray<Entry> slots;
    private final int mask;

    /**
     * Where a probe's characters are copied for the comparison: allocating a copy on every hit costs more than the
     * comparison, and in a benchmark the garbage alone makes hits slow until the collector has sized itself.
     */
    private static final ThreadLocal<byte[]> PROBE = ThreadLocal.withInitial(() -> new byte[1024]);

    /** {@code bytes} are the verified token's characters (base64url and dots, so one byte each). */
    private record Entry(String token, byte[] bytes, AuthPrincipal principal, long expiresAtEpochSecond) {}

    VerifiedTokenCache(int capacity) {
        int size = Integer.highestOneBit(Math.max(1, capacity - 1) << 1);
        this.slots = new AtomicReferenceArray<>(size);
        this.mask = size - 1;
    }

    /** The principal for exactly this token, if cached and not past {@code latestAcceptedEpochSecond}. */
    @Nullable
    AuthPrincipal get(String token, long nowEpochSecond, long skewSeconds) {
        Entry entry = slots.getPlain(slot(token));
        if (entry == null || entry.bytes.length != token.length() || !sameCharacters(entry, token)) {
            return null;
        }
        if (nowEpochSecond >= entry.expiresAtEpochSecond + skewSeconds) {
            return null;
        }
        return entry.principal;
    }

    void put(String token, AuthPrincipal principal) {
        slots.setPlain(
                slot(token),
                new Entry(
                        token,
                        token.getBytes(StandardCharsets.ISO_8859_1),
                        principal,
                        principal.expiresAt().getEpochSecond()));
    }

    /**
     * Whether {@code token} (of the entry's length) is the entry's token: its characters' low bytes compared in
     * constant time, then, only once they all match, {@link String#equals} to refuse a character beyond Latin-1
     * whose low byte happens to match (a verified token is Latin-1, so a wider one is never equal to it).
     */
    @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int) is the copy of low bytes, exactly as wanted
    private static boolean sameCharacters(Entry entry, String token) {
        int length = token.length();
        byte[] probe = PROBE.get();
        if (probe.length < length) {
            probe = new byte[Math.max(length, probe.length * 2)];
            PROBE.set(probe);
        }
        token.getBytes(0, length, probe, 0);
        return constantTimeEquals(entry.bytes, probe, length) && entry.token.equals(token);
    }

    /**
     * Hashes only the last characters: they are signature bytes, so they spread issued tokens evenly, and unlike
     * {@link String#hashCode()} (cached per String, but every request brings a new String) this reads 8 characters,
     * not the whole token. A crafted token can at worst evict an entry, never be served for it.
     */
    private int slot(String token) {
        int h = 0;
        for (int i = Math.max(0, token.length() - SLOT_CHARS); i < token.length(); i++) {
            h = 31 * h + token.charAt(i);
        }
        h *= 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    /**
     * Compares without an early exit, so response timing does not reveal how much of a cached token (possibly
     * another user's, sharing the slot) a probe matched.
     */
    private static boolean constantTimeEquals(byte[] a, byte[] b, int length) {
        long diff = 0;
        int i = 0;
        for (; i <= length - Long.BYTES; i += Long.BYTES) {
            diff |= (long) LONGS.get(a, i) ^ (long) LONGS.get(b, i);
        }
        for (; i < length; i++) {
            diff |= a[i] ^ b[i];
        }
        return diff == 0;
    }
}
