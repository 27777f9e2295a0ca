package dev.latchkey.auth.store.memory;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.AuthPrincipal;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.User;
import dev.latchkey.auth.spi.TokenIssuer;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A {@link TokenIssuer} whose private key never enters the process: the signature of each token comes from an
 * external callback, as a KMS or HSM {@code Sign} call returns it (ASN.1 DER ECDSA over SHA-256). The issuer holds only
 * the public key, with which it verifies locally, so the route guard stays free of remote calls.
 */
final class ExternalSignerTokenIssuer implements TokenIssuer {
    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

    private final UnaryOperator<byte[]> remoteSign;
    private final ECKey publicJwk;
    private final ECDSAVerifier verifier;
    private final String issuer;
    private final String audience;
    private final Duration ttl;

    ExternalSignerTokenIssuer(
            String keyId,
            ECPublicKey publicKey,
            UnaryOperator<byte[]> remoteSign,
            String issuer,
            String audience,
            Duration ttl) {
        this.remoteSign = remoteSign;
        this.publicJwk = new ECKey.Builder(Curve.P_256, publicKey)
                .keyID(keyId)
                .keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.ES256)
                .build();
        try {
            this.verifier = new ECDSAVerifier(publicKey);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        this.issuer = issuer;
        this.audience = audience;
        this.ttl = ttl;
    }

    @Override
    public AccessToken issue(User user, String sessionId, Instant now) {
        Instant issuedAt = Instant.ofEpochSecond(now.getEpochSecond());
        Instant expiresAt = issuedAt.plus(ttl);
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(AT_JWT)
                .keyID(publicJwk.getKeyID())
                .build();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject(user.id().toString())
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(expiresAt))
                .jwtID(UUID.randomUUID().toString())
                .claim("tenant_id", user.tenantId())
                .claim("role", user.role())
                .claim("permissions", List.copyOf(user.permissions()))
                .claim("sid", sessionId);
        if (user.email() != null) {
            claims.claim("email", user.email());
        }
        String signingInput =
                header.toBase64URL() + "." + Base64URL.encode(claims.build().toString());
        try {
            byte[] der = remoteSign.apply(signingInput.getBytes(StandardCharsets.US_ASCII));
            byte[] jose = ECDSA.transcodeSignatureToConcat(der, ECDSA.getSignatureByteArrayLength(JWSAlgorithm.ES256));
            return new AccessToken(signingInput + "." + Base64URL.encode(jose), expiresAt);
        } catch (Exception e) {
            throw new IllegalStateException("the remote signer returned no usable signature", e);
        }
    }

    @Override
    public AuthPrincipal verify(String accessToken, Instant now) {
        try {
            SignedJWT jwt = SignedJWT.parse(accessToken);
            JWSHeader header = jwt.getHeader();
            if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())
                    || !AT_JWT.equals(header.getType())
                    || !publicJwk.getKeyID().equals(header.getKeyID())
                    || !jwt.verify(verifier)) {
                throw invalid();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (!issuer.equals(claims.getIssuer())
                    || claims.getAudience() == null
                    || !claims.getAudience().contains(audience)
                    || claims.getExpirationTime() == null
                    || !now.isBefore(claims.getExpirationTime().toInstant())) {
                throw invalid();
            }
            List<String> permissions = claims.getStringListClaim("permissions");
            return new AuthPrincipal(
                    UUID.fromString(claims.getSubject()),
                    claims.getStringClaim("tenant_id"),
                    claims.getStringClaim("email"),
                    claims.getStringClaim("role"),
                    permissions == null ? Set.of() : Set.copyOf(permissions),
                    claims.getStringClaim("sid"),
                    claims.getJWTID(),
                    claims.getIssueTime().toInstant(),
                    claims.getExpirationTime().toInstant());
        } catch (AuthException e) {
            throw e;
        } catch (Exception e) {
            throw invalid();
        }
    }

    @Override
    public Map<String, Object> jwkSet() {
        return Map.of("keys", List.of(publicJwk.toPublicJWK().toJSONObject()));
    }

    private static AuthException invalid() {
        return new AuthException(ErrorCode.INVALID_TOKEN, "the token is invalid or expired");
    }
}
