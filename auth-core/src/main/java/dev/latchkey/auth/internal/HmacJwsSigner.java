package dev.latchkey.auth.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An HS256 {@link JWSSigner} over a pool of already keyed JDK {@link Mac}s. nimbus's {@code MACSigner} looks the
 * provider up and initialises a new {@code Mac} for every token, which was a tenth of a login's CPU; this computes the
 * same HMAC-SHA256 (RFC 7518 §3.2) without either.
 */
public final class HmacJwsSigner implements JWSSigner {
    private static final Set<JWSAlgorithm> HS256_ONLY = Set.of(JWSAlgorithm.HS256);

    private final Pool<Mac> macs;
    private final JCAContext context = new JCAContext();

    private HmacJwsSigner(SecretKeySpec key) {
        this.macs = JwsSignatureCheck.hmacSha256(key, "HS256 signing");
    }

    /** A signer for HS256 with {@code secret} (its length is the caller's to check). */
    public static HmacJwsSigner hs256(byte[] secret) {
        return new HmacJwsSigner(new SecretKeySpec(secret, "HmacSHA256"));
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        // RFC 8725 §3.1: the key's one algorithm, whatever a header asks for.
        if (!JWSAlgorithm.HS256.equals(header.getAlgorithm())) {
            throw new JOSEException("this key signs HS256 only");
        }
        try {
            Mac mac = macs.take();
            byte[] signature = mac.doFinal(signingInput);
            macs.give(mac);
            return Base64URL.encode(signature);
        } catch (GeneralSecurityException e) {
            throw new JOSEException("HS256 signing failed", e);
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return HS256_ONLY;
    }

    @Override
    public JCAContext getJCAContext() {
        return context;
    }
}
