package dev.latchkey.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import dev.latchkey.auth.internal.Ed25519Jws;
import dev.latchkey.auth.internal.HmacJwsSigner;
import dev.latchkey.auth.internal.JwsSignatureCheck;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A key that signs and/or verifies access tokens, with its key id ({@code kid}) and exactly one algorithm: HS256,
 * ES256, EdDSA (Ed25519) or RS256. A key made from a public key only verifies; this is how a previous key stays
 * accepted during rotation (RFC 8725 §3.1: each key is bound to one algorithm, never taken from the token).
 *
 * <p>Signers and signature checks are built once, here, never per token; the checks keep their JDK {@code Mac} or
 * {@code Signature} instances initialised with the key.
 */
public final class JwtKey {
    /** HS256 secrets shorter than this are refused (RFC 7518 §3.2: key size at least the hash output). */
    public static final int MIN_HMAC_SECRET_BYTES = 32;

    private static final int MIN_RSA_BITS = 2048;
    private static final Pattern KID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private final String kid;
    private final JWSAlgorithm algorithm;
    private final @Nullable JWSSigner signer;
    private final JwsSignatureCheck signatureCheck;
    private final @Nullable JWK publicJwk;

    private JwtKey(
            String kid,
            JWSAlgorithm algorithm,
            @Nullable JWSSigner signer,
            JwsSignatureCheck signatureCheck,
            @Nullable JWK publicJwk) {
        if (!isValidKid(kid)) {
            throw new IllegalArgumentException("key id must be 1-64 characters of letters, digits, '.', '_', ':', '-'");
        }
        this.kid = kid;
        this.algorithm = algorithm;
        this.signer = signer;
        this.signatureCheck = signatureCheck;
        this.publicJwk = publicJwk;
    }

    /**
     * An HS256 key. The secret must have at least 32 bytes and must not be a well-known placeholder.
     *
     * @throws IllegalArgumentException for a short, placeholder or low-entropy secret
     */
    public static JwtKey hs256(String kid, byte[] secret) {
        Secrets.weakness(secret).ifPresent(problem -> {
            throw new IllegalArgumentException("the HS256 secret " + problem);
        });
        byte[] copy = secret.clone();
        return new JwtKey(kid, JWSAlgorithm.HS256, HmacJwsSigner.hs256(copy), JwsSignatureCheck.hs256(copy), null);
    }

    /** An ES256 (P-256) key; with a public key only, it verifies but cannot sign. */
    public static JwtKey es256(String kid, KeyPair keyPair) {
        Objects.requireNonNull(keyPair, "keyPair");
        if (!(keyPair.getPublic() instanceof ECPublicKey publicKey)) {
            throw new IllegalArgumentException("ES256 needs an EC key pair");
        }
        // Before the JWK is built: its builder refuses a point off P-256 with a message about coordinates.
        if (!Curve.P_256.equals(Curve.forECParameterSpec(publicKey.getParams()))) {
            throw new IllegalArgumentException("ES256 needs a P-256 key");
        }
        try {
            ECKey jwk = new ECKey.Builder(Curve.P_256, publicKey)
                    .keyID(kid)
                    .algorithm(JWSAlgorithm.ES256)
                    .keyUse(KeyUse.SIGNATURE)
                    .build();
            PrivateKey privateKey = keyPair.getPrivate();
            JWSSigner signer = privateKey == null ? null : new ECDSASigner((ECPrivateKey) privateKey);
            return new JwtKey(kid, JWSAlgorithm.ES256, signer, JwsSignatureCheck.es256(publicKey), jwk);
        } catch (JOSEException | ClassCastException e) {
            throw new IllegalArgumentException("ES256 key rejected", e);
        }
    }

    /** An RS256 key of at least 2048 bits; with a public key only, it verifies but cannot sign. */
    public static JwtKey rs256(String kid, KeyPair keyPair) {
        Objects.requireNonNull(keyPair, "keyPair");
        if (!(keyPair.getPublic() instanceof RSAPublicKey publicKey)) {
            throw new IllegalArgumentException("RS256 needs an RSA key pair");
        }
        if (publicKey.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new IllegalArgumentException("RS256 keys must have at least " + MIN_RSA_BITS + " bits");
        }
        try {
            RSAKey jwk = new RSAKey.Builder(publicKey)
                    .keyID(kid)
                    .algorithm(JWSAlgorithm.RS256)
                    .keyUse(KeyUse.SIGNATURE)
                    .build();
            PrivateKey privateKey = keyPair.getPrivate();
            JWSSigner signer = privateKey == null ? null : new RSASSASigner((RSAPrivateKey) privateKey);
            return new JwtKey(kid, JWSAlgorithm.RS256, signer, JwsSignatureCheck.rs256(publicKey), jwk);
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("RS256 key rejected", e);
        }
    }

