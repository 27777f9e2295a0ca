package dev.latchkey.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.EdECPoint;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** EdDSA on the JDK's Ed25519: which keys are accepted, and what its signer and verifier agree to. */
class Ed25519JwsTest {
    private static final byte[] INPUT = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0".getBytes(StandardCharsets.US_ASCII);
    private static final JWSHeader EDDSA = new JWSHeader(JWSAlgorithm.EdDSA);

    private final KeyPair pair = generate("Ed25519");
    private final Ed25519Jws jws = Ed25519Jws.of(pair);

    @Test
    void theRawPublicKeyIsTheLast32BytesOfItsX509EncodingAndACopy() {
        byte[] encoded = pair.getPublic().getEncoded();
        byte[] raw = jws.rawPublicKey();

        assertThat(raw).isEqualTo(Arrays.copyOfRange(encoded, 12, 44));
        raw[0] ^= 1;
        assertThat(jws.rawPublicKey()).isEqualTo(Arrays.copyOfRange(encoded, 12, 44));
    }

    @Test
    void aKeyPairWithoutItsPrivateHalfHasNoSigner() {
        assertThat(jws.signer()).isPresent();
        assertThat(Ed25519Jws.of(new KeyPair(pair.getPublic(), null)).signer()).isEmpty();
    }

    @Test
    void whatTheSignerSignsTheJdkAndTheVerifierAccept() throws Exception {
        Base64URL signature = jws.signer().orElseThrow().sign(EDDSA, INPUT);

        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initVerify(pair.getPublic());
        jdk.update(INPUT);
        assertThat(jdk.verify(signature.decode())).isTrue();
        assertThat(jws.verifier().verify(EDDSA, INPUT, signature)).isTrue();
        assertThat(Ed25519Jws.of(new KeyPair(pair.getPublic(), null)).verifier().verify(EDDSA, INPUT, signature))
                .isTrue();
    }

    @Test
    void theSignerRefusesAnyAlgorithmButEdDsa() {
        assertThatThrownBy(() -> jws.signer().orElseThrow().sign(new JWSHeader(JWSAlgorithm.ES256), INPUT))
                .isInstanceOf(JOSEException.class)
                .hasMessage("only EdDSA is supported by this key");
        assertThat(jws.signer().orElseThrow().supportedJWSAlgorithms()).containsExactly(JWSAlgorithm.EdDSA);
        assertThat(jws.signer().orElseThrow().getJCAContext()).isNotNull();
    }

    @Test
    void theVerifierRefusesAnotherAlgorithmACriticalHeaderATamperedInputAndAnyOtherLength() throws Exception {
        Base64URL signature = jws.signer().orElseThrow().sign(EDDSA, INPUT);
        byte[] bytes = signature.decode();
        byte[] tampered = INPUT.clone();
        tampered[3] ^= 1;
        JWSHeader critical = new JWSHeader.Builder(JWSAlgorithm.EdDSA)
                .criticalParams(Set.of("exp"))
                .customParam("exp", 1)
                .build();

        assertThat(jws.verifier().verify(new JWSHeader(JWSAlgorithm.ES256), INPUT, signature))
                .isFalse();
        assertThat(jws.verifier().verify(critical, INPUT, signature)).isFalse();
        assertThat(jws.verifier().verify(EDDSA, tampered, signature)).isFalse();
        assertThat(jws.verifier().verify(EDDSA, INPUT, Base64URL.encode(Arrays.copyOf(bytes, 65))))
                .isFalse();
        assertThat(jws.verifier().verify(EDDSA, INPUT, Base64URL.encode(Arrays.copyOf(bytes, 63))))
                .isFalse();
        assertThat(Ed25519Jws.of(generate("Ed25519")).verifier().verify(EDDSA, INPUT, signature))
                .as("another key")
                .isFalse();
        assertThat(jws.verifier().supportedJWSAlgorithms()).containsExactly(JWSAlgorithm.EdDSA);
        assertThat(jws.verifier().getJCAContext()).isNotNull();
    }

    @Test
    void theSignatureCheckVerifiesTheFirstLengthBytesOnly() throws Exception {
        byte[] signature = jws.signer().orElseThrow().sign(EDDSA, INPUT).decode();
        byte[] longer = Arrays.copyOf(INPUT, INPUT.length + 5);

        assertThat(jws.signatureCheck().verify(longer, INPUT.length, signature)).isTrue();
        assertThat(jws.signatureCheck().verify(longer, longer.length, signature))
                .isFalse();
    }

