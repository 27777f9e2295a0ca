package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Keys: what each factory accepts and refuses, what a key can do, and what it publishes. */
class JwtKeyTest {
    private static final KeyPair RSA = TestKeys.rsa(2048);
    private static final Instant NOW = TestKeys.T0;

    // ------------------------------------------------------------------ key ids

    @ParameterizedTest
    @ValueSource(
            strings = {
                "a",
                "k1",
                "2030-01",
                "key.v2_main:eu-1",
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-"
            })
    void keyIdsOfOneTo64SafeCharactersAreAccepted(String kid) {
        assertThat(TestKeys.hs256(kid).kid()).isEqualTo(kid);
        assertThat(JwtKey.isValidKid(kid)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "k/1", "k\"1", "ké", "k\n"})
    void otherKeyIdsAreRefused(String kid) {
        assertThat(JwtKey.isValidKid(kid)).isFalse();
        assertThatThrownBy(() -> TestKeys.hs256(kid))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("key id must be 1-64 characters");
    }

    @Test
    void keyIdsLongerThan64CharactersOrMissingAreRefused() {
        assertThat(JwtKey.isValidKid("k".repeat(64))).isTrue();
        assertThat(JwtKey.isValidKid("k".repeat(65))).isFalse();
        assertThat(JwtKey.isValidKid(null)).isFalse();
        assertThatThrownBy(() -> JwtKey.generateEs256("k".repeat(65))).isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ HS256 secrets

    @Test
    void anHmacSecretOfExactly32VariedBytesIsAccepted() {
        byte[] secret = "Zr1vT0xN4mW7kB2yH5cJ9pL3sD6fG0aQ".getBytes(StandardCharsets.US_ASCII);
        assertThat(secret).hasSize(JwtKey.MIN_HMAC_SECRET_BYTES);

        assertThat(JwtKey.Secrets.weakness(secret)).isEmpty();
        assertThat(JwtKey.hs256("k", secret).canSign()).isTrue();
    }

    @Test
    void aShortOrMissingHmacSecretIsRefused() {
        byte[] short31 = "Zr1vT0xN4mW7kB2yH5cJ9pL3sD6fG0a".getBytes(StandardCharsets.US_ASCII);

        assertThat(JwtKey.Secrets.weakness(short31)).contains("is shorter than 32 bytes");
        assertThat(JwtKey.Secrets.weakness(null)).contains("is shorter than 32 bytes");
        assertThatThrownBy(() -> JwtKey.hs256("k", short31))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the HS256 secret is shorter than 32 bytes");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "your-256-bit-secret-Zr1vT0xN4mW7kB2yH5c",
                "Zr1vT0xN4mW7kB2yH5cJ9pL3sD6-CHANGE-ME",
                "Zr1vT0xN4mW7kB2yH5cJ9pL3sD6fG0a.password",
                "xN4mW7kB2yH5cJ9pL3sD6fG0aQ_super_Secret",
                "PLACEHOLDER-xN4mW7kB2yH5cJ9pL3sD6fG0aQ",
                "Zr1vT0xN4mW7kB2yH5cJ9pL3sD6fG0a-example"
            })
    void placeholderSecretsAreRefusedWhateverTheirCaseOrPunctuation(String secret) {
        byte[] bytes = secret.getBytes(StandardCharsets.US_ASCII);
        assertThat(bytes.length).isGreaterThanOrEqualTo(JwtKey.MIN_HMAC_SECRET_BYTES);

        assertThat(JwtKey.Secrets.weakness(bytes)).contains("looks like a placeholder");
        assertThatThrownBy(() -> JwtKey.hs256("k", bytes)).hasMessage("the HS256 secret looks like a placeholder");
    }

    @Test
    void aSecretOfFewerThanTenDistinctBytesIsRefusedAndTenAreEnough() {
        byte[] nine = "012345678".repeat(4).getBytes(StandardCharsets.US_ASCII);
        byte[] ten = "0123456789".repeat(4).getBytes(StandardCharsets.US_ASCII);
        byte[] highBytes = new byte[32];
        for (int i = 0; i < highBytes.length; i++) {
            highBytes[i] = (byte) (0x80 + i % 10);
        }

        assertThat(JwtKey.Secrets.weakness(nine)).contains("has too little variety to be random");
        assertThat(JwtKey.Secrets.weakness(ten)).isEmpty();
        assertThat(JwtKey.Secrets.weakness(highBytes)).isEmpty();
        assertThat(JwtKey.Secrets.weakness(new byte[64])).contains("has too little variety to be random");
    }

