package dev.latchkey.auth;

import java.util.Objects;

/**
 * The outcome of a successful {@code verifyOtp}, {@code signInWithExternalIdentity} or {@code refresh}.
 *
 * @param user the user as stored after the login
 * @param tokens the new access and refresh tokens
 * @param session the session the tokens belong to
 * @param newUser {@code true} when this login created the user (first login with open sign-up)
 */
public record LoginResult(User user, TokenPair tokens, SessionInfo session, boolean newUser) {
    public LoginResult {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(session, "session");
    }
}
