package dev.latchkey.auth.oauth;

import dev.latchkey.auth.LoginResult;
import java.util.Objects;

/**
 * A finished external sign-in: the user holds a Latchkey session exactly as after a one-time-code login.
 *
 * @param login the user, the token pair and the session
 * @param returnPath the allow-listed path the flow was started with, to send the browser back to
 * @param clearCookie a cookie that deletes this flow's transaction cookie; set it on the answer
 * @param provider the provider's id
 */
public record OAuthCompletion(LoginResult login, String returnPath, TransactionCookie clearCookie, String provider) {
    public OAuthCompletion {
        Objects.requireNonNull(login, "login");
        Objects.requireNonNull(returnPath, "returnPath");
        Objects.requireNonNull(clearCookie, "clearCookie");
        Objects.requireNonNull(provider, "provider");
    }
}
