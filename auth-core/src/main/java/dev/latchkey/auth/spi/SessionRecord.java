package dev.latchkey.auth.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A refresh-token family as the store keeps it: only hashes of refresh tokens, never a token.
 *
 * @param id the session id (ASCII, at most 64 characters), the {@code sid} claim of its access tokens
 * @param tenantId the tenant
 * @param userId the user
 * @param tokenHash hash of the current refresh token
 * @param previousTokenHash hash of the token it replaced, or {@code null} before the first rotation
 * @param generation how many rotations the family has had
 * @param createdAt when the session was created (login)
 * @param lastRotatedAt when the family last rotated (the creation time before the first rotation)
 * @param idleExpiresAt when the session ends unless refreshed
 * @param absoluteExpiresAt when the session ends regardless of use
 */
public record SessionRecord(
        String id,
        String tenantId,
        UUID userId,
        String tokenHash,
        @Nullable String previousTokenHash,
        long generation,
        Instant createdAt,
        Instant lastRotatedAt,
        Instant idleExpiresAt,
        Instant absoluteExpiresAt) {

    public SessionRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastRotatedAt, "lastRotatedAt");
        Objects.requireNonNull(idleExpiresAt, "idleExpiresAt");
        Objects.requireNonNull(absoluteExpiresAt, "absoluteExpiresAt");
    }

    /** The earlier of the idle and absolute expiry. */
    public Instant expiresAt() {
        return idleExpiresAt.isBefore(absoluteExpiresAt) ? idleExpiresAt : absoluteExpiresAt;
    }

    /** {@code true} while {@code now} is before {@link #expiresAt()}. */
    public boolean isLiveAt(Instant now) {
        return now.isBefore(expiresAt());
    }

    @Override
    public String toString() {
        return "SessionRecord[id=" + id + ", tenantId=" + tenantId + ", userId=" + userId + ", generation=" + generation
                + ", expiresAt=" + expiresAt() + "]";
    }
}
