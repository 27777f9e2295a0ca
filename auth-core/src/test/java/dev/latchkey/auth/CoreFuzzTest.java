package dev.latchkey.auth;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Fuzz targets for everything in the core that reads untrusted text. The invariant: any input ends in a result or a
 * typed {@link AuthException}, never another exception, a hang or an out-of-memory (which Jazzer reports itself).
 *
 * <p>Without {@code JAZZER_FUZZ=1} each target replays its corpus ({@code src/test/resources/dev/latchkey/auth/
 * CoreFuzzTestInputs/<method>/}) as a regression test; with it, it fuzzes (see the README).
 */
class CoreFuzzTest {
    private static final Inputs INPUTS = new Inputs(Set.of(), null);
    private static final Inputs US_DEFAULT = new Inputs(Set.of(), "US");
    private static final TestStores STORES = new TestStores();
    private static final AuthFacade AUTH = AuthFacade.builder()
            .settings(TestKeys.settings(TestKeys.hs256("k1")).build())
            .stores(STORES)
            .otpSender(message -> {})
            .eventListener(event -> {})
            .build();

    @FuzzTest(maxDuration = "60s")
    void accessTokenVerificationEndsInAPrincipalOrInvalidToken(FuzzedDataProvider data) {
        String token = data.consumeRemainingAsString();
        typedOnly(() -> AUTH.verifyAccessToken(token));
    }

    @FuzzTest(maxDuration = "60s")
    void refreshTokenParsingEndsInATokenPairOrATypedError(FuzzedDataProvider data) {
        String token = data.consumeRemainingAsString();
        typedOnly(() -> AUTH.refresh(token));
    }

    @FuzzTest(maxDuration = "60s")
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
}
