package dev.latchkey.auth.oauth;

import java.net.URI;
import java.util.Objects;

/**
 * What {@link OAuthLogin#start} hands the host: redirect the browser to {@link #redirect()} (303) and set {@link
 * #cookie()} on that same response.
 *
 * @param redirect the provider's authorization URL with this flow's state, nonce and PKCE challenge
 * @param cookie the transaction cookie of this flow
 */
public record AuthorizationStart(URI redirect, TransactionCookie cookie) {
    public AuthorizationStart {
        Objects.requireNonNull(redirect, "redirect");
        Objects.requireNonNull(cookie, "cookie");
    }
}
