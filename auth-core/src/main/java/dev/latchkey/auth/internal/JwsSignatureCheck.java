package dev.latchkey.auth.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.impl.ECDSA;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks the signature of a compact JWS for exactly one key and one algorithm, with the JDK's own {@link Mac} and
 * {@link Signature} (and nimbus-jose-jwt's ECDSA signature checks and transcoding). Each check keeps a small pool of
 * instances already initialised with its key, so no provider look-up or key set-up happens per token.
 *
 * <p>The algorithm is fixed when the check is made from a key (RFC 8725 §3.1); nothing in a token can change it.
 */
public abstract class JwsSignatureCheck {
    private JwsSignatureCheck() {}

    /**
     * Whether {@code signature} is this key's signature of the first {@code length} bytes of {@code input}. Any
     * malformed signature is simply {@code false}.
     */
    public abstract boolean verify(byte[] input, int length, byte[] signature);

    /** HS256: HMAC-SHA256 with this secret, compared in constant time. */
    public static JwsSignatureCheck hs256(byte[] secret) {
        return new Hmac(new SecretKeySpec(secret, "HmacSHA256"));
    }

    /** ES256: ECDSA P-256 SHA-256 over a JOSE (R||S) signature. */
    public static JwsSignatureCheck es256(ECPublicKey key) {
        return new Ecdsa(key);
    }

    /** RS256: RSASSA-PKCS1-v1_5 SHA-256. */
    public static JwsSignatureCheck rs256(RSAPublicKey key) {
        return new Signatures("SHA256withRSA", key, -1);
    }

    /** EdDSA on Ed25519 (RFC 8037), the JDK's own implementation. */
    public static JwsSignatureCheck ed25519(PublicKey key) {
        return new Signatures("Ed25519", key, 64);
    }

    private static final class Hmac extends JwsSignatureCheck {
        private static final int LENGTH = 32;
        private final Pool<Mac> macs;

        Hmac(SecretKeySpec key) {
            this.macs = hmacSha256(key, "verification");
        }

        @Override
        public boolean verify(byte[] input, int length, byte[] signature) {
            if (signature.length != LENGTH) {
                return false;
            }
            byte[] expected;
            try {
                Mac mac = macs.take();
                mac.update(input, 0, length);
                expected = mac.doFinal();
                macs.give(mac);
            } catch (GeneralSecurityException | RuntimeException e) {
                return false;
            }
            return MessageDigest.isEqual(expected, signature);
        }
    }

    private static class Signatures extends JwsSignatureCheck {
        private final Pool<Signature> signatures;
        private final int length;

        /** {@code length} is the exact signature length, or -1 where the JDK checks it (RSA: the modulus length). */
        Signatures(String algorithm, PublicKey key, int length) {
            this.length = length;
            this.signatures = new Pool<>(() -> {
                Signature signature = Signature.getInstance(algorithm);
                signature.initVerify(key);
                return signature;
            });
            warmUp(signatures, "verification");
        }

        @Override
        public boolean verify(byte[] input, int inputLength, byte[] signature) {
            if (length >= 0 && signature.length != length) {
                return false;
            }
            return check(input, inputLength, signature);
        }

        final boolean check(byte[] input, int inputLength, byte[] encodedSignature) {
            try {
                Signature verifier = signatures.take();
                verifier.update(input, 0, inputLength);
                boolean valid = verifier.verify(encodedSignature);
                // verify() returned, so the object is back in its initVerify state; after an exception it is dropped.
                signatures.give(verifier);
                return valid;
            } catch (GeneralSecurityException | RuntimeException e) {
                return false;
            }
        }
    }

    private static final class Ecdsa extends Signatures {
        Ecdsa(ECPublicKey key) {
            super("SHA256withECDSA", key, 64);
        }

        @Override
        public boolean verify(byte[] input, int inputLength, byte[] signature) {
            byte[] der;
            try {
                // As nimbus's ECDSAVerifier: 64 bytes, R and S each in [1, n-1] (CVE-2022-21449), then DER for the JDK.
                ECDSA.ensureLegalSignature(signature, JWSAlgorithm.ES256);
                der = ECDSA.transcodeSignatureToDER(signature);
            } catch (JOSEException | RuntimeException e) {
                return false;
            }
            return check(input, inputLength, der);
        }
    }

    /** A pool of HMAC-SHA256 instances keyed with {@code key}, for verification here and for {@link HmacJwsSigner}. */
    static Pool<Mac> hmacSha256(SecretKeySpec key, String use) {
        Pool<Mac> macs = new Pool<>(() -> {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        });
        warmUp(macs, use);
        return macs;
    }

    /** Makes one instance now, so a key the provider refuses fails at configuration time, not on the first token. */
    private static <T> void warmUp(Pool<T> pool, String use) {
        try {
            pool.give(pool.take());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the key is not usable for " + use + ": " + e.getMessage(), e);
        }
    }
}
