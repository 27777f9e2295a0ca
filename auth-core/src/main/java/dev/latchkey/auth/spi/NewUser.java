package dev.latchkey.auth.spi;

import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A user to insert with {@link UserDatabase#upsert}. Email and mobile are already normalised by the core.
 *
 * @param id the id to use if the user is created
 * @param tenantId the tenant
 * @param email normalised email, or {@code null}
 * @param mobile E.164 mobile, or {@code null}
 * @param name display name, or {@code null}
 * @param role the initial role
 * @param permissions the initial permissions
 */
public record NewUser(
        UUID id,
        String tenantId,
        @Nullable String email,
        @Nullable String mobile,
        @Nullable String name,
        String role,
        Set<String> permissions) {

    public NewUser {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(role, "role");
        if (email == null && mobile == null) {
            throw new IllegalArgumentException("a user needs an email or a mobile number");
        }
        permissions = permissions == null ? Set.of() : Set.copyOf(permissions);
    }

    /** {@code true} when the login key of this user is its email, {@code false} when it is its mobile. */
    public boolean keyedByEmail() {
        return email != null;
    }
}
