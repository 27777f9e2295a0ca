package dev.latchkey.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A user of one tenant. Email and mobile are each optional, but a user always has at least one of them; both are
 * unique within the tenant and stored in normalised form (lower-case email, E.164 mobile).
 *
 * @param id stable identifier, the {@code sub} of access tokens
 * @param tenantId the tenant the user belongs to
 * @param email normalised email address, or {@code null}
 * @param mobile E.164 mobile number, or {@code null}
 * @param name display name, or {@code null}
 * @param role the user's role, for example {@code member} or {@code admin}
 * @param permissions fine-grained permissions, for example {@code reports:read}
 * @param active {@code false} once the user has been disabled
 * @param lastLoginAt the last successful login, or {@code null}
 * @param createdAt when the user was created
 * @param updatedAt when the user was last changed
 */
public record User(
        UUID id,
        String tenantId,
        @Nullable String email,
        @Nullable String mobile,
        @Nullable String name,
        String role,
        Set<String> permissions,
        boolean active,
        @Nullable Instant lastLoginAt,
        Instant createdAt,
        Instant updatedAt) {

    public User {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (email == null && mobile == null) {
            throw new IllegalArgumentException("a user needs an email or a mobile number");
        }
        permissions = permissions == null ? Set.of() : Set.copyOf(permissions);
    }

    public Optional<String> emailAddress() {
        return Optional.ofNullable(email);
    }

    public Optional<String> mobileNumber() {
        return Optional.ofNullable(mobile);
    }

    public Optional<String> displayName() {
        return Optional.ofNullable(name);
    }

    public Optional<Instant> lastLogin() {
        return Optional.ofNullable(lastLoginAt);
    }

    public boolean hasRole(String expected) {
        return role.equals(expected);
    }

    public boolean hasPermission(String permission) {
        return permissions.contains(permission);
    }

    /** A copy with the given fields changed; the id, tenant and timestamps stay. */
    public User withProfile(
            @Nullable String newEmail,
            @Nullable String newMobile,
            @Nullable String newName,
            String newRole,
            Set<String> perms) {
        return new User(
                id, tenantId, newEmail, newMobile, newName, newRole, perms, active, lastLoginAt, createdAt, updatedAt);
    }

    /** A copy with the given last-login time. */
    public User withLastLoginAt(Instant at) {
        return new User(id, tenantId, email, mobile, name, role, permissions, active, at, createdAt, updatedAt);
    }

    public User withActive(boolean newActive) {
        return new User(
                id, tenantId, email, mobile, name, role, permissions, newActive, lastLoginAt, createdAt, updatedAt);
    }

    /** Email and mobile print masked, so a user may be logged without exposing the addresses. */
    @Override
    public String toString() {
        return "User[id=" + id + ", tenantId=" + tenantId + ", email=" + Masking.email(email) + ", mobile="
                + Masking.mobile(mobile) + ", role=" + role + ", permissions=" + permissions + ", active=" + active
                + "]";
    }
}
