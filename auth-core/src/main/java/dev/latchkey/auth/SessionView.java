package dev.latchkey.auth;

import java.util.Objects;

/**
 * What {@code AuthFacade.session(accessToken)} returns: the current user, the live session and the verified claims.
 *
 * @param user the user as currently stored (active)
 * @param session the live session the token belongs to
 * @param principal the verified claims of the token
 */
public record SessionView(User user, SessionInfo session, AuthPrincipal principal) {
    public SessionView {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(principal, "principal");
    }
}
