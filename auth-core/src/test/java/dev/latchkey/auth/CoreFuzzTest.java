package dev.latchkey.auth;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * Fuzz targets for everything in the core that reads untrusted text. The invariant: any input ends in a result or a
 * typed {@link AuthException}, never another exception, a hang or an out-of-memory (which Jazzer reports itself).
 *
 * <p>The token targets are structure-aware: a raw string alone never gets past the JWT parser or the refresh tag, so
 * the fuzzer also builds tokens from fuzzed parts (header and claims JSON, correctly signed claims of fuzzed types and
 * values, refresh tokens with a valid tag around a fuzzed session id and secret, mutations of a real token).
 *
 * <p>Without {@code JAZZER_FUZZ=1} each target replays its corpus ({@code src/test/resources/dev/latchkey/auth/
 * CoreFuzzTestInputs/<method>/}) as a regression test; with it, it fuzzes (see the README).
 */
class CoreFuzzTest {
    private static final Inputs INPUTS = new Inputs(Set.of(), null);
    private static final Inputs US_DEFAULT = new Inputs(Set.of(), "US");
    private static final AuthFacade AUTH = facade();
    /** The facade the refresh target signs in through; replaced now and then so its memory stores stay small. */
    private static AuthFacade sessions = facade();

    private static int sessionsIssued;
    private static final RefreshTokens REFRESH =
            new RefreshTokens(new KeyedHashes(TestKeys.HASH_SECRET), new SecureRandom());
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final String[] CLAIMS = {
        "iss", "aud", "exp", "iat", "nbf", "sub", "tid", "role", "sid", "jti", "permissions", "email", "client_id"
    };

    @FuzzTest(maxDuration = "10m")
    void accessTokenVerificationEndsInAPrincipalOrInvalidToken(FuzzedDataProvider data) {
        String token =
                switch (data.consumeInt(0, 3)) {
                    case 0 -> data.consumeRemainingAsString();
                    case 1 ->
                        compact(data.consumeString(512), data.consumeString(2048), data.consumeRemainingAsBytes());
                    case 2 -> signed(data, AccessTokensHeader.VALID);
                    default -> signed(data, AccessTokensHeader.FUZZED);
                };
        typedOnly(() -> AUTH.verifyAccessToken(token));
        typedOnly(() -> AUTH.authenticate("Bearer " + token));
    }

    @FuzzTest(maxDuration = "10m")
    void refreshTokenParsingEndsInATokenPairOrATypedError(FuzzedDataProvider data) {
        String token =
                switch (data.consumeInt(0, 3)) {
                    case 0 -> data.consumeRemainingAsString();
                    // A valid tag around a fuzzed session id and secret: reaches the store lookup and reuse detection.
                    case 1 -> REFRESH.encode(data.consumeString(64), data.consumeBytes(64));
                    case 2 -> mutate(realRefreshToken(), data);
                    default -> realRefreshToken();
                };
        typedOnly(() -> sessions.refresh(token));
        if (data.consumeBoolean()) {
            // A second presentation of the same token: rotation already happened, so this is reuse.
            typedOnly(() -> sessions.refresh(token));
        }
    }

    @FuzzTest(maxDuration = "10m")
    void inputValidationEndsInAValueOrInvalidRequest(FuzzedDataProvider data) {
        String raw = data.consumeRemainingAsString();
        typedOnly(() -> INPUTS.destination(raw));
        typedOnly(() -> US_DEFAULT.destination(raw));
        typedOnly(() -> Inputs.tenant(raw));
        typedOnly(() -> Inputs.code(raw));
        typedOnly(() -> Inputs.challengeId(raw));
        typedOnly(() -> {
            String ip = Inputs.clientIp(raw);
            return ip == null ? "" : Inputs.ipBucket(ip);
        });
    }

    private enum AccessTokensHeader {
        VALID,
        FUZZED
    }

    /** {@code header.payload.signature}, each part base64url-encoded as a JWS carries it. */
    private static String compact(String header, String payload, byte[] signature) {
        return B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + B64.encodeToString(signature);
    }

