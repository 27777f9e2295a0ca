package dev.latchkey.auth.spi;

import dev.latchkey.auth.AuthPrincipal;
import dev.latchkey.auth.User;
import java.time.Instant;
import java.util.Map;

/**
 * Issues and verifies access tokens. The default, built from {@code AuthSettings} when none is given to the builder,
 * signs RFC 9068 JWTs with nimbus-jose-jwt (HS256, ES256, EdDSA or RS256, {@code kid} rotation, a verified-token
 * cache and every RFC 8725 check). A host plugs its own where the signing key must never enter the process: a KMS or
 * an HSM that signs on request.
 *
 * <p>Refresh tokens are not the issuer's business: they are opaque, rotated by the core and never leave Latchkey's
 * own format.
 *
 * <p>Implementations must be thread-safe. Whole-facade contract: {@code
 * dev.latchkey.auth.testkit.AuthFacadeContract} runs over any issuer a subclass provides.
 */
public interface TokenIssuer {

    /**
     * Issues an access token for the user's session.
     *
     * @param user the user, with the role and permissions the token must carry
     * @param sessionId the session (refresh family) the token belongs to: its {@code sid}
     * @param now the core's clock; the token's {@code iat}
     * @throws RuntimeException any failure of the signer; the facade reports it as {@code UNAVAILABLE}
     */
    AccessToken issue(User user, String sessionId, Instant now);

    /**
     * Verifies an access token's signature and claims and returns its principal.
     *
     * @throws dev.latchkey.auth.AuthException with {@code INVALID_TOKEN} for anything not acceptable (missing,
     *     malformed, wrong signature, issuer, audience or type, expired); never a bare runtime exception for bad input
     */
    AuthPrincipal verify(String accessToken, Instant now);

    /** The public keys that verify this issuer's tokens, as a JWK Set ({@code {"keys":[...]}}); empty for HMAC. */
    Map<String, Object> jwkSet();

    /**
     * An issued access token.
     *
     * @param token the compact serialisation
     * @param expiresAt its {@code exp}
     */
    record AccessToken(String token, Instant expiresAt) {
        public AccessToken {
            java.util.Objects.requireNonNull(token, "token");
            java.util.Objects.requireNonNull(expiresAt, "expiresAt");
        }

        @Override
        public String toString() {
            return "AccessToken[expiresAt=" + expiresAt + "]";
        }
    }
}