    @Test
    void rawKeysFromAJwkRebuildTheSameKey() throws Exception {
        byte[] x = jws.rawPublicKey();
        byte[] d = Arrays.copyOfRange(pair.getPrivate().getEncoded(), 16, 48);

        Ed25519Jws rebuilt = Ed25519Jws.ofRaw(x, d);
        Base64URL signature = rebuilt.signer().orElseThrow().sign(EDDSA, INPUT);

        assertThat(rebuilt.rawPublicKey()).isEqualTo(x);
        assertThat(jws.verifier().verify(EDDSA, INPUT, signature)).isTrue();
        assertThat(Ed25519Jws.ofRaw(x, null).signer()).isEmpty();
        assertThat(Ed25519Jws.ofRaw(x, null).verifier().verify(EDDSA, INPUT, signature))
                .isTrue();
    }

    @Test
    void rawKeysOfAnyLengthBut32BytesAreRefused() {
        byte[] x = jws.rawPublicKey();
        for (byte[][] keys : new byte[][][] {
            {null, null}, {new byte[31], null}, {new byte[33], null}, {x, new byte[31]}, {x, new byte[33]}
        }) {
            assertThatThrownBy(() -> Ed25519Jws.ofRaw(keys[0], keys[1]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Ed25519 keys are 32 bytes");
        }
    }

    @Test
    void keysOfOtherAlgorithmsAreRefused() {
        for (String algorithm : new String[] {"Ed448", "X25519", "EC"}) {
            KeyPair other = generate(algorithm);
            assertThatThrownBy(() -> Ed25519Jws.of(other))
                    .as(algorithm)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("EdDSA needs an Ed25519 key pair");
        }
    }

    @Test
    void anEd25519KeyIsAcceptedWhetherItsProviderCallsItEd25519OrEdDsa() throws Exception {
        EdECPublicKey real = (EdECPublicKey) pair.getPublic();
        PublicKey named = new Renamed(real, "Ed25519", real.getEncoded());
        Base64URL signature = jws.signer().orElseThrow().sign(EDDSA, INPUT);

        assertThat(real.getAlgorithm()).isEqualTo("EdDSA");
        assertThat(Ed25519Jws.of(new KeyPair(named, null)).verifier().verify(EDDSA, INPUT, signature))
                .isTrue();
    }

    @Test
    void aKeyIsRefusedUnlessItIsNamedAndEncodedAsEd25519() {
        EdECPublicKey real = (EdECPublicKey) pair.getPublic();
        byte[] x25519Prefix = generate("X25519").getPublic().getEncoded();
        byte[] wrongPrefix = real.getEncoded();
        System.arraycopy(x25519Prefix, 0, wrongPrefix, 0, 12);
        byte[] longer = Arrays.copyOf(real.getEncoded(), 45);

        for (PublicKey key : new PublicKey[] {
            new Renamed(real, "XDH", real.getEncoded()),
            new Renamed(real, "EdDSA", wrongPrefix),
            new Renamed(real, "EdDSA", longer),
            new Renamed(real, "EdDSA", Arrays.copyOf(real.getEncoded(), 43))
        }) {
            assertThatThrownBy(() -> Ed25519Jws.of(new KeyPair(key, null)))
                    .as(key.toString())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("EdDSA needs an Ed25519 key pair");
        }
    }

    /** A JDK Ed25519 public key under another algorithm name or encoding, as another provider might present it. */
    private record Renamed(EdECPublicKey key, String algorithm, byte[] encoded) implements EdECPublicKey {
        @Override
        public String getAlgorithm() {
            return algorithm;
        }

        @Override
        public String getFormat() {
            return "X.509";
        }

        @Override
        public byte[] getEncoded() {
            return encoded.clone();
        }

        @Override
        public EdECPoint getPoint() {
            return key.getPoint();
        }

        @Override
        public NamedParameterSpec getParams() {
            return key.getParams();
        }

        @Override
        public String toString() {
            return algorithm + " key, " + encoded.length + " bytes encoded";
        }
    }

    private static KeyPair generate(String algorithm) {
        try {
            return KeyPairGenerator.getInstance(algorithm).generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
