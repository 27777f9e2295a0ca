package dev.latchkey.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The verified claims of an access token: who is calling, in which tenant, with which role and permissions. This is
 * what a route guard works with; it is built only from a token whose signature, issuer, audience, type and expiry
 * were checked.
 *
 * @param userId the {@code sub} claim
 * @param tenantId the {@code tenant_id} claim
 * @param email the {@code email} claim, or {@code null}
 * @param role the {@code role} claim
 * @param permissions the {@code permissions} claim
 * @param sessionId the {@code sid} claim: the refresh family this token was issued for
 * @param tokenId the {@code jti} claim
 * @param issuedAt the {@code iat} claim
 * @param expiresAt the {@code exp} claim
 */
public record AuthPrincipal(
        UUID userId,
        String tenantId,
        @Nullable String email,
        String role,
        Set<String> permissions,
        String sessionId,
        String tokenId,
        Instant issuedAt,
        Instant expiresAt) {

    public AuthPrincipal {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        permissions = permissions == null ? Set.of() : Set.copyOf(permissions);
    }

    public Optional<String> emailAddress() {
        return Optional.ofNullable(email);
    }

    public boolean hasRole(String expected) {
        return role.equals(expected);
    }

    public boolean hasAnyRole(String... roles) {
        for (String candidate : roles) {
            if (role.equals(candidate)) {
                return true;
            }
        }
        return false;
    }

    public boolean hasPermission(String permission) {
        return permissions.contains(permission);
    }

    /**
     * Returns this principal if it holds one of the roles.
     *
     * @throws AuthException with {@link ErrorCode#FORBIDDEN} otherwise
     */
    public AuthPrincipal requireRole(String... roles) {
        if (!hasAnyRole(roles)) {
            throw new AuthException(ErrorCode.FORBIDDEN, "the required role is missing");
        }
        return this;
    }

    /**
     * Returns this principal if it holds every one of the permissions.
     *
     * @throws AuthException with {@link ErrorCode#FORBIDDEN} otherwise
     */
    public AuthPrincipal requirePermission(String... required) {
        for (String permission : required) {
            if (!permissions.contains(permission)) {
                throw new AuthException(ErrorCode.FORBIDDEN, "a required permission is missing");
            }
        }
        return this;
    }

    /** The email prints masked. */
    @Override
    public String toString() {
        return "AuthPrincipal[userId=" + userId + ", tenantId=" + tenantId + ", email=" + Masking.email(email)
                + ", role=" + role + ", permissions=" + permissions + ", sessionId=" + sessionId + ", expiresAt="
                + expiresAt + "]";
    }
}
