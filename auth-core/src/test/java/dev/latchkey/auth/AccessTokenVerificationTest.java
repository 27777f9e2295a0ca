package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The access-token verifier against hand-built tokens: every header and claim check of RFC 8725 / RFC 9068 has a token
 * here that only that check refuses, next to the same token made valid, so a weakened check fails a test. Tokens are
 * signed with raw JCA so that the JSON (order, duplicates, types, nesting, trailing bytes) is exactly as written. The
 * cache is off: every call below is a full verification.
 */
class AccessTokenVerificationTest {
    private static final Instant NOW = TestKeys.T0;
    private static final long T = NOW.getEpochSecond();
    private static final String SUB = "7d1c9a0e-5f0b-4f4e-9a55-2f0c1d2e3f40";
    private static final String HEADER = "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"hs-1\"}";
    // P-256 group order n.
    private static final BigInteger P256_N =
            new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

    private final AccessTokens tokens = uncached(TestKeys.hs256("hs-1"));

    // ------------------------------------------------------------------ the baseline every refusal departs from

    @Test
    void handBuiltTokenWithEveryClaimVerifies() {
        AuthPrincipal principal = tokens.verify(hs(HEADER, claims("")), NOW);

        assertThat(principal.userId()).isEqualTo(UUID.fromString(SUB));
        assertThat(principal.tenantId()).isEqualTo("acme");
        assertThat(principal.role()).isEqualTo("member");
        assertThat(principal.sessionId()).isEqualTo("sess-1");
        assertThat(principal.tokenId()).isEqualTo("jti-1");
        assertThat(principal.email()).isEqualTo("ada@example.com");
        assertThat(principal.permissions()).containsExactlyInAnyOrder("a:read", "b:write");
        assertThat(principal.issuedAt()).isEqualTo(NOW);
        assertThat(principal.expiresAt()).isEqualTo(NOW.plusSeconds(300));
    }

    @Test
    void headerInAnotherOrderOrWithUnknownMembersIsParsedAndAccepted() {
        String reordered = "{\"kid\":\"hs-1\",\"alg\":\"HS256\",\"typ\":\"at+jwt\"}";
        String extra =
                "{\"typ\":\"at+jwt\",\"x\":{\"y\":[1,2,{\"z\":null}]},\"kid\":\"hs-1\",\"cty\":\"x\",\"alg\":\"HS256\"}";
        String spaced = "{ \"alg\" : \"HS256\" ,\n\"typ\":\"at+jwt\", \"kid\":\"hs-1\" }";

        for (String header : List.of(reordered, extra, spaced)) {
            assertThat(tokens.verify(hs(header, claims("")), NOW).userId())
                    .as(header)
                    .isEqualTo(UUID.fromString(SUB));
        }
    }

    @Test
    void optionalClaimsMayBeAbsentOrNullAndAudienceMayBeAnArray() {
        String minimal = "{\"iss\":\"latchkey\",\"aud\":[\"other\",\"latchkey\"],\"sub\":\"" + SUB + "\",\"iat\":" + T
                + ",\"exp\":" + (T + 60) + ",\"jti\":\"j\",\"tenant_id\":\"t\",\"role\":\"r\",\"sid\":\"s\","
                + "\"email\":null,\"permissions\":null,\"unknown\":{\"deep\":[[[1.5e3]]]}}";

        AuthPrincipal principal = tokens.verify(hs(HEADER, minimal), NOW);

        assertThat(principal.email()).isNull();
        assertThat(principal.permissions()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"at+jwt", "AT+JWT", "application/at+jwt", "Application/AT+JWT"})
    void typIsAtJwtInEitherSpellingIgnoringCase(String typ) {
        String header = "{\"alg\":\"HS256\",\"typ\":\"" + typ + "\",\"kid\":\"hs-1\"}";
        assertThat(tokens.verify(hs(header, claims("")), NOW)).isNotNull();
    }

    // ------------------------------------------------------------------ tampering

