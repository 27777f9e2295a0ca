package dev.latchkey.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.auth.spi.TokenIssuer;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The default {@link TokenIssuer}: RFC 9068 JWT access tokens, signed with nimbus-jose-jwt and verified by {@link
 * AccessTokenVerifier} (JDK crypto, jackson-core streaming JSON). Everything that can be prepared once is: the header,
 * the signer, the key-id map with each key's pooled signature check, the exact header text of each key.
 */
final class AccessTokens implements TokenIssuer {
    static final String CLAIM_TENANT = "tenant_id";
    static final String CLAIM_ROLE = "role";
    static final String CLAIM_PERMISSIONS = "permissions";
    static final String CLAIM_SESSION = "sid";
    static final String CLAIM_EMAIL = "email";
    static final String CLAIM_CLIENT_ID = "client_id";

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final JwtKey signingKey;
    private final JWSSigner signer;
    private final JWSHeader header;
    private final Map<String, JwtKey> keysById;
    private final String issuer;
    private final String audience;
    private final String clientId;
    private final long ttlSeconds;
    private final long skewSeconds;
    private final AccessTokenVerifier verifier;
    private final @Nullable VerifiedTokenCache cache;
    private final SecureRandom random;

    AccessTokens(AuthSettings settings, SecureRandom random) {
        this.signingKey = settings.signingKey();
        this.signer = signingKey.signer();
        // RFC 9068 §2.1: "at+jwt" (its full media-type spelling is accepted on verification too, RFC 9068 §4).
        this.header = AccessTokenVerifier.header(signingKey);
        Map<String, JwtKey> keys = new HashMap<>();
        keys.put(signingKey.kid(), signingKey);
        for (JwtKey key : settings.verificationKeys()) {
            keys.put(key.kid(), key);
        }
        this.keysById = Map.copyOf(keys);
        this.issuer = settings.issuer();
        this.audience = settings.audience();
        this.clientId = settings.clientId();
        this.ttlSeconds = settings.accessTokenTtl().toSeconds();
        this.skewSeconds = settings.clockSkew().toSeconds();
        this.verifier = new AccessTokenVerifier(keysById.values(), issuer, audience, skewSeconds);
        this.cache = settings.tokenCacheSize() == 0 ? null : new VerifiedTokenCache(settings.tokenCacheSize());
        this.random = random;
    }

    @Override
    public AccessToken issue(User user, String sessionId, Instant now) {
        Instant issuedAt = Instant.ofEpochSecond(now.getEpochSecond());
        Instant expiresAt = issuedAt.plusSeconds(ttlSeconds);
        byte[] jti = new byte[16];
        random.nextBytes(jti);
        List<String> permissions = new ArrayList<>(user.permissions());
        permissions.sort(null);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(user.id().toString())
                .audience(audience)
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(expiresAt))
                .jwtID(B64.encodeToString(jti))
                .claim(CLAIM_CLIENT_ID, clientId)
                .claim(CLAIM_TENANT, user.tenantId())
                .claim(CLAIM_ROLE, user.role())
                .claim(CLAIM_PERMISSIONS, permissions)
                .claim(CLAIM_SESSION, sessionId);
        if (user.email() != null) {
            claims.claim(CLAIM_EMAIL, user.email());
        }
        SignedJWT jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing an access token failed", e);
        }
        return new AccessToken(jwt.serialize(), expiresAt);
    }

    /**
     * Verifies a compact JWS access token: size, header (kid, exact algorithm of that key, type, no key-carrying or
     * critical headers), signature, then claims. Any failure, of any kind, is {@link ErrorCode#INVALID_TOKEN}.
     */
    @Override
    public AuthPrincipal verify(String token, Instant now) {
        // RFC 8725 §3.1-3.12 checks below; size first so nothing large is ever parsed.
        if (token == null || token.isEmpty() || token.length() > Inputs.MAX_TOKEN) {
            throw invalid();
        }
        long nowSeconds = now.getEpochSecond();
        if (cache != null) {
            AuthPrincipal cached = cache.get(token, nowSeconds, skewSeconds);
            if (cached != null) {
                return cached;
            }
        }
        AuthPrincipal principal;
        try {
            principal = verifier.verify(token, nowSeconds);
        } catch (AuthException e) {
            throw e;
        } catch (Exception e) {
            // Malformed base64url or JSON, a constraint hit, a bad UUID: all the same refusal.
            throw invalid();
        }
        if (cache != null) {
            cache.put(token, principal);
        }
        return principal;
    }

    /** The public keys, as a JWK Set document ({@code {"keys":[...]}}); empty for HS256-only setups. */
    @Override
    public Map<String, Object> jwkSet() {
        List<JwtKey> keys = new ArrayList<>();
        keys.add(signingKey);
        keysById.values().stream()
                .filter(k -> k != signingKey)
                .sorted((a, b) -> a.kid().compareTo(b.kid()))
                .forEach(keys::add);
        List<Map<String, Object>> jwks = new ArrayList<>();
        for (JwtKey key : keys) {
            key.publicJwk().ifPresent(jwks::add);
        }
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("keys", jwks);
        return set;
    }

    static AuthException invalid() {
        return new AuthException(ErrorCode.INVALID_TOKEN, "the token is invalid or expired");
    }
}
