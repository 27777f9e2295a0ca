package dev.latchkey.auth.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.latchkey.auth.oauth.OAuthException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * ID token validation (OpenID Connect Core §3.1.3.7), one validator per call and no shared mutable state: signature
 * with an allowed algorithm and a key from the provider's JWKS, then issuer (exact, or Entra ID's tenant template with
 * the token's own {@code tid}), audience, {@code azp}, {@code exp}/{@code iat} with the provider's skew, nonce, and the
 * provider's organisation allow-lists.
 */
final class IdTokens {
    private static final Pattern TENANT_ID = Pattern.compile("[0-9a-fA-F-]{36}");

    /** What a validated ID token says about the account. */
    record Claims(
            String issuer,
            String subject,
            String sub,
            @Nullable String email,
            boolean emailVerified) {}

    private IdTokens() {}

    static Claims validate(
            String idToken,
            OAuthProvider provider,
            String expectedIssuer,
            @Nullable String expectedNonce,
            String tenant,
            KeySetCache keys,
            Instant now) {
        JWTClaimsSet claims = verifySignature(idToken, provider, keys);

        // Issuer: exact. Entra ID multi-tenant: the template filled with the token's own tid, so a token of tenant A
        // can never pass as tenant B's, and no shared "expected issuer" state is kept between calls.
        String iss = claims.getIssuer();
        String canonicalIssuer;
        String tid = stringClaim(claims, "tid");
        if (provider.issuerIsTenantTemplate()) {
            if (tid == null || !TENANT_ID.matcher(tid).matches()) {
                throw refuse(Reason.ID_TOKEN_CLAIMS, "the ID token has no valid tenant id");
            }
            canonicalIssuer = expectedIssuer.replace(OAuthProvider.TENANT_PLACEHOLDER, tid);
            if (!canonicalIssuer.equals(iss)) {
                throw refuse(Reason.ID_TOKEN_CLAIMS, "the ID token's issuer is not the expected one");
            }
        } else {
            canonicalIssuer = expectedIssuer;
            if (iss == null
                    || !(iss.equals(expectedIssuer)
                            || provider.alternativeIssuers().contains(iss))) {
                throw refuse(Reason.ID_TOKEN_CLAIMS, "the ID token's issuer is not the expected one");
            }
        }

        // Audience must contain our client id; with several audiences the authorized party must be us (§3.1.3.7 3-5).
        List<String> audience = claims.getAudience();
        if (audience == null || !audience.contains(provider.clientId())) {
            throw refuse(Reason.ID_TOKEN_CLAIMS, "the ID token is not meant for this client");
        }
        String azp = stringClaim(claims, "azp");
        if ((audience.size() > 1 && azp == null) || (azp != null && !azp.equals(provider.clientId()))) {
            throw refuse(Reason.ID_TOKEN_CLAIMS, "the ID token's authorized party is not this client");
        }

        Date exp = claims.getExpirationTime();
        Date iat = claims.getIssueTime();
        if (exp == null || !now.isBefore(exp.toInstant().plus(provider.clockSkew()))) {
            throw refuse(Reason.ID_TOKEN_EXPIRED, "the ID token has expired");
        }
        if (iat == null || iat.toInstant().isAfter(now.plus(provider.clockSkew()))) {
            throw refuse(Reason.ID_TOKEN_EXPIRED, "the ID token was issued in the future");
        }

        // Nonce (§3.1.3.7 11): binds the token to this browser's flow. LinkedIn sends none; one that is sent must
        // match.
        String nonce = stringClaim(claims, "nonce");
        if (nonce == null ? provider.nonceRequired() : !constantTimeEquals(nonce, expectedNonce)) {
            throw refuse(Reason.NONCE_MISMATCH, "the ID token's nonce is not this flow's");
        }

        if (!provider.allowedHostedDomains().isEmpty()) {
            String hd = stringClaim(claims, "hd");
            if (hd == null || !provider.allowedHostedDomains().contains(hd)) {
                throw refuse(Reason.ORGANISATION_NOT_ALLOWED, "accounts of this domain may not sign in");
            }
        }
        Set<String> tids = provider.allowedTenantIds(tenant).orElse(null);
        if (tids != null && (tid == null || !tids.contains(tid))) {
            throw refuse(Reason.ORGANISATION_NOT_ALLOWED, "accounts of this directory may not sign in");
        }

        String sub = claims.getSubject();
        if (sub == null || sub.isEmpty()) {
            throw refuse(Reason.ID_TOKEN_CLAIMS, "the ID token has no subject");
        }
        String subject = sub;
        if (provider.subjectKey() == OAuthProvider.SubjectKey.TENANT_AND_OBJECT_ID) {
            String oid = stringClaim(claims, "oid");
            if (tid == null || oid == null || oid.isEmpty()) {
                throw refuse(Reason.ID_TOKEN_CLAIMS, "the ID token has no tenant and object id");
            }
            subject = tid + ":" + oid;
        }
        String email = stringClaim(claims, "email");
        return new Claims(canonicalIssuer, subject, sub, email, isTrue(claims.getClaim(provider.emailVerifiedClaim())));
    }

    /** {@code true} and {@code "true"} (LinkedIn sends strings) count as true; anything else as false. */
    static boolean isTrue(@Nullable Object value) {
        return Boolean.TRUE.equals(value) || (value instanceof String s && s.equalsIgnoreCase("true"));
    }

    private static JWTClaimsSet verifySignature(String idToken, OAuthProvider provider, KeySetCache keys) {
        JWT jwt;
        try {
            jwt = JWTParser.parse(idToken);
        } catch (ParseException e) {
            throw refuse(Reason.ID_TOKEN_SIGNATURE, "the ID token is malformed");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            // alg "none" (a PlainJWT) or an encrypted token we never asked for.
            throw refuse(Reason.ID_TOKEN_SIGNATURE, "the ID token is not signed");
        }
        JWSAlgorithm alg = signed.getHeader().getAlgorithm();
        try {
            if (JWSAlgorithm.Family.HMAC_SHA.contains(alg)) {
                // An HMAC keyed by the client secret proves only that someone holding the secret made the token.
                if (!provider.hmacWithClientSecret()) {
                    throw refuse(Reason.ID_TOKEN_SIGNATURE, "the ID token's algorithm is not allowed");
                }
                String secret = provider.clientSecret();
                if (secret == null || !signed.verify(new MACVerifier(secret.getBytes(StandardCharsets.UTF_8)))) {
                    throw refuse(Reason.ID_TOKEN_SIGNATURE, "the ID token's signature is invalid");
                }
                return signed.getJWTClaimsSet();
            }
            if (!provider.idTokenAlgorithms().contains(alg.getName())) {
                throw refuse(Reason.ID_TOKEN_SIGNATURE, "the ID token's algorithm is not allowed");
            }
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(alg, keys));
            // The claims are checked above, with the provider's skew and Entra ID's issuer template.
            processor.setJWTClaimsSetVerifier((claims, context) -> {});
            return processor.process(signed, null);
        } catch (BadJOSEException | JOSEException | ParseException e) {
            throw refuse(Reason.ID_TOKEN_SIGNATURE, "the ID token's signature could not be verified");
        }
    }

    private static @Nullable String stringClaim(JWTClaimsSet claims, String name) {
        return claims.getClaim(name) instanceof String s ? s : null;
    }

    static boolean constantTimeEquals(@Nullable String a, @Nullable String b) {
        return a != null
                && b != null
                && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    static OAuthException refuse(Reason reason, String message) {
        return new OAuthException(reason, message);
    }
}
