package dev.latchkey.examples;

import dev.latchkey.auth.spi.NewUser;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Makes the configured email or mobile an {@code admin} when that user is created at first login, in any tenant, so
 * {@code /api/admin/stats} can be tried. Both values arrive normalised like the core's (lower-case email, E.164
 * mobile), which is the form a {@link NewUser} carries. Existing users are not touched.
 */
final class BootstrapAdmin implements UnaryOperator<NewUser> {
    static final String ADMIN_ROLE = "admin";

    private final @Nullable String email;
    private final @Nullable String mobile;

    BootstrapAdmin(@Nullable String normalisedEmail, @Nullable String e164Mobile) {
        this.email = normalisedEmail;
        this.mobile = e164Mobile;
    }

    @Override
    public NewUser apply(NewUser draft) {
        boolean isAdmin = (email != null && Objects.equals(email, draft.email()))
                || (mobile != null && Objects.equals(mobile, draft.mobile()));
        if (!isAdmin) {
            return draft;
        }
        return new NewUser(
                draft.id(),
                draft.tenantId(),
                draft.email(),
                draft.mobile(),
                draft.name(),
                ADMIN_ROLE,
                draft.permissions());
    }
}