    /** An EdDSA key on Ed25519, using the JDK's own Ed25519; with a public key only, it verifies but cannot sign. */
    public static JwtKey ed25519(String kid, KeyPair keyPair) {
        Objects.requireNonNull(keyPair, "keyPair");
        Ed25519Jws jws = Ed25519Jws.of(keyPair);
        OctetKeyPair jwk = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(jws.rawPublicKey()))
                .keyID(kid)
                .algorithm(JWSAlgorithm.EdDSA)
                .keyUse(KeyUse.SIGNATURE)
                .build();
        return new JwtKey(kid, JWSAlgorithm.EdDSA, jws.signer().orElse(null), jws.signatureCheck(), jwk);
    }

    /** A fresh random ES256 key pair, for development and tests; it lives only as long as this object. */
    public static JwtKey generateEs256(String kid) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return es256(kid, generator.generateKeyPair());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate P-256 keys", e);
        }
    }

    /** A fresh random Ed25519 key pair, for development and tests. */
    public static JwtKey generateEd25519(String kid) {
        try {
            return ed25519(kid, KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate Ed25519 keys", e);
        }
    }

    /**
     * A key from a JSON Web Key (RFC 7517): an EC P-256, OKP Ed25519 or RSA key, private (signs and verifies) or
     * public (verifies only). The JWK must carry a {@code kid}. Symmetric ({@code oct}) JWKs are refused: give HS256
     * secrets to {@link #hs256}.
     */
    public static JwtKey fromJwk(String json) {
        Objects.requireNonNull(json, "json");
        JWK jwk;
        try {
            jwk = JWK.parse(json);
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a valid JWK: " + e.getMessage(), e);
        }
        String kid = jwk.getKeyID();
        if (kid == null) {
            throw new IllegalArgumentException("the JWK needs a \"kid\"");
        }
        try {
            if (jwk instanceof ECKey ec) {
                return es256(kid, new KeyPair(ec.toECPublicKey(), ec.isPrivate() ? ec.toECPrivateKey() : null));
            }
            if (jwk instanceof RSAKey rsa) {
                return rs256(kid, new KeyPair(rsa.toRSAPublicKey(), rsa.isPrivate() ? rsa.toRSAPrivateKey() : null));
            }
            if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
                byte[] d = okp.isPrivate() ? okp.getDecodedD() : null;
                return new JwtKey(kid, JWSAlgorithm.EdDSA, Ed25519Jws.ofRaw(okp.getDecodedX(), d), okp.toPublicJWK());
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the JWK could not be converted to a key", e);
        }
        throw new IllegalArgumentException("unsupported JWK: use an EC P-256, OKP Ed25519 or RSA key");
    }

    private JwtKey(String kid, JWSAlgorithm algorithm, Ed25519Jws jws, JWK publicJwk) {
        this(kid, algorithm, jws.signer().orElse(null), jws.signatureCheck(), publicJwk);
    }

    public String kid() {
        return kid;
    }

    /** The JWS algorithm name: {@code HS256}, {@code ES256}, {@code EdDSA} or {@code RS256}. */
    public String algorithm() {
        return algorithm.getName();
    }

    /** {@code true} if this key holds the private or secret part needed to sign. */
    public boolean canSign() {
        return signer != null;
    }

    /** {@code true} for HS256: such a key is never published. */
    public boolean isSymmetric() {
        return publicJwk == null;
    }

    /** The public JWK as a JSON object (no private parts), if this is an asymmetric key. */
    public Optional<Map<String, Object>> publicJwk() {
        return Optional.ofNullable(publicJwk).map(JWK::toJSONObject);
    }

    JWSAlgorithm jwsAlgorithm() {
        return algorithm;
    }

    /** The signer; only for a key that {@link #canSign()} (settings refuse a verify-only signing key). */
    JWSSigner signer() {
        if (signer == null) {
            throw new IllegalStateException("key " + kid + " can only verify");
        }
        return signer;
    }

    /**
     * Whether {@code signature} is this key's signature, with its own algorithm, of the first {@code length} bytes of
     * {@code signingInput}.
     */
    boolean verifySignature(byte[] signingInput, int length, byte[] signature) {
        return signatureCheck.verify(signingInput, length, signature);
    }

    @Override
    public String toString() {
        return "JwtKey[kid=" + kid + ", alg=" + algorithm + ", canSign=" + canSign() + "]";
    }

    /** Whether {@code kid} is acceptable as a key id: 1 to 64 letters, digits, '.', '_', ':' or '-'. */
    static boolean isValidKid(String kid) {
        return kid != null && KID.matcher(kid).matches();
    }

    /** Accessors for the implementation package; not part of the API. */
    static final class Secrets {
        private static final String[] PLACEHOLDERS = {
            "secret",
            "changeme",
            "changeit",
            "replaceme",
            "yoursecret",
            "your256bitsecret",
            "mysecret",
            "jwtsecret",
            "supersecret",
            "secretkey",
            "placeholder",
            "example",
            "password"
        };

        private Secrets() {}

        /**
         * What makes a secret unfit, if anything: too short, one of the placeholders that tutorials and templates
         * ship (jwt.io's {@code your-256-bit-secret}, {@code change-me}, ...), or too few distinct characters. The
         * answer never quotes the secret, so it can go into an error message.
         */
        static Optional<String> weakness(byte[] secret) {
            if (secret == null || secret.length < MIN_HMAC_SECRET_BYTES) {
                return Optional.of("is shorter than " + MIN_HMAC_SECRET_BYTES + " bytes");
            }
            String letters = new String(secret, java.nio.charset.StandardCharsets.ISO_8859_1)
                    .toLowerCase(java.util.Locale.ROOT)
                    .replaceAll("[^a-z0-9]", "");
            for (String placeholder : PLACEHOLDERS) {
                if (letters.contains(placeholder)) {
                    return Optional.of("looks like a placeholder");
                }
            }
            long distinct = Arrays.stream(toInts(secret)).distinct().count();
            if (distinct < 10) {
                return Optional.of("has too little variety to be random");
            }
            return Optional.empty();
        }

        private static int[] toInts(byte[] bytes) {
            int[] ints = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                ints[i] = bytes[i];
            }
            return ints;
        }
    }
}