    /** Claims of fuzzed presence, types and values, signed with the facade's own key: reaches the claim checks. */
    private static String signed(FuzzedDataProvider data, AccessTokensHeader headerKind) {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256)
                .keyID("k1")
                .type(new JOSEObjectType("at+jwt"))
                .build();
        if (headerKind == AccessTokensHeader.FUZZED) {
            JWSHeader.Builder fuzzed = new JWSHeader.Builder(JWSAlgorithm.HS256)
                    .keyID(data.consumeBoolean() ? "k1" : data.consumeString(8))
                    .type(new JOSEObjectType(data.consumeBoolean() ? "at+jwt" : data.consumeString(24)));
            if (data.consumeBoolean()) {
                fuzzed.criticalParams(Set.of(data.consumeString(8)));
            }
            try {
                if (data.consumeBoolean()) {
                    fuzzed.customParam(data.consumeString(8), data.consumeString(32));
                }
                header = fuzzed.build();
            } catch (IllegalArgumentException registeredName) {
                // Nimbus refuses to build such a header (say a custom "kid"): the test's tool, not the code under test
            }
        }
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder();
        long now = AuthClock.nowSeconds();
        for (String name : CLAIMS) {
            if (data.remainingBytes() == 0) {
                break;
            }
            switch (data.consumeInt(0, 5)) {
                case 0 -> {}
                case 1 -> claims.claim(name, plausible(name, now, data));
                case 2 -> claims.claim(name, data.consumeString(64));
                case 3 -> claims.claim(name, data.consumeLong());
                case 4 -> {
                    List<Object> list = new ArrayList<>();
                    int n = data.consumeInt(0, 3);
                    for (int i = 0; i < n; i++) {
                        list.add(data.consumeBoolean() ? data.consumeString(16) : data.consumeInt());
                    }
                    claims.claim(name, list);
                }
                default -> claims.claim(name, data.consumeBoolean());
            }
        }
        SignedJWT jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(new MACSigner(TestKeys.HMAC_SECRET));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        String serialized = jwt.serialize();
        return data.consumeBoolean() ? serialized : serialized + data.consumeRemainingAsString();
    }

    /** A value of the type the verifier expects for the claim, near the edges it checks. */
    private static Object plausible(String name, long now, FuzzedDataProvider data) {
        return switch (name) {
            case "iss" -> AUTH.settings().issuer();
            case "aud" -> List.of(AUTH.settings().audience());
            case "exp", "iat", "nbf" -> new Date((now + data.consumeInt(-600, 600)) * 1000L);
            case "sub" -> data.consumeBoolean() ? UUID.randomUUID().toString() : data.consumeString(40);
            case "permissions" -> List.of(data.consumeString(16));
            default -> data.consumeString(32);
        };
    }

    private static AuthFacade facade() {
        return AuthFacade.builder()
                .settings(TestKeys.settings(TestKeys.hs256("k1")).build())
                .stores(new TestStores())
                .otpSender(message -> {})
                .eventListener(event -> {})
                .build();
    }

    /** A refresh token of a live session, issued through a real (external identity) sign-in. */
    private static String realRefreshToken() {
        if (++sessionsIssued % 10_000 == 0) {
            sessions = facade();
        }
        return sessions.signInWithExternalIdentity(new ExternalSignIn(
                        "acme", "fuzz", "https://idp.example", "subject", "fuzz@example.com", true, false, null))
                .tokens()
                .refreshToken();
    }

    /** The token with one character replaced, inserted or removed at a fuzzed place. */
    private static String mutate(String token, FuzzedDataProvider data) {
        int at = data.consumeInt(0, token.length() - 1);
        char c = data.consumeChar();
        return switch (data.consumeInt(0, 2)) {
            case 0 -> token.substring(0, at) + c + token.substring(at + 1);
            case 1 -> token.substring(0, at) + c + token.substring(at);
            default -> token.substring(0, at) + token.substring(at + 1);
        };
    }

    /** A result or an {@link AuthException}; anything else propagates and Jazzer reports it with its input. */
    private static void typedOnly(Callable<?> call) {
        try {
            call.call();
        } catch (AuthException expected) {
            // the typed refusal the invariant allows
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The wall clock in seconds: the facade under test runs on the system clock. */
    private static final class AuthClock {
        static long nowSeconds() {
            return System.currentTimeMillis() / 1000L;
        }
    }
}
