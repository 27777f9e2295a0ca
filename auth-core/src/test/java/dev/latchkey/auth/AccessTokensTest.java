package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.auth.spi.TokenIssuer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AccessTokensTest {
    private static final Instant NOW = TestKeys.T0;
    private static final User USER = new User(
            UUID.fromString("7d1c9a0e-5f0b-4f4e-9a55-2f0c1d2e3f40"),
            "acme",
            "ada@example.com",
            "+14155550123",
            "Ada",
            "admin",
            Set.of("reports:read", "users:write"),
            true,
            null,
            NOW,
            NOW);

    private final JwtKey hsKey = TestKeys.hs256("hs-1");
    private final AccessTokens tokens =
            new AccessTokens(TestKeys.settings(hsKey).build(), new SecureRandom());

    @Test
    void issuesRfc9068AccessTokenWithAllClaims() throws Exception {
        TokenIssuer.AccessToken issued = tokens.issue(USER, "sess-1", NOW);
        SignedJWT jwt = SignedJWT.parse(issued.token());

        assertThat(jwt.getHeader().getType()).isEqualTo(new JOSEObjectType("at+jwt"));
        assertThat(jwt.getHeader().getKeyID()).isEqualTo("hs-1");
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo(USER.id().toString());
        assertThat(claims.getStringClaim("email")).isEqualTo("ada@example.com");
        assertThat(claims.getStringClaim("role")).isEqualTo("admin");
        assertThat(claims.getStringClaim("tenant_id")).isEqualTo("acme");
        assertThat(claims.getStringListClaim("permissions")).containsExactly("reports:read", "users:write");
        assertThat(claims.getStringClaim("sid")).isEqualTo("sess-1");
        assertThat(claims.getStringClaim("client_id")).isEqualTo("latchkey");
        assertThat(claims.getIssuer()).isEqualTo("latchkey");
        assertThat(claims.getAudience()).containsExactly("latchkey");
        assertThat(claims.getJWTID()).hasSizeGreaterThanOrEqualTo(22);
        assertThat(claims.getIssueTime().toInstant()).isEqualTo(NOW);
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(NOW.plus(Duration.ofMinutes(15)));
        assertThat(issued.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(15)));
    }

    @Test
    void verifiesItsOwnTokenIntoPrincipal() {
        String token = tokens.issue(USER, "sess-1", NOW).token();

        AuthPrincipal principal = tokens.verify(token, NOW.plusSeconds(60));

        assertThat(principal.userId()).isEqualTo(USER.id());
        assertThat(principal.tenantId()).isEqualTo("acme");
        assertThat(principal.role()).isEqualTo("admin");
        assertThat(principal.permissions()).containsExactlyInAnyOrder("reports:read", "users:write");
        assertThat(principal.sessionId()).isEqualTo("sess-1");
        assertThat(principal.email()).isEqualTo("ada@example.com");
    }

    @Test
    void eachTokenHasItsOwnJti() {
        String a = tokens.issue(USER, "s", NOW).token();
        String b = tokens.issue(USER, "s", NOW).token();
        assertThat(tokens.verify(a, NOW).tokenId())
                .isNotEqualTo(tokens.verify(b, NOW).tokenId());
    }

    @Test
    void rejectsExpiredTokenBeyondSkewEvenWhenCached() {
        String token = tokens.issue(USER, "s", NOW).token();
        Instant exp = NOW.plus(Duration.ofMinutes(15));
        tokens.verify(token, NOW);

        assertThat(tokens.verify(token, exp.plusSeconds(29)).userId()).isEqualTo(USER.id());
        assertInvalid(() -> tokens.verify(token, exp.plusSeconds(30)));
        AccessTokens uncached =
                new AccessTokens(TestKeys.settings(hsKey).tokenCacheSize(0).build(), new SecureRandom());
        assertInvalid(() -> uncached.verify(token, exp.plusSeconds(30)));
    }

    @Test
    void clockSkewIsConfigurableUpToSixtySeconds() {
        AccessTokens skew60 = new AccessTokens(
                TestKeys.settings(hsKey).clockSkew(Duration.ofSeconds(60)).build(), new SecureRandom());
        String token = skew60.issue(USER, "s", NOW).token();
        Instant exp = NOW.plus(Duration.ofMinutes(15));
        assertThat(skew60.verify(token, exp.plusSeconds(59))).isNotNull();
        assertInvalid(() -> skew60.verify(token, exp.plusSeconds(60)));
        assertThatThrownBy(() -> TestKeys.settings(hsKey)
                        .clockSkew(Duration.ofSeconds(61))
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("JWT_CLOCK_SKEW: 61s is above the maximum");
    }

    @Test
    void rejectsTokenIssuedInTheFuture() {
        String token = tokens.issue(USER, "s", NOW.plusSeconds(120)).token();
        assertInvalid(() -> tokens.verify(token, NOW));
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "None", "NONE", "nOnE"})
    void rejectsUnsignedTokensInAnySpelling(String alg) {
        String header = b64("{\"alg\":\"" + alg + "\",\"typ\":\"at+jwt\",\"kid\":\"hs-1\"}");
        String body = b64(validClaimsJson());
        assertInvalid(() -> tokens.verify(header + "." + body + ".", NOW));
        assertInvalid(() -> tokens.verify(header + "." + body, NOW));
    }

    @Test
    void rejectsAlgorithmOtherThanTheKeysOwn() throws Exception {
        // HS384 with the same secret: the key is bound to HS256 only (RFC 8725 §3.1).
        String token = sign(
                new JWSHeader.Builder(JWSAlgorithm.HS384)
                        .type(new JOSEObjectType("at+jwt"))
                        .keyID("hs-1")
                        .build(),
                validClaims().build(),
                new MACSigner(bytes48()));
        assertInvalid(() -> tokens.verify(token, NOW));
    }

    @Test
    void hs256KeyRefusesHs512SignedWithTheSameLongSecret() throws Exception {
        byte[] secret64 =
                ("Xk3P9vQ2mZ7rT1wY5nB8cF4hJ6sL0dG3aV7eU2iO9pRq8Zr1vT0xN4mW7kB2yH5c").getBytes(StandardCharsets.UTF_8);
        AccessTokens longKey = new AccessTokens(
                TestKeys.settings(JwtKey.hs256("hs-1", secret64)).build(), new SecureRandom());
        String token = sign(
                new JWSHeader.Builder(JWSAlgorithm.HS512)
                        .type(new JOSEObjectType("at+jwt"))
                        .keyID("hs-1")
                        .build(),
                validClaims().build(),
                new MACSigner(secret64));
        assertInvalid(() -> longKey.verify(token, NOW));
    }

    @Test
    void eddsaTokenWithUnknownCriticalHeaderIsRefused() throws Exception {
        java.security.KeyPair pair =
                java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        AccessTokens ed =
                new AccessTokens(TestKeys.settings(JwtKey.ed25519("ed", pair)).build(), new SecureRandom());
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.EdDSA)
                .type(new JOSEObjectType("at+jwt"))
                .keyID("ed")
                .criticalParams(Set.of("exp-policy"))
                .customParam("exp-policy", "strict")
                .build();
        String token = sign(
                header,
                validClaims().build(),
                dev.latchkey.auth.internal.Ed25519Jws.of(pair).signer().orElseThrow());
        assertInvalid(() -> ed.verify(token, NOW));
        assertThat(dev.latchkey.auth.internal.Ed25519Jws.of(pair)
                        .verifier()
                        .verify(header, "x".getBytes(StandardCharsets.US_ASCII), Base64URL.encode(new byte[64])))
                .isFalse();
    }

    @Test
    void deeplyNestedHeaderIsInvalidTokenNotAnError() {
        String json = "{\"alg\":\"HS256\",\"x\":" + "[".repeat(2900) + "]".repeat(2900) + "}";
        assertInvalid(() -> tokens.verify(b64(json) + ".e30.AAAA", NOW));
    }

    @Test
    void rejectsPublicKeyUsedAsHmacSecret() throws Exception {
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        AccessTokens ecTokens = new AccessTokens(
                TestKeys.settings(JwtKey.fromJwk(ec.toJSONString())).build(), new SecureRandom());
        byte[] publicBytes = ec.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        String forged = sign(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .type(new JOSEObjectType("at+jwt"))
                        .keyID("ec-1")
                        .build(),
                validClaims().build(),
                new MACSigner(publicBytes));
        assertInvalid(() -> ecTokens.verify(forged, NOW));
    }

    @Test
    void rejectsHeadersThatCarryOrPointToKeys() throws Exception {
        ECKey attackerKey = new ECKeyGenerator(Curve.P_256).generate();
        List<UnaryOperator<JWSHeader.Builder>> variants = List.of(
                b -> b.jwkURL(java.net.URI.create("https://attacker.example/jwks")),
                b -> b.x509CertURL(java.net.URI.create("https://attacker.example/cert")),
                b -> b.jwk(attackerKey.toPublicJWK()),
                b -> b.x509CertChain(List.of(Base64.getEncoder().encodeToString(new byte[] {1, 2, 3})).stream()
                        .map(com.nimbusds.jose.util.Base64::new)
                        .toList()));
        for (UnaryOperator<JWSHeader.Builder> variant : variants) {
            JWSHeader header = variant.apply(new JWSHeader.Builder(JWSAlgorithm.HS256)
                            .type(new JOSEObjectType("at+jwt"))
                            .keyID("hs-1"))
                    .build();
            String token = sign(header, validClaims().build(), new MACSigner(TestKeys.HMAC_SECRET));
            assertInvalid(() -> tokens.verify(token, NOW));
        }
    }

    @Test
    void rejectsUnknownCriticalHeader() throws Exception {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256)
                .type(new JOSEObjectType("at+jwt"))
                .keyID("hs-1")
                .criticalParams(Set.of("exp-policy"))
                .customParam("exp-policy", "strict")
                .build();
        String token = sign(header, validClaims().build(), new MACSigner(TestKeys.HMAC_SECRET));
        assertInvalid(() -> tokens.verify(token, NOW));
    }

    @Test
    void requiresExpIatIssAudTypAndKid() throws Exception {
        List<UnaryOperator<JWTClaimsSet.Builder>> broken = List.of(
                c -> c.expirationTime(null),
                c -> c.issueTime(null),
                c -> c.issuer("latchkey-evil"),
                c -> c.issuer("latchke"),
                c -> c.issuer(null),
                c -> c.audience("other-api"),
                c -> c.audience((String) null),
                c -> c.subject("not-a-uuid"),
                c -> c.claim("sid", null),
                c -> c.claim("tenant_id", null),
                c -> c.jwtID(null));
        for (UnaryOperator<JWTClaimsSet.Builder> change : broken) {
            String token = signHs(hsHeader(), change.apply(validClaims()).build());
            assertInvalid(() -> tokens.verify(token, NOW));
        }
        String wrongType = signHs(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .type(JOSEObjectType.JWT)
                        .keyID("hs-1")
                        .build(),
                validClaims().build());
        assertInvalid(() -> tokens.verify(wrongType, NOW));
        String noKid = signHs(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .type(new JOSEObjectType("at+jwt"))
                        .build(),
                validClaims().build());
        assertInvalid(() -> tokens.verify(noKid, NOW));
        String unknownKid = signHs(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .type(new JOSEObjectType("at+jwt"))
                        .keyID("hs-9")
                        .build(),
                validClaims().build());
        assertInvalid(() -> tokens.verify(unknownKid, NOW));
        assertThat(tokens.verify(signHs(hsHeader(), validClaims().build()), NOW))
                .isNotNull();
    }

    @Test
    void rejectsTokensOverEightKibBeforeParsing() throws Exception {
        String padded =
                signHs(hsHeader(), validClaims().claim("pad", "x".repeat(9000)).build());
        assertThat(padded.length()).isGreaterThan(8192);
        assertInvalid(() -> tokens.verify(padded, NOW));
    }

    @Test
    void rejectsEcdsaSignaturesWithZeroOrOutOfRangeValues() throws Exception {
        JwtKey es = JwtKey.generateEs256("es-1");
        AccessTokens esTokens = new AccessTokens(TestKeys.settings(es).build(), new SecureRandom());
        String token = esTokens.issue(USER, "s", NOW).token();
        String signingInput = token.substring(0, token.lastIndexOf('.'));
        assertThat(esTokens.verify(token, NOW)).isNotNull();

        // CVE-2022-21449 ("psychic signatures"): r = s = 0 must never verify.
        assertInvalid(() -> esTokens.verify(signingInput + "." + Base64URL.encode(new byte[64]), NOW));
        byte[] allOnes = new byte[64];
        java.util.Arrays.fill(allOnes, (byte) 0xff);
        assertInvalid(() -> esTokens.verify(signingInput + "." + Base64URL.encode(allOnes), NOW));
        assertInvalid(() -> esTokens.verify(signingInput + "." + Base64URL.encode(new byte[63]), NOW));
    }

    @Test
    void everyMalformedInputIsInvalidTokenAndNothingElse() {
        String valid = tokens.issue(USER, "s", NOW).token();
        String[] inputs = {
            null,
            "",
            " ",
            "a",
            "a.b",
            "a.b.c",
            "...",
            "eyJ.eyJ.sig",
            valid + "x",
            valid.substring(0, valid.length() - 2),
            valid.replace('.', '!'),
            b64("{\"alg\":\"HS256\"") + "." + b64("{}") + ".AAAA",
            b64("[]") + "." + b64("{}") + ".AAAA",
            b64("{\"alg\":\"HS256\",\"kid\":\"hs-1\",\"typ\":\"at+jwt\"}") + "." + b64("not json") + ".AAAA",
            b64("{\"alg\":\"HS256\",\"kid\":\"hs-1\",\"typ\":\"at+jwt\"}") + "." + b64("{\"exp\":\"soon\"}") + ".AAAA",
            "\u0000\u0001\u0002",
            "🔑.🔑.🔑"
        };
        for (String input : inputs) {
            assertInvalid(() -> tokens.verify(input, NOW));
        }
        String[] parts = valid.split("\\.");
        assertInvalid(() -> tokens.verify(parts[0] + "." + parts[1] + "." + Base64URL.encode(new byte[32]), NOW));
    }

    @Test
    void tamperedClaimsFailSignatureCheck() throws Exception {
        String token = tokens.issue(USER, "s", NOW).token();
        String[] parts = token.split("\\.");
        JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();
        JWTClaimsSet elevated =
                new JWTClaimsSet.Builder(claims).claim("role", "superadmin").build();
        String forged = parts[0] + "." + b64(elevated.toString()) + "." + parts[2];
        assertInvalid(() -> tokens.verify(forged, NOW));
    }

    @Test
    void previousKeyKeepsVerifyingDuringRotationAndIsExportedAsPublicJwk() {
        JwtKey oldKey = JwtKey.generateEs256("2029-12");
        JwtKey newKey = JwtKey.generateEd25519("2030-01");
        AccessTokens before = new AccessTokens(TestKeys.settings(oldKey).build(), new SecureRandom());
        String oldToken = before.issue(USER, "s", NOW).token();

        JwtKey oldPublic = JwtKey.fromJwk(com.nimbusds.jose.util.JSONObjectUtils.toJSONString(
                oldKey.publicJwk().orElseThrow()));
        AccessTokens after = new AccessTokens(
                TestKeys.settings(newKey).verificationKeys(List.of(oldPublic)).build(), new SecureRandom());

        assertThat(after.verify(oldToken, NOW).userId()).isEqualTo(USER.id());
        assertThat(after.verify(after.issue(USER, "s", NOW).token(), NOW).userId())
                .isEqualTo(USER.id());
        AccessTokens withoutOld = new AccessTokens(TestKeys.settings(newKey).build(), new SecureRandom());
        assertInvalid(() -> withoutOld.verify(oldToken, NOW));

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> keys =
                (List<Map<String, Object>>) after.jwkSet().get("keys");
        assertThat(keys).extracting(k -> k.get("kid")).containsExactly("2030-01", "2029-12");
        assertThat(keys).allSatisfy(k -> assertThat(k).doesNotContainKey("d"));
        assertThat(keys.get(0))
                .containsEntry("kty", "OKP")
                .containsEntry("crv", "Ed25519")
                .containsEntry("alg", "EdDSA");
        assertThat(keys.get(1)).containsEntry("kty", "EC").containsEntry("alg", "ES256");
    }

    @Test
    void hmacKeysAreNeverPublished() {
        assertThat(tokens.jwkSet()).containsEntry("keys", List.of());
    }

    @Test
    void signsAndVerifiesWithEveryAlgorithm() {
        List<JwtKey> keys = List.of(
                TestKeys.hs256("hs"),
                JwtKey.generateEs256("es"),
                JwtKey.generateEd25519("ed"),
                JwtKey.rs256("rs", TestKeys.rsa(2048)));
        for (JwtKey key : keys) {
            AccessTokens t = new AccessTokens(TestKeys.settings(key).build(), new SecureRandom());
            String token = t.issue(USER, "s", NOW).token();
            assertThat(t.verify(token, NOW).userId()).as(key.algorithm()).isEqualTo(USER.id());
            assertThat(token.split("\\.")[0])
                    .as(key.algorithm())
                    .isEqualTo(Base64URL.encode("{\"kid\":\"" + key.kid() + "\",\"typ\":\"at+jwt\",\"alg\":\""
                                    + key.algorithm() + "\"}")
                            .toString());
        }
    }

    @Test
    void tokenSignedByAnotherKeyWithSameKidIsRejected() {
        JwtKey mine = JwtKey.generateEd25519("shared-kid");
        JwtKey theirs = JwtKey.generateEd25519("shared-kid");
        AccessTokens attacker = new AccessTokens(TestKeys.settings(theirs).build(), new SecureRandom());
        AccessTokens victim = new AccessTokens(TestKeys.settings(mine).build(), new SecureRandom());
        assertInvalid(() -> victim.verify(attacker.issue(USER, "s", NOW).token(), NOW));
    }

    @Test
    void permissionsAreListedInOrderWhateverTheUsersSetIteratesIn() throws Exception {
        User user = new User(
                USER.id(),
                "acme",
                null,
                "+14155550123",
                "Ada",
                "admin",
                Set.of("c", "a", "b", "e", "d"),
                true,
                null,
                NOW,
                NOW);
        JWTClaimsSet claims =
                SignedJWT.parse(tokens.issue(user, "s", NOW).token()).getJWTClaimsSet();
        assertThat(claims.getStringListClaim("permissions")).containsExactly("a", "b", "c", "d", "e");
        assertThat(claims.getClaim("email")).isNull();
    }

    @Test
    void theLongFormOfTheAccessTokenTypeIsAccepted() throws Exception {
        String token = signHs(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .type(new JOSEObjectType("application/at+jwt"))
                        .keyID("hs-1")
                        .build(),
                validClaims().build());
        assertThat(tokens.verify(token, NOW).role()).isEqualTo("member");
    }

    @Test
    void issuedAtAndNotBeforeMayLieInTheFutureByTheClockSkewAndNoMore() throws Exception {
        Instant edge = NOW.plusSeconds(30);
        assertThat(tokens.verify(
                        signHs(
                                hsHeader(),
                                validClaims().issueTime(Date.from(edge)).build()),
                        NOW))
                .isNotNull();
        assertInvalid(() -> tokens.verify(
                signHs(
                        hsHeader(),
                        validClaims().issueTime(Date.from(edge.plusSeconds(1))).build()),
                NOW));
        assertThat(tokens.verify(
                        signHs(
                                hsHeader(),
                                validClaims().notBeforeTime(Date.from(edge)).build()),
                        NOW))
                .isNotNull();
        assertInvalid(() -> tokens.verify(
                signHs(
                        hsHeader(),
                        validClaims()
                                .notBeforeTime(Date.from(edge.plusSeconds(1)))
                                .build()),
                NOW));
    }

    @Test
    void aTokenWithoutRoleOrSubjectIsInvalid() throws Exception {
        for (UnaryOperator<JWTClaimsSet.Builder> change :
                List.<UnaryOperator<JWTClaimsSet.Builder>>of(c -> c.claim("role", null), c -> c.subject(null))) {
            String token = signHs(hsHeader(), change.apply(validClaims()).build());
            assertInvalid(() -> tokens.verify(token, NOW));
        }
    }

    @Test
    void aTokenOfExactlyEightKibIsVerified() throws Exception {
        // Aim from one measured length (base64: four characters per three bytes), then try the lengths around it.
        // Base64 never gives a part of 4k+1 characters, so a header parameter of 0 to 2 characters shifts the rest.
        int aim = 5000 + (Inputs.MAX_TOKEN - padded(5000, 0).length()) * 3 / 4;
        String token = "";
        for (int pad = aim - 60; pad < aim + 60 && token.length() != Inputs.MAX_TOKEN; pad++) {
            for (int shift = 0; shift < 3 && token.length() != Inputs.MAX_TOKEN; shift++) {
                token = padded(pad, shift);
            }
        }
        assertThat(token).hasSize(Inputs.MAX_TOKEN);
        String exact = token;
        assertThat(tokens.verify(exact, NOW).role()).isEqualTo("member");
    }

    @Test
    void previousKeysArePublishedAfterTheSigningKeyInKeyIdOrder() {
        JwtKey signing = JwtKey.generateEd25519("m");
        List<JwtKey> previous = List.of(
                publicOnly(JwtKey.generateEs256("z")),
                publicOnly(JwtKey.generateEs256("a")),
                publicOnly(JwtKey.generateEs256("q")));
        AccessTokens rotated = new AccessTokens(
                TestKeys.settings(signing).verificationKeys(previous).build(), new SecureRandom());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> keys =
                (List<Map<String, Object>>) rotated.jwkSet().get("keys");
        assertThat(keys).extracting(k -> k.get("kid")).containsExactly("m", "a", "q", "z");
    }

    private static String padded(int pad, int shift) throws Exception {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256)
                .type(new JOSEObjectType("at+jwt"))
                .keyID("hs-1")
                .customParam("p", "y".repeat(shift))
                .build();
        return signHs(header, validClaims().claim("pad", "x".repeat(pad)).build());
    }

    private static JwtKey publicOnly(JwtKey key) {
        return JwtKey.fromJwk(com.nimbusds.jose.util.JSONObjectUtils.toJSONString(
                key.publicJwk().orElseThrow()));
    }

    @Test
    void aForgedTokenSharingACacheSlotWithAVerifiedOneIsStillRefused() {
        AccessTokens twoSlots =
                new AccessTokens(TestKeys.settings(hsKey).tokenCacheSize(2).build(), new SecureRandom());
        String token = twoSlots.issue(USER, "s", NOW).token();
        assertThat(twoSlots.verify(token, NOW).userId()).isEqualTo(USER.id());
        String forged = null;
        int at = token.length() - 5;
        for (char c = 'A'; c <= 'Z' && forged == null; c++) {
            String candidate = token.substring(0, at) + c + token.substring(at + 1);
            if (!candidate.equals(token) && cacheSlot(candidate) == cacheSlot(token)) {
                forged = candidate;
            }
        }
        assertThat(forged).isNotNull().hasSameSizeAs(token);
        String sameSlot = forged;
        assertInvalid(() -> twoSlots.verify(sameSlot, NOW));
        assertThat(twoSlots.verify(token, NOW).userId()).isEqualTo(USER.id());
    }

    /** The slot of a token in a cache of two slots, as the cache picks it. */
    private static int cacheSlot(String token) {
        int h = token.hashCode();
        return (h ^ (h >>> 16)) & 1;
    }

    private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call)
                .isExactlyInstanceOf(AuthException.class)
                .satisfies(e -> assertThat(((AuthException) e).errorCode()).isEqualTo(ErrorCode.INVALID_TOKEN))
                .hasMessage("the token is invalid or expired");
    }

    private static JWSHeader hsHeader() {
        return new JWSHeader.Builder(JWSAlgorithm.HS256)
                .type(new JOSEObjectType("at+jwt"))
                .keyID("hs-1")
                .build();
    }

    private static JWTClaimsSet.Builder validClaims() {
        return new JWTClaimsSet.Builder()
                .issuer("latchkey")
                .audience("latchkey")
                .subject(USER.id().toString())
                .issueTime(Date.from(NOW))
                .expirationTime(Date.from(NOW.plusSeconds(300)))
                .jwtID("jti-1")
                .claim("tenant_id", "acme")
                .claim("role", "member")
                .claim("sid", "sess-1");
    }

    private static String validClaimsJson() {
        return validClaims().build().toString();
    }

    private static String signHs(JWSHeader header, JWTClaimsSet claims) throws Exception {
        return sign(header, claims, new MACSigner(TestKeys.HMAC_SECRET));
    }

    private static String sign(JWSHeader header, JWTClaimsSet claims, com.nimbusds.jose.JWSSigner signer)
            throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static byte[] bytes48() {
        byte[] b = new byte[48];
        System.arraycopy(TestKeys.HMAC_SECRET, 0, b, 0, TestKeys.HMAC_SECRET.length);
        return b;
    }

    private static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
