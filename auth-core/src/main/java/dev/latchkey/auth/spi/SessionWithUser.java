package dev.latchkey.auth.spi;

import dev.latchkey.auth.User;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A session and the user it belongs to, read together by {@link SessionStore#findWithUser}.
 *
 * @param session the session, possibly expired (the core checks)
 * @param user the user with the session's tenant and user id, or {@code null} if there is none
 */
public record SessionWithUser(
        SessionRecord session, @Nullable User user) {
    public SessionWithUser {
        Objects.requireNonNull(session, "session");
    }
}