    @Test
    void theSecretIsCopiedSoLaterChangesToTheCallersArrayDoNotMatter() {
        byte[] secret = TestKeys.HMAC_SECRET.clone();
        JwtKey key = JwtKey.hs256("hs-1", secret);
        AccessTokens tokens = tokens(key);
        java.util.Arrays.fill(secret, (byte) 'x');

        String token = tokens.issue(user(), "s", NOW).token();
        assertThat(tokens(TestKeys.hs256("hs-1")).verify(token, NOW).userId()).isEqualTo(user().id());
    }

    @Test
    void anHmacKeySignsIsSymmetricAndIsNeverPublished() {
        JwtKey key = TestKeys.hs256("hs-1");

        assertThat(key.algorithm()).isEqualTo("HS256");
        assertThat(key.canSign()).isTrue();
        assertThat(key.isSymmetric()).isTrue();
        assertThat(key.publicJwk()).isEmpty();
        assertThat(key.toString())
                .isEqualTo("JwtKey[kid=hs-1, alg=HS256, canSign=true]")
                .doesNotContain("Xk3P");
    }

    // ------------------------------------------------------------------ ES256

    @Test
    void anEs256KeyNeedsAP256KeyPair() throws Exception {
        KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
        p384.initialize(new ECGenParameterSpec("secp384r1"));

        assertThatThrownBy(() -> JwtKey.es256("k", p384.generateKeyPair()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ES256 needs a P-256 key");
        assertThatThrownBy(() -> JwtKey.es256("k", RSA))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ES256 needs an EC key pair");
        assertThatThrownBy(() -> JwtKey.es256("k", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void anEs256KeyWithOnlyItsPublicHalfVerifiesButCannotSign() {
        JwtKey full = JwtKey.generateEs256("es-1");
        KeyPair pair = ecPair();
        JwtKey publicOnly = JwtKey.es256("es-1", new KeyPair(pair.getPublic(), null));

        assertThat(full.canSign()).isTrue();
        assertThat(full.isSymmetric()).isFalse();
        assertThat(full.algorithm()).isEqualTo("ES256");
        assertThat(publicOnly.canSign()).isFalse();
        assertThatThrownBy(publicOnly::signer)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("key es-1 can only verify");
        assertThat(publicOnly.toString()).isEqualTo("JwtKey[kid=es-1, alg=ES256, canSign=false]");
        assertThat(publicOnly.publicJwk().orElseThrow())
                .containsEntry("kty", "EC")
                .containsEntry("crv", "P-256")
                .containsEntry("kid", "es-1")
                .containsEntry("alg", "ES256")
                .containsEntry("use", "sig")
                .doesNotContainKey("d");
    }

    // ------------------------------------------------------------------ RS256

    @Test
    void anRs256KeyNeedsAnRsaKeyPairOfAtLeast2048Bits() {
        KeyPair rsa2047 = rsaOfExactly(2047);
        assertThat(((RSAPublicKey) rsa2047.getPublic()).getModulus().bitLength())
                .isEqualTo(2047);

        assertThatThrownBy(() -> JwtKey.rs256("k", rsa2047))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("RS256 keys must have at least 2048 bits");
        assertThatThrownBy(() -> JwtKey.rs256("k", ecPair()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("RS256 needs an RSA key pair");
        assertThatThrownBy(() -> JwtKey.rs256("k", null)).isInstanceOf(NullPointerException.class);
        JwtKey rs = JwtKey.rs256("rs-1", RSA);
        assertThat(rs.algorithm()).isEqualTo("RS256");
        assertThat(rs.canSign()).isTrue();
        assertThat(rs.publicJwk().orElseThrow()).containsEntry("kty", "RSA").doesNotContainKey("d");
        assertThat(JwtKey.rs256("rs-1", new KeyPair(RSA.getPublic(), null)).canSign())
                .isFalse();
    }

    // ------------------------------------------------------------------ EdDSA

    @Test
    void anEd25519KeyPublishesItsRawPublicKeyAndSignsOnlyWithItsPrivateHalf() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        JwtKey full = JwtKey.ed25519("ed-1", pair);
        JwtKey publicOnly = JwtKey.ed25519("ed-1", new KeyPair(pair.getPublic(), null));

        assertThat(full.algorithm()).isEqualTo("EdDSA");
        assertThat(full.canSign()).isTrue();
        assertThat(publicOnly.canSign()).isFalse();
        assertThat(full.publicJwk().orElseThrow())
                .containsEntry("kty", "OKP")
                .containsEntry("crv", "Ed25519")
                .containsEntry("alg", "EdDSA")
                .doesNotContainKey("d");
        String token = tokens(full).issue(user(), "s", NOW).token();
        assertThat(tokens(JwtKey.generateEs256("other"), publicOnly)
                        .verify(token, NOW)
                        .userId())
                .isEqualTo(user().id());
        assertThatThrownBy(() -> JwtKey.ed25519("k", RSA)).isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ JWKs

    @Test
    void aPrivateJwkOfEachKindSignsAndItsPublicJwkVerifies() throws Exception {
        KeyPair ec = ecPair();
        KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        JwtKey edFull = JwtKey.ed25519("ed", ed);
        KeyPair edPair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        OctetKeyPair okp = new OctetKeyPair.Builder(
                        Curve.Ed25519,
                        Base64URL.encode(
                                java.util.Arrays.copyOfRange(edPair.getPublic().getEncoded(), 12, 44)))
                .d(Base64URL.encode(
                        java.util.Arrays.copyOfRange(edPair.getPrivate().getEncoded(), 16, 48)))
                .keyID("okp")
                .build();
        String[][] jwks = {
            {
                new ECKey.Builder(Curve.P_256, (java.security.interfaces.ECPublicKey) ec.getPublic())
                        .privateKey(ec.getPrivate())
                        .keyID("ec")
                        .build()
                        .toJSONString(),
                "ES256"
            },
            {
                new RSAKey.Builder((RSAPublicKey) RSA.getPublic())
                        .privateKey(RSA.getPrivate())
                        .keyID("rsa")
                        .build()
                        .toJSONString(),
                "RS256"
            },
            {okp.toJSONString(), "EdDSA"},
        };
        for (String[] jwk : jwks) {
            JwtKey privateKey = JwtKey.fromJwk(jwk[0]);
            JwtKey publicKey = JwtKey.fromJwk(com.nimbusds.jose.util.JSONObjectUtils.toJSONString(
                    privateKey.publicJwk().orElseThrow()));

            assertThat(privateKey.algorithm()).as(jwk[1]).isEqualTo(jwk[1]);
            assertThat(privateKey.canSign()).as(jwk[1]).isTrue();
            assertThat(publicKey.canSign()).as(jwk[1]).isFalse();
            assertThat(publicKey.kid()).isEqualTo(privateKey.kid());
            String token = tokens(privateKey).issue(user(), "s", NOW).token();
            assertThat(tokens(edFull, publicKey).verify(token, NOW).userId())
                    .as(jwk[1])
                    .isEqualTo(user().id());
        }
    }

    @Test
    void jwksThatAreNotAsymmetricSigningKeysOrLackAKidAreRefused() throws Exception {
        String oct = new OctetSequenceKey.Builder(TestKeys.HMAC_SECRET)
                .keyID("k")
                .build()
                .toJSONString();
        String x25519 = new OctetKeyPair.Builder(Curve.X25519, Base64URL.encode(new byte[32]))
                .keyID("x")
                .build()
                .toJSONString();
        String noKid = new ECKey.Builder(Curve.P_256, (java.security.interfaces.ECPublicKey) ecPair().getPublic())
                .build()
                .toJSONString();
        KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
        p384.initialize(new ECGenParameterSpec("secp384r1"));
        String p384Jwk = new ECKey.Builder(Curve.P_384, (java.security.interfaces.ECPublicKey)
                        p384.generateKeyPair().getPublic())
                .keyID("p384")
                .build()
                .toJSONString();
        String badEdX = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(new byte[31]))
                .keyID("short")
                .build()
                .toJSONString();

        assertThatThrownBy(() -> JwtKey.fromJwk(oct))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unsupported JWK");
        assertThatThrownBy(() -> JwtKey.fromJwk(x25519))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unsupported JWK");
        assertThatThrownBy(() -> JwtKey.fromJwk(noKid))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the JWK needs a \"kid\"");
        assertThatThrownBy(() -> JwtKey.fromJwk(p384Jwk)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JwtKey.fromJwk(badEdX)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JwtKey.fromJwk("{\"kty\":"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a valid JWK: ");
        assertThatThrownBy(() -> JwtKey.fromJwk(null)).isInstanceOf(NullPointerException.class);
    }

    // ------------------------------------------------------------------ helpers

    private static AccessTokens tokens(JwtKey signing, JwtKey... verifying) {
        return new AccessTokens(
                TestKeys.settings(signing)
                        .verificationKeys(java.util.List.of(verifying))
                        .tokenCacheSize(0)
                        .build(),
                new SecureRandom());
    }

    private static User user() {
        return TestKeys.ada(Set.of());
    }

    private static KeyPair ecPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An RSA key pair whose modulus has exactly {@code bits} bits (generators may round up). */
    private static KeyPair rsaOfExactly(int bits) {
        for (int attempt = 0; ; attempt++) {
            KeyPair pair = TestKeys.rsa(bits);
            if (((RSAPublicKey) pair.getPublic()).getModulus().bitLength() == bits || attempt > 20) {
                return pair;
            }
        }
    }
}
