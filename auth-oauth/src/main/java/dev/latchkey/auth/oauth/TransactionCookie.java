package dev.latchkey.auth.oauth;

import java.time.Duration;
import java.util.Objects;

/**
 * The cookie that carries one sign-in flow's transaction from {@link OAuthLogin#start} to {@link OAuthLogin#finish}:
 * encrypted and authenticated (JWE, {@code dir} + {@code A256GCM}), one per flow (its name carries the flow id, so
 * several tabs can sign in at once), scoped to the provider's callback path. Set it with {@link #setCookieHeader()}.
 *
 * @param name the cookie name, {@code lk_oauth_<flow id>}
 * @param value the JWE, or empty for a deleting cookie
 * @param path the callback path the browser sends it to
 * @param maxAge its lifetime; zero deletes it
 */
public record TransactionCookie(String name, String value, String path, Duration maxAge) {
    public TransactionCookie {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(maxAge, "maxAge");
    }

    /**
     * The {@code Set-Cookie} header value: {@code HttpOnly} (no script reads it), {@code Secure}, {@code SameSite=Lax}
     * (sent on the provider's top-level redirect back, not on cross-site subrequests) and {@code Path} of the callback.
     */
    public String setCookieHeader() {
        return name + "=" + value + "; Path=" + path + "; Max-Age=" + maxAge.toSeconds()
                + "; HttpOnly; Secure; SameSite=Lax";
    }

    /** The value is a secret-bearing token: it prints redacted. */
    @Override
    public String toString() {
        return "TransactionCookie[name=" + name + ", path=" + path + ", maxAge=" + maxAge + "]";
    }
}
