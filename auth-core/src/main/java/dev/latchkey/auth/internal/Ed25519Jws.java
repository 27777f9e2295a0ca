package dev.latchkey.auth.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * EdDSA (Ed25519) JWS signing and verification on the JDK's own Ed25519 (Java 15+). nimbus-jose-jwt's built-in
 * Ed25519 classes need Google Tink on the class path; the JDK implementation keeps auth-core's dependencies to
 * nimbus, jackson-core, slf4j and libphonenumber.
 */
public final class Ed25519Jws {
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.EdDSA);
    private static final int KEY_BYTES = 32;
    private static final int SIGNATURE_BYTES = 64;
    // DER prefixes of the X.509 and PKCS#8 encodings of an Ed25519 key (RFC 8410); the raw key follows.
    private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    private static final byte[] PKCS8_PREFIX = {
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20
    };

    private final PublicKey publicKey;
    private final @Nullable PrivateKey privateKey;
    private final byte[] rawPublicKey;
    private final JwsSignatureCheck check;

    private Ed25519Jws(PublicKey publicKey, @Nullable PrivateKey privateKey) {
        byte[] encoded = publicKey.getEncoded();
        if (!"Ed25519".equals(publicKey.getAlgorithm()) && !"EdDSA".equals(publicKey.getAlgorithm())
                || encoded.length != X509_PREFIX.length + KEY_BYTES
                || !Arrays.equals(encoded, 0, X509_PREFIX.length, X509_PREFIX, 0, X509_PREFIX.length)) {
            throw new IllegalArgumentException("EdDSA needs an Ed25519 key pair");
        }
        this.publicKey = publicKey;
        this.privateKey = privateKey;
        this.rawPublicKey = Arrays.copyOfRange(encoded, X509_PREFIX.length, encoded.length);
        this.check = JwsSignatureCheck.ed25519(publicKey);
    }

    /** From a JDK key pair; the private key may be {@code null} for a verify-only key. */
    public static Ed25519Jws of(KeyPair keyPair) {
        return new Ed25519Jws(keyPair.getPublic(), keyPair.getPrivate());
    }

    /** From raw 32-byte keys as carried in an OKP JWK ({@code x}, {@code d}); {@code d} may be {@code null}. */
    public static Ed25519Jws ofRaw(byte[] x, byte @Nullable [] d) {
        if (x == null || x.length != KEY_BYTES || (d != null && d.length != KEY_BYTES)) {
            throw new IllegalArgumentException("Ed25519 keys are 32 bytes");
        }
        try {
            KeyFactory factory = KeyFactory.getInstance("Ed25519");
            PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(concat(X509_PREFIX, x)));
            PrivateKey privateKey =
                    d == null ? null : factory.generatePrivate(new PKCS8EncodedKeySpec(concat(PKCS8_PREFIX, d)));
            return new Ed25519Jws(publicKey, privateKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("invalid Ed25519 key", e);
        }
    }

    public byte[] rawPublicKey() {
        return rawPublicKey.clone();
    }

    public Optional<JWSSigner> signer() {
        return privateKey == null ? Optional.empty() : Optional.of(new Signer());
    }

    public JWSVerifier verifier() {
        return new Verifier();
    }

    /** The signature check alone (no header), with pooled JDK {@code Signature} instances. */
    public JwsSignatureCheck signatureCheck() {
        return check;
    }

    private static byte[] concat(byte[] prefix, byte[] key) {
        byte[] out = Arrays.copyOf(prefix, prefix.length + key.length);
        System.arraycopy(key, 0, out, prefix.length, key.length);
        return out;
    }

    private final class Signer implements JWSSigner {
        private final JCAContext context = new JCAContext();

        @Override
        public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
            if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
                throw new JOSEException("only EdDSA is supported by this key");
            }
            try {
                Signature signature = Signature.getInstance("Ed25519");
                signature.initSign(privateKey);
                signature.update(signingInput);
                return Base64URL.encode(signature.sign());
            } catch (GeneralSecurityException e) {
                throw new JOSEException("Ed25519 signing failed", e);
            }
        }

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            return ALGORITHMS;
        }

        @Override
        public JCAContext getJCAContext() {
            return context;
        }
    }

    private final class Verifier implements JWSVerifier {
        private final JCAContext context = new JCAContext();

        @Override
        public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
            // RFC 7515 §4.1.11: no critical header is understood here, so any makes the token invalid.
            if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())
                    || (header.getCriticalParams() != null
                            && !header.getCriticalParams().isEmpty())) {
                return false;
            }
            byte[] signatureBytes = signature.decode();
            return signatureBytes.length == SIGNATURE_BYTES
                    && check.verify(signingInput, signingInput.length, signatureBytes);
        }

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            return ALGORITHMS;
        }

        @Override
        public JCAContext getJCAContext() {
            return context;
        }
    }
}
