package dev.latchkey.auth.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A login by one-time code that {@link UserDatabase#recordCodeLogin} records: the proven destination (exactly one of
 * email and mobile, normalised), the user to create when none holds it, and the time.
 *
 * @param tenantId the tenant
 * @param email the email the code was sent to, or {@code null} for a mobile login
 * @param mobile the E.164 mobile the code was sent to, or {@code null} for an email login
 * @param newUser the user to create when the destination has none; empty when sign-up is closed (invite-only)
 * @param at the login time
 */
public record CodeLogin(
        String tenantId, @Nullable String email, @Nullable String mobile, Optional<NewUser> newUser, Instant at) {
    public CodeLogin {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(newUser, "newUser");
        Objects.requireNonNull(at, "at");
        if ((email == null) == (mobile == null)) {
            throw new IllegalArgumentException("a code login has exactly one of email and mobile");
        }
        if (newUser.isPresent()
                && (!newUser.get().tenantId().equals(tenantId)
                        || !Objects.equals(newUser.get().email(), email)
                        || !Objects.equals(newUser.get().mobile(), mobile))) {
            throw new IllegalArgumentException("the new user must have the login's tenant and destination only");
        }
    }

    /** {@code true} when the code went to an email address. */
    public boolean byEmail() {
        return email != null;
    }
}