    @Test
    void changingAnyOneCharacterOfHeaderPayloadOrSignatureIsRefused() {
        String token = tokens.issue(user(), "sess-1", NOW).token();
        assertThat(tokens.verify(token, NOW)).isNotNull();
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '.') {
                continue;
            }
            // Each position takes a different character of the alphabet (so every 6-bit value is tried somewhere).
            String tampered = token.substring(0, i) + (c == 'A' ? 'B' : 'A') + token.substring(i + 1);
            int at = i;
            assertInvalid(() -> tokens.verify(tampered, NOW), "position " + at);
        }
    }

    @Test
    void signatureReSpelledWithNonZeroUnusedBitsOrPaddingIsRefused() {
        String token = hs(HEADER, claims(""));
        // 32 bytes = 43 characters; the last carries 2 data bits and 4 unused bits that must be zero.
        char last = token.charAt(token.length() - 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int value = alphabet.indexOf(last);
        assertThat(value & 0xf).isZero();
        String stem = token.substring(0, token.length() - 1);
        for (int unused = 1; unused < 16; unused++) {
            String respelled = stem + alphabet.charAt(value | unused);
            assertInvalid(() -> tokens.verify(respelled, NOW), "unused bits " + unused);
        }
        assertInvalid(() -> tokens.verify(token + "=", NOW), "padding");
        assertInvalid(() -> tokens.verify(token + "A", NOW), "one more character");
        String plusSlash = token.replace('-', '+').replace('_', '/');
        if (!plusSlash.equals(token)) {
            assertInvalid(() -> tokens.verify(plusSlash, NOW), "standard alphabet");
        }
    }

    @Test
    void payloadOrHeaderReEncodedWithPaddingOrStandardAlphabetIsRefused() {
        String payload = claims("");
        String signedPadded = signHs(b64Padded(HEADER) + "." + b64Padded(payload));
        assertInvalid(() -> tokens.verify(signedPadded, NOW), "padded segments, even correctly signed");
        String withSpace = signHs(b64(HEADER) + ". " + b64(payload));
        assertInvalid(() -> tokens.verify(withSpace, NOW), "whitespace inside a segment");
    }

    // ------------------------------------------------------------------ algorithm: exact per key, never none

    @Test
    void hs256TokenIsRefusedByRsaAndEcKeysEvenWhenTheirPublicKeyIsTheHmacSecret() throws Exception {
        KeyPair rsa = TestKeys.rsa(2048);
        KeyPair ec = ecPair();
        AccessTokens rsTokens = uncached(JwtKey.rs256("rs-1", rsa));
        AccessTokens esTokens = uncached(JwtKey.es256("es-1", ec));
        for (byte[] secret :
                List.of(rsa.getPublic().getEncoded(), ec.getPublic().getEncoded(), TestKeys.HMAC_SECRET)) {
            assertInvalid(() ->
                    rsTokens.verify(hmac("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"rs-1\"}", secret), NOW));
            assertInvalid(() ->
                    esTokens.verify(hmac("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"es-1\"}", secret), NOW));
        }
    }

    @Test
    void publicKeyAlgorithmsAreRefusedByAnHmacKey() throws Exception {
        KeyPair rsa = TestKeys.rsa(2048);
        KeyPair ec = ecPair();
        String rsToken =
                jca("{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"hs-1\"}", "SHA256withRSA", rsa.getPrivate());
        String esToken = jca(
                "{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":\"hs-1\"}",
                "SHA256withECDSAinP1363Format",
                ec.getPrivate());
        assertInvalid(() -> tokens.verify(rsToken, NOW));
        assertInvalid(() -> tokens.verify(esToken, NOW));
        // The same tokens verify under their own keys, so only the algorithm binding refuses them above.
        AccessTokens rsTokens = uncached(JwtKey.rs256("hs-1", rsa));
        AccessTokens esTokens = uncached(JwtKey.es256("hs-1", ec));
        assertThat(rsTokens.verify(rsToken, NOW)).isNotNull();
        assertThat(esTokens.verify(esToken, NOW)).isNotNull();
    }

    @Test
    void aKeyNeverVerifiesAnotherAlgorithmOfItsOwnFamily() throws Exception {
        KeyPair rsa = TestKeys.rsa(2048);
        AccessTokens rsTokens = uncached(JwtKey.rs256("rs-1", rsa));
        // RS384/RS512/PS256 correctly signed with the same RSA key.
        assertInvalid(() -> rsTokens.verify(
                jca("{\"alg\":\"RS384\",\"typ\":\"at+jwt\",\"kid\":\"rs-1\"}", "SHA384withRSA", rsa.getPrivate()),
                NOW));
        assertInvalid(() -> rsTokens.verify(
                jca("{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"rs-1\"}", "SHA384withRSA", rsa.getPrivate()),
                NOW));
        KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        AccessTokens edTokens = uncached(JwtKey.ed25519("ed-1", ed));
        String edHeader = "{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"kid\":\"ed-1\"}";
        assertThat(edTokens.verify(jca(edHeader, "Ed25519", ed.getPrivate()), NOW))
                .isNotNull();
        assertInvalid(() -> edTokens.verify(
                jca("{\"alg\":\"Ed25519\",\"typ\":\"at+jwt\",\"kid\":\"ed-1\"}", "Ed25519", ed.getPrivate()), NOW));
        assertInvalid(() -> edTokens.verify(
                jca("{\"alg\":\"eddsa\",\"typ\":\"at+jwt\",\"kid\":\"ed-1\"}", "Ed25519", ed.getPrivate()), NOW));
        assertInvalid(
                () -> tokens.verify(hs("{\"alg\":\"hs256\",\"typ\":\"at+jwt\",\"kid\":\"hs-1\"}", claims("")), NOW));
    }

    @Test
    void algNoneOrMissingOrNotAStringIsRefused() {
        String body = b64(claims(""));
        for (String alg : List.of("\"none\"", "null", "256", "[\"HS256\"]", "\"\"")) {
            String header = "{\"alg\":" + alg + ",\"typ\":\"at+jwt\",\"kid\":\"hs-1\"}";
            assertInvalid(() -> tokens.verify(b64(header) + "." + body + ".", NOW), alg);
            assertInvalid(() -> tokens.verify(hs(header, claims("")), NOW), alg);
        }
        assertInvalid(() -> tokens.verify(hs("{\"typ\":\"at+jwt\",\"kid\":\"hs-1\"}", claims("")), NOW));
    }

    // ------------------------------------------------------------------ ECDSA signature malleability (CVE-2022-21449)

    @Test
    void es256AllZeroAndOutOfRangeSignaturesAreRefusedAndOnlyTheRealOneVerifies() throws Exception {
        KeyPair ec = ecPair();
        AccessTokens esTokens = uncached(JwtKey.es256("es-1", ec));
        String token = jca(
                "{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":\"es-1\"}",
                "SHA256withECDSAinP1363Format",
                ec.getPrivate());
        assertThat(esTokens.verify(token, NOW)).isNotNull();
        String input = token.substring(0, token.lastIndexOf('.'));
        byte[] real = Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1));
        byte[] r = Arrays.copyOfRange(real, 0, 32);
        byte[] s = Arrays.copyOfRange(real, 32, 64);
        byte[] zero = new byte[32];
        byte[] n = unsigned32(P256_N);
        byte[] rPlusN = unsigned32(new BigInteger(1, r).add(P256_N));

        List<byte[]> forged = new ArrayList<>(List.of(
                new byte[64], // CVE-2022-21449: r = s = 0
                concat(zero, s),
                concat(r, zero),
                concat(n, s), // r = n is zero modulo n
                concat(r, n)));
        if (rPlusN.length == 32) {
            forged.add(concat(rPlusN, s)); // r + n, the same value modulo n
        }
        for (byte[] signature : forged) {
            String candidate = input + "." + b64(signature);
            assertInvalid(() -> esTokens.verify(candidate, NOW), "forged signature");
        }
        assertInvalid(() -> esTokens.verify(input + "." + b64(derOf(r, s)), NOW), "DER instead of R||S");
        assertInvalid(() -> esTokens.verify(input + "." + b64(Arrays.copyOf(real, 63)), NOW), "63 bytes");
    }

    // ------------------------------------------------------------------ header checks

    @Test
    void typOtherThanAtJwtOrMissingOrNotAStringIsRefused() {
        for (String typ : List.of("\"JWT\"", "\"at+jwt \"", "\"jwt+at\"", "null", "1", "[\"at+jwt\"]")) {
            assertInvalid(
                    () -> tokens.verify(
                            hs("{\"alg\":\"HS256\",\"typ\":" + typ + ",\"kid\":\"hs-1\"}", claims("")), NOW),
                    typ);
        }
        assertInvalid(() -> tokens.verify(hs("{\"alg\":\"HS256\",\"kid\":\"hs-1\"}", claims("")), NOW), "no typ");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "\"crit\":[\"exp\"],\"exp\":1",
                "\"crit\":[]",
                "\"crit\":null",
                "\"b64\":false,\"crit\":[\"b64\"]",
                "\"b64\":true",
                "\"jku\":\"https://attacker.example/jwks\"",
                "\"jwk\":{\"kty\":\"oct\",\"k\":\"AAAA\"}",
                "\"x5u\":\"https://attacker.example/c\"",
                "\"x5c\":[\"AQID\"]",
                "\"x5t\":\"AAAA\"",
                "\"x5t#S256\":\"AAAA\""
            })
    void criticalOrKeyCarryingHeaderParametersAreRefusedWhateverTheirValue(String member) {
        String header = "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"hs-1\"," + member + "}";
        assertInvalid(() -> tokens.verify(hs(header, claims("")), NOW), member);
    }

    @Test
    void kidMustNameAConfiguredKeyAndBeAString() {
        for (String kid : List.of("\"hs-2\"", "\"HS-1\"", "null", "1", "[\"hs-1\"]")) {
            assertInvalid(
                    () -> tokens.verify(
                            hs("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":" + kid + "}", claims("")), NOW),
                    kid);
        }
        assertInvalid(() -> tokens.verify(hs("{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}", claims("")), NOW), "no kid");
        assertInvalid(
                () -> tokens.verify(
                        hs("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"hs-1\",\"cty\":7}", claims("")), NOW),
                "cty not a string");
    }

    @Test
    void previousHmacKeyVerifiesByKidAndTheCurrentOneDoesNotStandInForIt() {
        byte[] oldSecret = "Pq7Lm2Zx9Kc4Vb8Nw1Rt6Yh3Ju5Gd0Fs7Ae2Wq9Ek4Tz".getBytes(StandardCharsets.UTF_8);
        AccessTokens rotated = new AccessTokens(
                TestKeys.settings(TestKeys.hs256("hs-2"))
                        .verificationKeys(List.of(JwtKey.hs256("hs-1", oldSecret)))
                        .tokenCacheSize(0)
                        .build(),
                new SecureRandom());
        String oldToken = hmac(HEADER, oldSecret);
        assertThat(rotated.verify(oldToken, NOW)).isNotNull();
        // Signed with the old secret but naming the new key's id: refused.
        assertInvalid(
                () -> rotated.verify(hmac("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"hs-2\"}", oldSecret), NOW));
        // The new key's own token, through the exact-header fast path.
        assertThat(rotated.verify(rotated.issue(user(), "s", NOW).token(), NOW)).isNotNull();
        // Without the old key configured, the old token is refused.
        assertInvalid(() -> uncached(TestKeys.hs256("hs-2")).verify(oldToken, NOW));
    }

    // ------------------------------------------------------------------ time, issuer, audience

    @Test
    void expiredAndNotYetValidTokensAreRefusedOutsideTheLeeway() {
        // Default leeway: 30 s.
        assertThat(tokens.verify(hs(HEADER, claimsAt(T - 600, T - 29, null)), NOW))
                .isNotNull();
        assertInvalid(() -> tokens.verify(hs(HEADER, claimsAt(T - 600, T - 30, null)), NOW), "expired");
        assertThat(tokens.verify(hs(HEADER, claimsAt(T + 30, T + 300, null)), NOW))
                .isNotNull();
        assertInvalid(() -> tokens.verify(hs(HEADER, claimsAt(T + 31, T + 300, null)), NOW), "issued in the future");
        assertThat(tokens.verify(hs(HEADER, claimsAt(T, T + 300, T + 30L)), NOW))
                .isNotNull();
        assertInvalid(() -> tokens.verify(hs(HEADER, claimsAt(T, T + 300, T + 31L)), NOW), "not before");
        assertThat(tokens.verify(hs(HEADER, claimsAt(T, T + 300, T - 1000L)), NOW))
                .isNotNull();
    }

    @Test
    void timeClaimsMustBeIntegerSecondsInRange() {
        for (String exp : List.of(
                "\"" + (T + 300) + "\"",
                (T + 300) + ".0",
                (T + 300) + "e0",
                "null",
                "true",
                "-1",
                "99999999999999999999",
                "1" + "0".repeat(30))) {
            String json = claims("").replace("\"exp\":" + (T + 300), "\"exp\":" + exp);
            assertThat(json).contains("\"exp\":" + exp);
            assertInvalid(() -> tokens.verify(hs(HEADER, json), NOW), "exp " + exp);
        }
        String nbfString = claims(",\"nbf\":\"" + T + "\"");
        assertInvalid(() -> tokens.verify(hs(HEADER, nbfString), NOW), "nbf as a string");
        String iatNull = claims("").replace("\"iat\":" + T, "\"iat\":null");
        assertInvalid(() -> tokens.verify(hs(HEADER, iatNull), NOW), "iat null");
    }

    @Test
    void issuerAndAudienceMustMatchExactly() {
        for (String iss : List.of("\"latchkey2\"", "\"Latchkey\"", "\"latchke\"", "null", "1", "[\"latchkey\"]")) {
            String json = claims("").replace("\"iss\":\"latchkey\"", "\"iss\":" + iss);
            assertInvalid(() -> tokens.verify(hs(HEADER, json), NOW), "iss " + iss);
        }
        for (String aud :
                List.of("\"latchkey-api\"", "[]", "[\"other\"]", "null", "1", "[1]", "[\"latchkey\",1]", "{}")) {
            String json = claims("").replace("\"aud\":\"latchkey\"", "\"aud\":" + aud);
            assertInvalid(() -> tokens.verify(hs(HEADER, json), NOW), "aud " + aud);
        }
        String noIss = claims("").replace("\"iss\":\"latchkey\",", "");
        assertInvalid(() -> tokens.verify(hs(HEADER, noIss), NOW), "no iss");
        String noAud = claims("").replace("\"aud\":\"latchkey\",", "");
        assertInvalid(() -> tokens.verify(hs(HEADER, noAud), NOW), "no aud");
    }

    // ------------------------------------------------------------------ required claims and their types

    @Test
    void requiredClaimsMustBePresentAndStrings() {
        for (String claim : List.of("sub", "jti", "tenant_id", "role", "sid", "exp", "iat")) {
            String json = without(claims(""), claim);
            assertInvalid(() -> tokens.verify(hs(HEADER, json), NOW), "without " + claim);
        }
        for (String claim : List.of("sub", "jti", "tenant_id", "role", "sid")) {
            for (String value : List.of("1", "null", "true", "[\"x\"]", "{\"x\":\"y\"}")) {
                String json = withValue(claims(""), claim, value);
                assertInvalid(() -> tokens.verify(hs(HEADER, json), NOW), claim + " = " + value);
            }
        }
        for (String value : List.of("1", "true", "[\"a@example.com\"]")) {
            String json = withValue(claims(""), "email", value);
            assertInvalid(() -> tokens.verify(hs(HEADER, json), NOW), "email = " + value);
        }
        for (String value : List.of("\"a:read\"", "[1]", "[null]", "[[\"a\"]]", "{}", "1")) {
            String json = withValue(claims(""), "permissions", value);
            assertInvalid(() -> tokens.verify(hs(HEADER, json), NOW), "permissions = " + value);
        }
        String notUuid = withValue(claims(""), "sub", "\"user-1\"");
        assertInvalid(() -> tokens.verify(hs(HEADER, notUuid), NOW), "sub not a UUID");
    }

    // ------------------------------------------------------------------ JSON well-formedness

    @Test
    void duplicateNamesAnywhereAreRefused() {
        String payload = claims("");
        List<String> duplicated = List.of(
                payload.replace("{\"iss\":\"latchkey\"", "{\"iss\":\"latchkey\",\"iss\":\"latchkey\""),
                payload.replace("{\"iss\":\"latchkey\"", "{\"role\":\"admin\",\"iss\":\"latchkey\""),
                payload.replace("{\"iss\":\"latchkey\"", "{\"sub\":\"" + SUB + "\",\"iss\":\"latchkey\""),
                claims(",\"x\":{\"a\":1,\"a\":2}"),
                claims(",\"x\":[{\"a\":1,\"b\":2,\"c\":3,\"a\":4}]"));
        for (String json : duplicated) {
            assertInvalid(() -> tokens.verify(hs(HEADER, json), NOW), json);
        }
        assertInvalid(
                () -> tokens.verify(
                        hs("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"hs-1\",\"kid\":\"hs-1\"}", payload), NOW),
                "duplicate header member");
        assertInvalid(
                () -> tokens.verify(
                        hs("{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"hs-1\",\"alg\":\"HS256\"}", payload), NOW),
                "alg given twice");
    }

    @Test
    void malformedJsonAndTrailingBytesAreRefusedEvenWhenSigned() {
        String payload = claims("");
        List<String> malformed = List.of(
                payload + " {}",
                payload + "x",
                payload + "}",
                payload + "\u0000",
                payload.substring(0, payload.length() - 1),
                payload.replace("{\"iss\"", "{'iss'"),
                payload.replace("{\"iss\"", "{iss"),
                payload.replace("}", ",}"),
                payload.replace("{\"iss\"", "{/*c*/\"iss\""),
                "\uFEFF" + payload,
                " " + payload,
                "[" + payload + "]",
                "\"" + payload.replace("\"", "\\\"") + "\"",
                claims(",\"x\":NaN"),
                claims(",\"x\":01"),
                claims(",\"x\":\"tab\there\""));
        for (String json : malformed) {
            assertInvalid(() -> tokens.verify(hs(HEADER, json), NOW), json);
        }
        // The same claims encoded in UTF-16 are not JSON text here (RFC 8259 §8.1: UTF-8).
        String utf16 = b64(HEADER) + "." + b64(payload.getBytes(StandardCharsets.UTF_16LE));
        assertInvalid(() -> tokens.verify(signHs(utf16), NOW), "UTF-16");
        byte[] badUtf8 = payload.replace("acme", "ac\u00e9e").getBytes(StandardCharsets.ISO_8859_1);
        assertInvalid(() -> tokens.verify(signHs(b64(HEADER) + "." + b64(badUtf8)), NOW), "invalid UTF-8");
        // Whitespace after the object is JSON (RFC 8259 §2) and accepted, as before.
        assertThat(tokens.verify(hs(HEADER + " \n", payload + " "), NOW)).isNotNull();
    }

    @Test
    void deeplyNestedOrHugeJsonIsATypedRefusalNeverAStackOverflow() {
        String deepPayload = claims(",\"x\":" + "[".repeat(2000) + "]".repeat(2000));
        assertThat(hs(HEADER, deepPayload).length()).isLessThan(Inputs.MAX_TOKEN);
        assertInvalid(() -> tokens.verify(hs(HEADER, deepPayload), NOW), "deep array");
        String deepObjects = claims(",\"x\":" + "{\"a\":".repeat(600) + "1" + "}".repeat(600));
        assertInvalid(() -> tokens.verify(hs(HEADER, deepObjects), NOW), "deep objects");
        String deepHeader = "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"hs-1\",\"x\":" + "[".repeat(1500)
                + "]".repeat(1500) + "}";
        assertThat(hs(deepHeader, claims("")).length()).isLessThan(Inputs.MAX_TOKEN);
        assertInvalid(() -> tokens.verify(hs(deepHeader, claims("")), NOW), "deep header");
        // Nesting within the limit in an unknown claim is fine.
        String nested = claims(",\"x\":" + "[".repeat(AccessTokenVerifier.MAX_DEPTH - 2)
                + "]".repeat(AccessTokenVerifier.MAX_DEPTH - 2));
        assertThat(tokens.verify(hs(HEADER, nested), NOW)).isNotNull();
        String wide = claims(",\"x\":[" + "1,".repeat(2500) + "1]");
        assertThat(hs(HEADER, wide).length()).isLessThan(Inputs.MAX_TOKEN);
        assertThat(tokens.verify(hs(HEADER, wide), NOW)).isNotNull();
        String bigNumber = claims(",\"x\":" + "9".repeat(200));
        assertInvalid(() -> tokens.verify(hs(HEADER, bigNumber), NOW), "200-digit number");
        String overSize = claims(",\"x\":\"" + "y".repeat(Inputs.MAX_TOKEN) + "\"");
        assertInvalid(() -> tokens.verify(hs(HEADER, overSize), NOW), "over 8 KiB");
    }

    @Test
    void segmentCountMustBeExactlyThree() {
        String token = hs(HEADER, claims(""));
        String[] parts = token.split("\\.");
        assertInvalid(() -> tokens.verify(parts[0] + "." + parts[1], NOW));
        assertInvalid(() -> tokens.verify(token + "." + parts[2], NOW));
        assertInvalid(() -> tokens.verify(parts[0] + "." + parts[1] + "." + parts[2] + ".", NOW));
        assertInvalid(() -> tokens.verify("." + parts[1] + "." + parts[2], NOW));
        assertInvalid(() -> tokens.verify(parts[0] + ".." + parts[2], NOW));
    }

    @Test
    void aHeaderThatOnlyStartsWithTheKeysOwnHeaderIsParsedAndRefused() {
        JwtKey key = TestKeys.hs256("hs-1");
        String known = AccessTokenVerifier.header(key).toBase64URL().toString();
        byte[] json = Base64.getUrlDecoder().decode(known);
        // Bytes after the object that keep the known header as a prefix of the longer header's base64url.
        String longer = null;
        for (String extra : List.of("0", "\u0001", "00", "\u0001\u0001", "000")) {
            byte[] bytes = Arrays.copyOf(json, json.length + extra.length());
            System.arraycopy(extra.getBytes(StandardCharsets.ISO_8859_1), 0, bytes, json.length, extra.length());
            String candidate = b64(bytes);
            if (candidate.startsWith(known) && candidate.length() > known.length()) {
                longer = candidate;
                break;
            }
        }
        assertThat(longer).isNotNull();
        String signedLonger = signHs(longer + "." + b64(claims("")));
        String signedKnown = signHs(known + "." + b64(claims("")));

        assertThat(tokens.verify(signedKnown, NOW)).isNotNull();
        assertInvalid(() -> tokens.verify(signedLonger, NOW), "trailing bytes after the known header");
    }

    @Test
    void timeClaimsAtTheEpochOrAtTheLargestAcceptedSecondAreIntegersInRange() {
        long max = 100_000_000_000L;
        assertThat(tokens.verify(hs(HEADER, claimsAt(0, T + 300, 0L)), NOW).issuedAt())
                .isEqualTo(Instant.EPOCH);
        assertThat(tokens.verify(hs(HEADER, claimsAt(T, max, null)), NOW).expiresAt())
                .isEqualTo(Instant.ofEpochSecond(max));
        assertInvalid(() -> tokens.verify(hs(HEADER, claimsAt(T, max + 1, null)), NOW), "exp above the maximum");
        assertInvalid(() -> tokens.verify(hs(HEADER, claimsAt(T, T + 300, max + 1)), NOW), "nbf above the maximum");
        assertInvalid(() -> tokens.verify(hs(HEADER, claimsAt(-1, T + 300, null)), NOW), "iat before the epoch");
        assertInvalid(() -> tokens.verify(hs(HEADER, claimsAt(T, T + 300, -1L)), NOW), "nbf before the epoch");
        assertInvalid(() -> tokens.verify(hs(HEADER, claimsAt(T, 0, null)), NOW), "exp at the epoch");
    }

    @Test
    void leewayIsTheConfiguredOneOnEverySide() {
        AccessTokens strict = new AccessTokens(
                TestKeys.settings(TestKeys.hs256("hs-1"))
                        .clockSkew(java.time.Duration.ZERO)
                        .tokenCacheSize(0)
                        .build(),
                new SecureRandom());
        assertThat(strict.verify(hs(HEADER, claimsAt(T - 600, T + 1, null)), NOW))
                .isNotNull();
        assertInvalid(() -> strict.verify(hs(HEADER, claimsAt(T - 600, T, null)), NOW), "expires now");
        assertThat(strict.verify(hs(HEADER, claimsAt(T, T + 300, T)), NOW)).isNotNull();
        assertInvalid(() -> strict.verify(hs(HEADER, claimsAt(T + 1, T + 300, null)), NOW), "issued a second ahead");
        assertInvalid(() -> strict.verify(hs(HEADER, claimsAt(T, T + 300, T + 1)), NOW), "valid a second from now");
    }

    @Test
    void aUserWithoutAnEmailGetsATokenWithoutOne() {
        User noEmail = new User(
                UUID.fromString(SUB), "acme", null, "+14155550123", "Ada", "member", Set.of(), true, null, NOW, NOW);
        String token = tokens.issue(noEmail, "sess-1", NOW).token();

        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        assertThat(payload).doesNotContain("\"email\"");
        assertThat(tokens.verify(token, NOW).email()).isNull();
    }

    // ------------------------------------------------------------------ pooled Mac/Signature instances

    @Test
    void everyAlgorithmStaysCorrectUnderConcurrentMixedGoodAndBadTokens() throws Exception {
        List<JwtKey> keys = List.of(
                TestKeys.hs256("k"),
                JwtKey.generateEs256("k"),
                JwtKey.generateEd25519("k"),
                JwtKey.rs256("k", TestKeys.rsa(2048)));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (JwtKey key : keys) {
                AccessTokens t = uncached(key);
                String good = t.issue(user(), "s", NOW).token();
                String signingInput = good.substring(0, good.lastIndexOf('.'));
                // Wrong-length signatures make RSA throw inside Signature.verify: the pool must not keep that object.
                List<String> bad = List.of(signingInput + ".AAAA", signingInput + "." + b64(new byte[64]), good + "A");
                List<Future<?>> runs = new ArrayList<>();
                for (int thread = 0; thread < 8; thread++) {
                    runs.add(pool.submit(() -> {
                        for (int i = 0; i < 40; i++) {
                            assertThat(t.verify(good, NOW).userId()).isEqualTo(user().id());
                            String forged = bad.get(i % bad.size());
                            assertInvalid(() -> t.verify(forged, NOW), key.algorithm());
                        }
                        return null;
                    }));
                }
                for (Future<?> run : runs) {
                    run.get();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ helpers

    private static AccessTokens uncached(JwtKey key) {
        return new AccessTokens(TestKeys.settings(key).tokenCacheSize(0).build(), new SecureRandom());
    }

    private static User user() {
        return TestKeys.ada(Set.of("a:read"));
    }

    /** Valid claims (issued now, 5 minutes) with {@code extra} members appended before the closing brace. */
    private static String claims(String extra) {
        return "{\"iss\":\"latchkey\",\"aud\":\"latchkey\",\"sub\":\"" + SUB + "\",\"iat\":" + T + ",\"exp\":"
                + (T + 300)
                + ",\"jti\":\"jti-1\",\"client_id\":\"latchkey\",\"tenant_id\":\"acme\",\"role\":\"member\","
                + "\"permissions\":[\"a:read\",\"b:write\"],\"sid\":\"sess-1\",\"email\":\"ada@example.com\"" + extra
                + "}";
    }

    private static String claimsAt(long iat, long exp, Long nbf) {
        String json = claims(nbf == null ? "" : ",\"nbf\":" + nbf);
        return json.replace("\"iat\":" + T, "\"iat\":" + iat).replace("\"exp\":" + (T + 300), "\"exp\":" + exp);
    }

    private static String without(String json, String claim) {
        String replaced = json.replaceFirst("\"" + claim + "\":(\"[^\"]*\"|[0-9]+),?", "");
        assertThat(replaced).isNotEqualTo(json).doesNotContain("\"" + claim + "\"");
        return replaced.replace(",}", "}");
    }

    private static String withValue(String json, String claim, String value) {
        String replaced =
                json.replaceFirst("\"" + claim + "\":(\"[^\"]*\"|[0-9]+|\\[[^\\]]*\\])", "\"" + claim + "\":" + value);
        assertThat(replaced).contains("\"" + claim + "\":" + value);
        return replaced;
    }

    private static String hs(String header, String payload) {
        return hmac(header, payload, TestKeys.HMAC_SECRET);
    }

    private static String hmac(String header, byte[] secret) {
        return hmac(header, claims(""), secret);
    }

    private static String hmac(String header, String payload, byte[] secret) {
        return sign(b64(header) + "." + b64(payload), secret);
    }

    private static String signHs(String signingInput) {
        return sign(signingInput, TestKeys.HMAC_SECRET);
    }

    private static String sign(String signingInput, byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return signingInput + "." + b64(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String jca(String header, String algorithm, PrivateKey key) throws Exception {
        String input = b64(header) + "." + b64(claims(""));
        Signature signature = Signature.getInstance(algorithm);
        signature.initSign(key);
        signature.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + b64(signature.sign());
    }

    private static KeyPair ecPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static byte[] unsigned32(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length == 33 && bytes[0] == 0) {
            return Arrays.copyOfRange(bytes, 1, 33);
        }
        if (bytes.length > 32) {
            return bytes;
        }
        byte[] out = new byte[32];
        System.arraycopy(bytes, 0, out, 32 - bytes.length, bytes.length);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] derOf(byte[] r, byte[] s) {
        byte[] ri = new BigInteger(1, r).toByteArray();
        byte[] si = new BigInteger(1, s).toByteArray();
        byte[] out = new byte[6 + ri.length + si.length];
        out[0] = 0x30;
        out[1] = (byte) (4 + ri.length + si.length);
        out[2] = 0x02;
        out[3] = (byte) ri.length;
        System.arraycopy(ri, 0, out, 4, ri.length);
        out[4 + ri.length] = 0x02;
        out[5 + ri.length] = (byte) si.length;
        System.arraycopy(si, 0, out, 6 + ri.length, si.length);
        return out;
    }

    private static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String b64Padded(String text) {
        return Base64.getUrlEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertInvalid(ThrowingCallable call) {
        assertInvalid(call, "");
    }

    private static void assertInvalid(ThrowingCallable call, String description) {
        assertThatThrownBy(call)
                .as(description)
                .isExactlyInstanceOf(AuthException.class)
                .satisfies(e -> assertThat(((AuthException) e).errorCode()).isEqualTo(ErrorCode.INVALID_TOKEN))
                .hasMessage("the token is invalid or expired");
    }
}
