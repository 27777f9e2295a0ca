package dev.latchkey.examples;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.AuthSettings;
import dev.latchkey.auth.JwtKey;
import dev.latchkey.auth.store.memory.MemoryStores;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * Fuzz target for the example server's request parsing: a fuzzed method, endpoint, {@code Content-Type}, {@code
 * Content-Length} or chunked framing, {@code Authorization} header and body go through the real {@link Router} and
 * endpoints (over memory stores). The invariant: every request ends in one of the documented 4xx answers or a success,
 * never a 500 (an exception the router did not expect), an exception out of the router, a hang or an out-of-memory.
 *
 * <p>Without {@code JAZZER_FUZZ=1} the target replays its corpus ({@code src/test/resources/dev/latchkey/examples/
 * JsonRequestFuzzTestInputs/<method>/}) as a regression test; with it, it fuzzes (see the README).
 */
class JsonRequestFuzzTest {
    private static final String[][] ROUTES = {
        {"POST", "/api/auth/send-otp"},
        {"POST", "/api/auth/verify-otp"},
        {"POST", "/api/auth/refresh"},
        {"GET", "/api/auth/session"},
        {"POST", "/api/auth/signout"},
        {"GET", "/api/me"},
        {"GET", "/api/admin/stats"},
        {"GET", "/health"},
        {"GET", "/.well-known/jwks.json"},
        {"PUT", "/api/auth/send-otp"},
        {"POST", "/nowhere"}
    };
    private static final String[] CONTENT_TYPES = {
        "application/json", "application/json; charset=utf-8", "APPLICATION/JSON ;x", "text/plain", ""
    };
    private static final Set<Integer> DOCUMENTED =
            Set.of(200, 202, 204, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429);

    private static final Clock CLOCK = Clock.systemUTC();
    private static final Router ROUTER = router();

    private static Router router() {
        AuthFacade auth = AuthFacade.builder()
                .settings(AuthSettings.builder()
                        .hashSecret("q8Zr1vT0xN4mW7kB2yH5cJ9pL3sD6fG0aE1uR4iO7nV".getBytes(StandardCharsets.UTF_8))
                        .signingKey(JwtKey.hs256(
                                "k1", "Xk3P9vQ2mZ7rT1wY5nB8cF4hJ6sL0dG3aV7eU2iO9pR".getBytes(StandardCharsets.UTF_8)))
                        .build())
                .stores(MemoryStores.create())
                .otpSender(message -> {})
                .clock(CLOCK)
                .build();
        return new AuthEndpoints(
                        auth,
                        new StatsListener(CLOCK),
                        CLOCK,
                        name -> Optional.empty(),
                        ExampleConfig.HealthDetails.ADMIN,
                        address -> "127.0.0.1")
                .routes();
    }

    @FuzzTest(maxDuration = "10m")
    void requestsEndInADocumentedAnswer(FuzzedDataProvider data) {
        String[] route = ROUTES[data.consumeInt(0, ROUTES.length - 1)];
        int contentType = data.consumeInt(0, CONTENT_TYPES.length);
        String declaredType = contentType == CONTENT_TYPES.length ? data.consumeString(40) : CONTENT_TYPES[contentType];
        int framing = data.consumeInt(0, 3);
        String authorization = data.consumeBoolean() ? data.consumeString(200) : null;
        byte[] body = data.consumeRemainingAsBytes();
        if (!headerValue(declaredType) || (authorization != null && !headerValue(authorization))) {
            return; // the JDK server refuses such a request line while parsing it, before any handler runs
        }

        FakeExchange exchange = new FakeExchange(route[0], URI.create(route[1]), body);
        var headers = exchange.requestHeadersForSetup();
        if (!declaredType.isEmpty()) {
            headers.set("Content-Type", declaredType);
        }
        switch (framing) {
            case 0 -> headers.set("Content-Length", Integer.toString(body.length));
            case 1 -> headers.set("Transfer-Encoding", "chunked");
            case 2 -> headers.set("Content-Length", Long.toString(body.length + 100_000L));
            default -> {
                // no framing header: the JDK server hands over an empty body then, and so does this exchange
                exchange.setStreams(new java.io.ByteArrayInputStream(new byte[0]), null);
            }
        }
        if (authorization != null) {
            headers.set("Authorization", authorization);
        }

        ROUTER.handle(exchange);

        if (!DOCUMENTED.contains(exchange.status())) {
            throw new AssertionError(route[0] + " " + route[1] + " answered " + exchange.status());
        }
    }

    /** Whether a request could carry this header value: no line breaks (the JDK's {@code Headers} refuses them). */
    private static boolean headerValue(String value) {
        return value.indexOf('\r') < 0 && value.indexOf('\n') < 0;
    }
}
