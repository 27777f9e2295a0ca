package dev.latchkey.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * One signature check per key and algorithm: the exact signature of the first {@code length} bytes verifies, and every
 * other byte string, including the right signature with a byte more or less, does not.
 */
class JwsSignatureCheckTest {
    private static final byte[] SECRET =
            "Xk3P9vQ2mZ7rT1wY5nB8cF4hJ6sL0dG3aV7eU2iO9pR".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INPUT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0".getBytes(StandardCharsets.US_ASCII);
    /** The signing input followed by bytes that are not part of it, as in a whole token. */
    private static final byte[] FRAMED =
            (new String(INPUT, StandardCharsets.US_ASCII) + ".signature").getBytes(StandardCharsets.US_ASCII);

    @Test
    void hs256AcceptsExactlyItsMacOfTheFirstLengthBytes() throws Exception {
        JwsSignatureCheck check = JwsSignatureCheck.hs256(SECRET);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        byte[] signature = mac.doFinal(INPUT);

        assertThat(check.verify(FRAMED, INPUT.length, signature)).isTrue();
        assertThat(check.verify(FRAMED, INPUT.length, signature))
                .as("again, with the pooled Mac")
                .isTrue();
        assertThat(check.verify(FRAMED, FRAMED.length, signature)).isFalse();
        assertThat(check.verify(FRAMED, INPUT.length - 1, signature)).isFalse();
        assertRefusesEveryAlteration(check, signature);
        assertThat(JwsSignatureCheck.hs256("another secret of 32 bytes, or more".getBytes(StandardCharsets.US_ASCII))
                        .verify(FRAMED, INPUT.length, signature))
                .isFalse();
    }

    @Test
    void es256AcceptsExactlyItsJoseSignatureOfTheFirstLengthBytes() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        JwsSignatureCheck check = JwsSignatureCheck.es256((ECPublicKey) pair.getPublic());
        byte[] signature = sign("SHA256withECDSAinP1363Format", pair.getPrivate());

        assertThat(check.verify(FRAMED, INPUT.length, signature)).isTrue();
        assertThat(check.verify(FRAMED, INPUT.length, signature)).isTrue();
        assertThat(check.verify(FRAMED, FRAMED.length, signature)).isFalse();
        assertRefusesEveryAlteration(check, signature);
        assertThat(check.verify(FRAMED, INPUT.length, sign("SHA256withECDSA", pair.getPrivate())))
                .as("DER instead of R||S")
                .isFalse();
        assertThat(check.verify(FRAMED, INPUT.length, new byte[64])).isFalse();
    }

    @Test
    void rs256AcceptsExactlyItsSignatureOfTheFirstLengthBytes() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        JwsSignatureCheck check = JwsSignatureCheck.rs256((RSAPublicKey) pair.getPublic());
        byte[] signature = sign("SHA256withRSA", pair.getPrivate());

        assertThat(check.verify(FRAMED, INPUT.length, signature)).isTrue();
        assertThat(check.verify(FRAMED, INPUT.length, signature)).isTrue();
        assertThat(check.verify(FRAMED, FRAMED.length, signature)).isFalse();
        assertRefusesEveryAlteration(check, signature);
        assertThat(check.verify(FRAMED, INPUT.length, sign("SHA384withRSA", pair.getPrivate())))
                .isFalse();
        // After the JDK threw on the wrong lengths above, the pooled instances still verify.
        assertThat(check.verify(FRAMED, INPUT.length, signature)).isTrue();
    }

    @Test
    void ed25519AcceptsExactlyItsSignatureOfTheFirstLengthBytes() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        JwsSignatureCheck check = JwsSignatureCheck.ed25519(pair.getPublic());
        byte[] signature = sign("Ed25519", pair.getPrivate());

        assertThat(check.verify(FRAMED, INPUT.length, signature)).isTrue();
        assertThat(check.verify(FRAMED, INPUT.length, signature)).isTrue();
        assertThat(check.verify(FRAMED, FRAMED.length, signature)).isFalse();
        assertRefusesEveryAlteration(check, signature);
    }

    @Test
    void aKeyTheProviderRefusesFailsWhenTheCheckIsMadeNotOnTheFirstToken() {
        RSAPublicKey tiny = new RSAPublicKey() {
            @Override
            public BigInteger getPublicExponent() {
                return BigInteger.valueOf(65537);
            }

            @Override
            public BigInteger getModulus() {
                return BigInteger.valueOf(3233);
            }

            @Override
            public String getAlgorithm() {
                return "RSA";
            }

            @Override
            public String getFormat() {
                return null;
            }

            @Override
            public byte[] getEncoded() {
                return null;
            }
        };

        assertThatThrownBy(() -> JwsSignatureCheck.rs256(tiny))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the key is not usable for verification: ");
    }

    /**
     * The signature with its last byte changed, with a byte appended (a lax verifier reads only what it needs), with
     * its last byte removed, empty, and all zeros of the same length: none verifies.
     */
    private static void assertRefusesEveryAlteration(JwsSignatureCheck check, byte[] signature) {
        byte[] flipped = signature.clone();
        flipped[flipped.length - 1] ^= 1;
        byte[] firstFlipped = signature.clone();
        firstFlipped[0] ^= (byte) 0x80;

        assertThat(check.verify(FRAMED, INPUT.length, flipped))
                .as("last byte changed")
                .isFalse();
        assertThat(check.verify(FRAMED, INPUT.length, firstFlipped))
                .as("first byte changed")
                .isFalse();
        assertThat(check.verify(FRAMED, INPUT.length, Arrays.copyOf(signature, signature.length + 1)))
                .as("a zero byte appended")
                .isFalse();
        assertThat(check.verify(FRAMED, INPUT.length, Arrays.copyOf(signature, signature.length - 1)))
                .as("last byte removed")
                .isFalse();
        assertThat(check.verify(FRAMED, INPUT.length, new byte[0])).as("empty").isFalse();
        assertThat(check.verify(FRAMED, INPUT.length, new byte[signature.length]))
                .as("zeros")
                .isFalse();
        assertThat(check.verify(FRAMED, INPUT.length, signature))
                .as("the original still verifies")
                .isTrue();
    }

    private static byte[] sign(String algorithm, PrivateKey key) throws Exception {
        Signature signature = Signature.getInstance(algorithm);
        signature.initSign(key);
        signature.update(INPUT);
        return signature.sign();
    }
}
