package dev.latchkey.auth.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A pending one-time code, as the store keeps it: only the keyed hash of the code, never the code.
 *
 * @param key opaque key derived by the core from tenant and destination (ASCII, at most 128 characters)
 * @param codeHash keyed hash of the code (base64url, ASCII)
 * @param createdAt when the code was issued
 * @param expiresAt when the code stops being accepted
 * @param attempts wrong codes presented so far
 * @param maxAttempts wrong codes allowed before the challenge locks
 */
public record OtpChallenge(
        String key, String codeHash, Instant createdAt, Instant expiresAt, int attempts, int maxAttempts) {

    public OtpChallenge {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(codeHash, "codeHash");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (attempts < 0 || maxAttempts < 1) {
            throw new IllegalArgumentException("attempts must be >= 0 and maxAttempts >= 1");
        }
    }

    /** {@code true} while {@code now} is before {@link #expiresAt()}. */
    public boolean isLiveAt(Instant now) {
        return now.isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return "OtpChallenge[key=" + key + ", createdAt=" + createdAt + ", expiresAt=" + expiresAt + ", attempts="
                + attempts + "/" + maxAttempts + "]";
    }
}
