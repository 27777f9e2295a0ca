package dev.latchkey.auth.oauth;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.testkit.FakeOidcProvider;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fuzz target for the OAuth callback: {@link OAuthLogin#finish} (state, transaction cookie, {@code error}, {@code
 * iss}, {@code code}, provider id) and {@link OAuthLogin#clearCookieFor}. The invariant: every callback ends in a
 * sign-in or a typed refusal ({@link OAuthException} or another {@link AuthException}), never another exception, a
 * hang or an out-of-memory.
 *
 * <p>A fuzzed state never matches a sealed transaction, so the target also starts real flows against a {@link
 * FakeOidcProvider} and fuzzes what comes back: the real state and cookie with fuzzed other parameters, or a whole real
 * callback with one part replaced or mutated. Without {@code JAZZER_FUZZ=1} the target replays its corpus ({@code
 * src/test/resources/dev/latchkey/auth/oauth/OAuthCallbackFuzzTestInputs/<method>/}) as a regression test; with it,
 * it fuzzes (see the README).
 */
class OAuthCallbackFuzzTest {
    private static final Harness HARNESS = new Harness();
    /** Generous timeouts: a slow round trip to the local fake provider is not what this target looks for. */
    private static final OAuthLogin LOGIN = HARNESS.login(
            b -> b.connectTimeout(Duration.ofSeconds(10)).requestTimeout(Duration.ofSeconds(10)),
            HARNESS.google().build());

    private static final String[] PARAMETERS = {"state", "code", "error", "iss", "error_description", "session_state"};

    @FuzzTest(maxDuration = "10m")
    void callbacksEndInASignInOrATypedRefusal(FuzzedDataProvider data) {
        try {
            callback(data);
        } catch (AuthException expected) {
            // OAuthException included: the typed refusals the invariant allows (a real flow's start included)
        }
    }

    private static void callback(FuzzedDataProvider data) {
        String provider = data.consumeInt(0, 7) == 0 ? data.consumeString(16) : "google";
        Map<String, String> params;
        String cookieHeader;
        switch (data.consumeInt(0, 2)) {
            case 0 -> {
                params = fuzzedParameters(data, new LinkedHashMap<>());
                cookieHeader = data.consumeBoolean() ? null : data.consumeString(600);
            }
            case 1 -> {
                AuthorizationStart start = LOGIN.start("google", Harness.TENANT, "/");
                Map<String, String> real =
                        FakeOidcProvider.form(start.redirect().getRawQuery());
                params = new LinkedHashMap<>();
                params.put("state", real.get("state"));
                params = fuzzedParameters(data, params);
                cookieHeader = cookie(start, data);
            }
            default -> {
                AuthorizationStart start = LOGIN.start("google", Harness.TENANT, "/");
                Harness.Callback callback;
                try {
                    callback = HARNESS.authorize(start);
                } catch (UncheckedIOException slowFakeProvider) {
                    return; // the test's browser, not the code under test
                }
                params = new LinkedHashMap<>(callback.params());
                String name = PARAMETERS[data.consumeInt(0, PARAMETERS.length - 1)];
                if (data.consumeBoolean()) {
                    params.put(name, data.consumeString(300));
                } else {
                    params.remove(name);
                }
                cookieHeader = cookie(start, data);
            }
        }
        LOGIN.clearCookieFor(provider, params);
        LOGIN.finish(provider, params, cookieHeader);
    }

    private static Map<String, String> fuzzedParameters(FuzzedDataProvider data, Map<String, String> params) {
        int n = data.consumeInt(0, 5);
        for (int i = 0; i < n; i++) {
            String name = data.consumeBoolean()
                    ? PARAMETERS[data.consumeInt(0, PARAMETERS.length - 1)]
                    : data.consumeString(12);
            params.put(name, data.consumeString(300));
        }
        return params;
    }

    /** The flow's cookie as a browser sends it, maybe among other cookies, maybe altered. */
    private static String cookie(AuthorizationStart start, FuzzedDataProvider data) {
        String value = start.cookie().value();
        if (data.consumeBoolean() && !value.isEmpty()) {
            int at = data.consumeInt(0, value.length() - 1);
            value = value.substring(0, at) + data.consumeChar() + value.substring(at + 1);
        }
        String pair = start.cookie().name() + "=" + value;
        return data.consumeBoolean() ? pair : data.consumeString(40) + "; " + pair + "; " + data.consumeString(40);
    }
}
