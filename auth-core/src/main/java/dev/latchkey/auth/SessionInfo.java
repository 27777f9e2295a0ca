package dev.latchkey.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A live login session: one refresh-token family. It ends at {@link #expiresAt()}, which is the earlier of its idle
 * and absolute expiry, or when it is signed out or revoked.
 *
 * @param id the session id, the {@code sid} claim of its access tokens
 * @param tenantId the tenant
 * @param userId the user
 * @param createdAt when the user logged in
 * @param lastRefreshedAt when a refresh token of the family was last used (or the login time)
 * @param expiresAt when the session ends unless it is refreshed (never after the absolute expiry)
 * @param absoluteExpiresAt when the session ends regardless of activity
 */
public record SessionInfo(
        String id,
        String tenantId,
        UUID userId,
        Instant createdAt,
        Instant lastRefreshedAt,
        Instant expiresAt,
        Instant absoluteExpiresAt) {

    public SessionInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastRefreshedAt, "lastRefreshedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(absoluteExpiresAt, "absoluteExpiresAt");
    }
}
