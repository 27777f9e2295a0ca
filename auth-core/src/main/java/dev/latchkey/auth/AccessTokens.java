package dev.latchkey.auth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.util.Base64URL;
import dev.latchkey.auth.spi.TokenIssuer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The default {@link TokenIssuer}: RFC 9068 JWT access tokens, written with jackson-core, signed by the key's {@link
 * JWSSigner} (nimbus-jose-jwt's, or a pooled JDK {@code Mac} for HS256) and verified by {@link AccessTokenVerifier}
 * (JDK crypto, jackson-core streaming JSON). Everything that can be prepared once is: the header and its encoding, the
 * signer, the key-id map with each key's pooled signature check, the exact header text of each key.
 */
final class AccessTokens implements TokenIssuer {
    static final String CLAIM_TENANT = "tenant_id";
    static final String CLAIM_ROLE = "role";
    static final String CLAIM_PERMISSIONS = "permissions";
    static final String CLAIM_SESSION = "sid";
    static final String CLAIM_EMAIL = "email";
    static final String CLAIM_CLIENT_ID = "client_id";

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final JsonFactory JSON = new JsonFactory();

    private final JwtKey signingKey;
    private final JWSSigner signer;
    private final JWSHeader header;
    private final String encodedHeader;
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
        this.encodedHeader = header.toBase64URL().toString();
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
        long issuedAt = now.getEpochSecond();
        long expiresAt = issuedAt + ttlSeconds;
        byte[] jti = new byte[16];
        random.nextBytes(jti);
        String[] permissions = user.permissions().toArray(new String[0]);
        Arrays.sort(permissions);
        // The compact serialization written directly (RFC 7515 §7.1): the header is the fixed one of the signing key,
        // and the claims are written once by jackson-core rather than through nimbus's claim set and map, which cost
        // more than the HMAC itself. RFC 9068 §2.2 claims, then Latchkey's own.
        ByteArrayOutputStream payload = new ByteArrayOutputStream(320);
        try (JsonGenerator json = JSON.createGenerator(payload)) {
            json.writeStartObject();
            json.writeStringField("iss", issuer);
            json.writeStringField("sub", user.id().toString());
            json.writeStringField("aud", audience);
            json.writeNumberField("iat", issuedAt);
            json.writeNumberField("exp", expiresAt);
            json.writeStringField("jti", B64.encodeToString(jti));
            json.writeStringField(CLAIM_CLIENT_ID, clientId);
            json.writeStringField(CLAIM_TENANT, user.tenantId());
            json.writeStringField(CLAIM_ROLE, user.role());
            json.writeFieldName(CLAIM_PERMISSIONS);
            json.writeArray(permissions, 0, permissions.length);
            json.writeStringField(CLAIM_SESSION, sessionId);
            if (user.email() != null) {
                json.writeStringField(CLAIM_EMAIL, user.email());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String signingInput = encodedHeader + '.' + B64.encodeToString(payload.toByteArray());
        try {
            Base64URL signature = signer.sign(header, signingInput.getBytes(StandardCharsets.US_ASCII));
            return new AccessToken(signingInput + '.' + signature, Instant.ofEpochSecond(expiresAt));
        } catch (JOSEException e) {
            throw new IllegalStateException("signing an access token failed", e);
        }
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
