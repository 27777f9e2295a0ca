package dev.latchkey.auth.oauth;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * One sign-in flow's state between start and callback, kept in the browser (no server-side session needed) as a JWE
 * ({@code dir} + {@code A256GCM}, so encrypted and authenticated) under a key derived from the host's hash secret for
 * this purpose only.
 *
 * @param flowId derived from the state; names the cookie, keys the single-use check
 * @param provider the provider the flow was started for (mix-up defence)
 * @param tenant the Latchkey tenant
 * @param state the CSRF token bound to this browser (RFC 9700 §4.7.1)
 * @param nonce the ID token's expected nonce (OpenID Connect Core §3.1.2.1)
 * @param codeVerifier the PKCE verifier, or {@code null} without PKCE (RFC 7636)
 * @param redirectUri the redirect URI sent in the authorization request, sent again to the token endpoint
 * @param issuer the expected issuer (possibly a tenant template)
 * @param returnPath the allow-listed path to go back to
 * @param linkUserId the signed-in user asking to link, or {@code null}
 * @param expiresAt end of the flow's lifetime
 */
record Transaction(
        String flowId,
        String provider,
        String tenant,
        String state,
        String nonce,
        @Nullable String codeVerifier,
        String redirectUri,
        String issuer,
        String returnPath,
        @Nullable UUID linkUserId,
        Instant expiresAt) {

    static final String COOKIE_PREFIX = "lk_oauth_";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /** The flow id of a state: a prefix of its SHA-256, so the cookie name reveals nothing of the state. */
    static String flowIdOf(String state) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(state.getBytes(StandardCharsets.UTF_8));
            return B64.encodeToString(digest).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    String cookieName() {
        return COOKIE_PREFIX + flowId;
    }

    /** Encrypts transactions under a key derived from the hash secret (HMAC-SHA256 as a PRF, as auth-core does). */
    static final class Codec {
        private final DirectEncrypter encrypter;
        private final DirectDecrypter decrypter;

        Codec(byte[] hashSecret) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(hashSecret, "HmacSHA256"));
                byte[] key = mac.doFinal("latchkey/oauth-transaction/v1".getBytes(StandardCharsets.US_ASCII));
                this.encrypter = new DirectEncrypter(key);
                this.decrypter = new DirectDecrypter(key);
            } catch (GeneralSecurityException | JOSEException e) {
                throw new IllegalStateException("cannot derive the transaction key", e);
            }
        }

        String seal(Transaction t, Instant now) {
            JWTClaimsSet claims = new JWTClaimsSet.Builder()
                    .jwtID(t.flowId())
                    .claim("prv", t.provider())
                    .claim("ten", t.tenant())
                    .claim("st", t.state())
                    .claim("non", t.nonce())
                    .claim("cv", t.codeVerifier())
                    .claim("ru", t.redirectUri())
                    .claim("xis", t.issuer())
                    .claim("rp", t.returnPath())
                    .claim("lnk", t.linkUserId() == null ? null : t.linkUserId().toString())
                    .issueTime(Date.from(now))
                    .expirationTime(Date.from(t.expiresAt()))
                    .build();
            EncryptedJWT jwt = new EncryptedJWT(new JWEHeader(JWEAlgorithm.DIR, EncryptionMethod.A256GCM), claims);
            try {
                jwt.encrypt(encrypter);
            } catch (JOSEException e) {
                throw new IllegalStateException("cannot encrypt the transaction", e);
            }
            return jwt.serialize();
        }

        /** The transaction, or empty if the value was not made by {@link #seal} with this key. */
        Optional<Transaction> open(@Nullable String value) {
            if (value == null || value.length() > 4096) {
                return Optional.empty();
            }
            try {
                EncryptedJWT jwt = EncryptedJWT.parse(value);
                if (!JWEAlgorithm.DIR.equals(jwt.getHeader().getAlgorithm())
                        || !EncryptionMethod.A256GCM.equals(jwt.getHeader().getEncryptionMethod())) {
                    return Optional.empty();
                }
                jwt.decrypt(decrypter);
                JWTClaimsSet c = jwt.getJWTClaimsSet();
                String link = c.getStringClaim("lnk");
                return Optional.of(new Transaction(
                        c.getJWTID(),
                        c.getStringClaim("prv"),
                        c.getStringClaim("ten"),
                        c.getStringClaim("st"),
                        c.getStringClaim("non"),
                        c.getStringClaim("cv"),
                        c.getStringClaim("ru"),
                        c.getStringClaim("xis"),
                        c.getStringClaim("rp"),
                        link == null ? null : UUID.fromString(link),
                        c.getExpirationTime().toInstant()));
            } catch (ParseException | JOSEException | RuntimeException e) {
                return Optional.empty();
            }
        }
    }

    /** Ten minutes at most, as the issue and RFC 9700's short-lived authorization state advise. */
    static final Duration MAX_LIFETIME = Duration.ofMinutes(10);
}
