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
 * @param sameSite its {@code SameSite} attribute, from the provider's {@link OAuthProvider.ResponseMode}
 */
public record TransactionCookie(String name, String value, String path, Duration maxAge, SameSite sameSite) {

    /** The cookie's {@code SameSite} attribute (RFC 6265bis §4.1.2.7). */
    public enum SameSite {
        /**
         * {@code SameSite=Lax}: sent on the provider's top-level GET redirect back ({@code response_mode=query}), not
         * on cross-site subrequests or POSTs.
         */
        LAX("Lax"),
        /**
         * {@code SameSite=None}: also sent on the cross-site POST of {@code response_mode=form_post}, which a browser
         * never sends a {@code Lax} cookie with.
         */
        NONE("None");

        private final String attribute;

        SameSite(String attribute) {
            this.attribute = attribute;
        }
    }

    public TransactionCookie {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(sameSite, "sameSite");
    }

    /**
     * The {@code Set-Cookie} header value: {@code HttpOnly} (no script reads it), {@code Secure} (which {@code
     * SameSite=None} also requires), {@code SameSite} as {@link #sameSite()} says and {@code Path} of the callback. A
     * deleting cookie carries the same attributes as the one it deletes.
     */
    public String setCookieHeader() {
        return name + "=" + value + "; Path=" + path + "; Max-Age=" + maxAge.toSeconds()
                + "; HttpOnly; Secure; SameSite=" + sameSite.attribute;
    }

    /** The value is a secret-bearing token: it prints redacted. */
    @Override
    public String toString() {
        return "TransactionCookie[name=" + name + ", path=" + path + ", maxAge=" + maxAge + ", sameSite=" + sameSite
                + "]";
    }
}
