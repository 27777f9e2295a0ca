package dev.latchkey.benchmarks;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.auth.AuthSettings;
import dev.latchkey.auth.BenchmarkAccess;
import dev.latchkey.auth.JwtKey;
import dev.latchkey.auth.User;
import dev.latchkey.auth.spi.TokenIssuer;
import io.jsonwebtoken.Jwts;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sign and verify, per algorithm, for Latchkey's default issuer (verification cold, with the cache off, and cached),
 * bare nimbus-jose-jwt, auth0 java-jwt, jjwt, jose4j, and the JCA floor (the signature alone, no JSON or Base64).
 * Every library verifies the same Latchkey-issued token and signs the same claims. A library that lacks an algorithm
 * (java-jwt and bare nimbus without Tink have no EdDSA) returns {@code null} there; the summary leaves it out.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TokenBenchmarks {
    static final String ISSUER = "https://bench.latchkey.dev";
    static final String AUDIENCE = "bench-api";

    @Param({"HS256", "ES256", "EdDSA", "RS256"})
    public String algorithm = "HS256";

    private TokenIssuer cold;
    private TokenIssuer cached;
    private User user;
    private String token;
    private String signingInput;
    private byte[] signature;
    private Instant now;
    private Map<String, Object> claims;

    private @Nullable JWSSigner nimbusSigner;
    private @Nullable JWSVerifier nimbusVerifier;
    private JWSHeader nimbusHeader;
    private com.auth0.jwt.algorithms.@Nullable Algorithm auth0;
    private @Nullable JWTVerifier auth0Verifier;
    private java.security.Key privateKey;
    private java.security.Key publicKey;
    private io.jsonwebtoken.JwtParser jjwtParser;
    private JwtConsumer jose4jConsumer;
    private String jose4jAlgorithm;
    private String jcaAlgorithm;

    /** Two public constructors are not allowed by JMH; fields are set in {@link #setUp}. */
    @SuppressWarnings("NullAway.Init")
    public TokenBenchmarks() {}

    @Setup
    public void setUp() throws Exception {
        JwtKey key;
        switch (algorithm) {
            case "HS256": {
                byte[] secret = new byte[32];
                new java.security.SecureRandom().nextBytes(secret);
                key = JwtKey.hs256("k1", secret);
                SecretKey hmac = new SecretKeySpec(secret, "HmacSHA256");
                privateKey = hmac;
                publicKey = hmac;
                nimbusSigner = new MACSigner(secret);
                nimbusVerifier = new MACVerifier(secret);
                auth0 = com.auth0.jwt.algorithms.Algorithm.HMAC256(secret);
                jose4jAlgorithm = "HS256";
                jcaAlgorithm = "HmacSHA256";
                break;
            }
            case "ES256": {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"));
                KeyPair pair = g.generateKeyPair();
                key = JwtKey.es256("k1", pair);
                privateKey = pair.getPrivate();
                publicKey = pair.getPublic();
                nimbusSigner = new ECDSASigner((ECPrivateKey) pair.getPrivate());
                nimbusVerifier = new ECDSAVerifier((ECPublicKey) pair.getPublic());
                auth0 = com.auth0.jwt.algorithms.Algorithm.ECDSA256(
                        (ECPublicKey) pair.getPublic(), (ECPrivateKey) pair.getPrivate());
                jose4jAlgorithm = "ES256";
                jcaAlgorithm = "SHA256withECDSAinP1363Format";
                break;
            }
            case "EdDSA": {
                KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                key = JwtKey.ed25519("k1", pair);
                privateKey = pair.getPrivate();
                publicKey = pair.getPublic();
                nimbusSigner = null;
                nimbusVerifier = null;
                auth0 = null;
                jose4jAlgorithm = "EdDSA";
                jcaAlgorithm = "Ed25519";
                break;
            }
            case "RS256": {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048);
                KeyPair pair = g.generateKeyPair();
                key = JwtKey.rs256("k1", pair);
                privateKey = pair.getPrivate();
                publicKey = pair.getPublic();
                nimbusSigner = new RSASSASigner(pair.getPrivate());
                nimbusVerifier = new RSASSAVerifier((RSAPublicKey) pair.getPublic());
                auth0 = com.auth0.jwt.algorithms.Algorithm.RSA256(
                        (RSAPublicKey) pair.getPublic(), (RSAPrivateKey) pair.getPrivate());
                jose4jAlgorithm = "RS256";
                jcaAlgorithm = "SHA256withRSA";
                break;
            }
            default:
                throw new IllegalArgumentException(algorithm);
        }
        AuthSettings.Builder settings = AuthSettings.builder()
                .hashSecret(randomSecret())
                .signingKey(key)
                .issuer(ISSUER)
                .audience(AUDIENCE);
        cold = BenchmarkAccess.defaultIssuer(settings.tokenCacheSize(0).build());
        cached = BenchmarkAccess.defaultIssuer(settings.tokenCacheSize(4096).build());
        now = Instant.now();
        user = new User(
                UUID.randomUUID(),
                "acme",
                "ada@example.com",
                null,
                "Ada",
                "member",
                Set.of("read", "write"),
                true,
                null,
                now,
                now);
        token = cold.issue(user, UUID.randomUUID().toString(), now).token();
        cached.verify(token, now);
        SignedJWT parsed = SignedJWT.parse(token);
        nimbusHeader = new JWSHeader.Builder(parsed.getHeader().getAlgorithm())
                .type(new JOSEObjectType("at+jwt"))
                .keyID("k1")
                .build();
        claims = parsed.getJWTClaimsSet().toJSONObject();
        int dot = token.lastIndexOf('.');
        signingInput = token.substring(0, dot);
        signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        auth0Verifier = auth0 == null
                ? null
                : JWT.require(auth0).withIssuer(ISSUER).withAudience(AUDIENCE).build();
        io.jsonwebtoken.JwtParserBuilder parser = publicKey instanceof SecretKey s
                ? Jwts.parser().verifyWith(s)
                : Jwts.parser().verifyWith((PublicKey) publicKey);
        jjwtParser = parser.requireIssuer(ISSUER).requireAudience(AUDIENCE).build();
        jose4jConsumer = new JwtConsumerBuilder()
                .setVerificationKey(publicKey)
                .setExpectedIssuer(ISSUER)
                .setExpectedAudience(AUDIENCE)
                .setJwsAlgorithmConstraints(org.jose4j.jwa.AlgorithmConstraints.ConstraintType.PERMIT, jose4jAlgorithm)
                .setExpectedType(false, "at+jwt")
                .build();
        // Every verifier must accept the token it is measured on.
        latchkeyVerifyCold();
        nimbusVerify();
        auth0Verify();
        jjwtVerify();
        jose4jVerify();
        if (!jcaVerify()) {
            throw new IllegalStateException("the JCA floor rejects the token");
        }
    }

    private static byte[] randomSecret() {
        byte[] secret = new byte[48];
        new java.security.SecureRandom().nextBytes(secret);
        return secret;
    }

    // ---------------------------------------------------------------- Latchkey

    @Benchmark
    public String latchkeySign() {
        return cold.issue(user, "sid-1", now).token();
    }

    @Benchmark
    public Object latchkeyVerifyCold() {
        return cold.verify(token, now);
    }

    @Benchmark
    public Object latchkeyVerifyCached() {
        return cached.verify(token, now);
    }

    // ---------------------------------------------------------------- nimbus-jose-jwt

    @Benchmark
    public @Nullable String nimbusSign() throws Exception {
        if (nimbusSigner == null) {
            return null;
        }
        SignedJWT jwt = new SignedJWT(nimbusHeader, JWTClaimsSet.parse(claims));
        jwt.sign(nimbusSigner);
        return jwt.serialize();
    }

    @Benchmark
    public @Nullable Object nimbusVerify() throws Exception {
        if (nimbusVerifier == null) {
            return null;
        }
        SignedJWT jwt = SignedJWT.parse(token);
        if (!jwt.verify(nimbusVerifier)) {
            throw new IllegalStateException("nimbus rejects the token");
        }
        JWTClaimsSet set = jwt.getJWTClaimsSet();
        if (!ISSUER.equals(set.getIssuer())
                || !set.getAudience().contains(AUDIENCE)
                || set.getExpirationTime().before(new Date())) {
            throw new IllegalStateException("nimbus: claims");
        }
        return set;
    }

    // ---------------------------------------------------------------- auth0 java-jwt

    @Benchmark
    @SuppressWarnings("unchecked")
    public @Nullable String auth0Sign() {
        if (auth0 == null) {
            return null;
        }
        return JWT.create()
                .withKeyId("k1")
                .withHeader(Map.of("typ", "at+jwt"))
                .withPayload(claims)
                .sign(auth0);
    }

    @Benchmark
    public @Nullable Object auth0Verify() {
        return auth0Verifier == null ? null : auth0Verifier.verify(token);
    }

    // ---------------------------------------------------------------- jjwt

    @Benchmark
    public String jjwtSign() {
        return Jwts.builder()
                .header()
                .keyId("k1")
                .type("at+jwt")
                .and()
                .claims(claims)
                .signWith(privateKey instanceof SecretKey s ? s : (PrivateKey) privateKey)
                .compact();
    }

    @Benchmark
    public Object jjwtVerify() {
        return jjwtParser.parseSignedClaims(token).getPayload();
    }

    // ---------------------------------------------------------------- jose4j

    @Benchmark
    public String jose4jSign() throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(JwtClaims.parse(org.jose4j.json.JsonUtil.toJson(claims)).toJson());
        jws.setAlgorithmHeaderValue(jose4jAlgorithm);
        jws.setKeyIdHeaderValue("k1");
        jws.setHeader("typ", "at+jwt");
        jws.setKey(privateKey);
        return jws.getCompactSerialization();
    }

    @Benchmark
    public Object jose4jVerify() throws Exception {
        return jose4jConsumer.processToClaims(token);
    }

    // ---------------------------------------------------------------- the JCA floor

    @Benchmark
    public byte[] jcaSign() throws Exception {
        byte[] input = signingInput.getBytes(StandardCharsets.US_ASCII);
        if (privateKey instanceof SecretKey s) {
            Mac mac = Mac.getInstance(jcaAlgorithm);
            mac.init(s);
            return mac.doFinal(input);
        }
        Signature s = Signature.getInstance(jcaAlgorithm);
        s.initSign((PrivateKey) privateKey);
        s.update(input);
        return s.sign();
    }

    @Benchmark
    public boolean jcaVerify() throws Exception {
        byte[] input = signingInput.getBytes(StandardCharsets.US_ASCII);
        if (publicKey instanceof SecretKey s) {
            Mac mac = Mac.getInstance(jcaAlgorithm);
            mac.init(s);
            return java.security.MessageDigest.isEqual(mac.doFinal(input), signature);
        }
        Signature s = Signature.getInstance(jcaAlgorithm);
        s.initVerify((PublicKey) publicKey);
        s.update(input);
        return s.verify(signature);
    }

    /** The libraries in the summary, in order. */
    static final List<String> LIBRARIES = List.of("latchkey", "nimbus", "auth0", "jjwt", "jose4j", "jca");
}
