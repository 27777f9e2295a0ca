package dev.latchkey.examples;

import static dev.latchkey.examples.Api.assertError;
import static dev.latchkey.examples.Api.body;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /health} tells a stranger only whether the server is up; the components, their latency and the pool usage go
 * to admins (or to everyone with {@code HEALTH_DETAILS=always}), and however fast it is called, each store is probed
 * at most once a second.
 */
class HealthEndpointTest {
    private static final String TENANT = "acme";
    private static final String ADMIN = "boss@example.com";

    private final TestInbox inbox = new TestInbox();
    private ExampleServer server;
    private Process redis;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.close();
        }
        if (redis != null) {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Api start(String... env) {
        server = ExampleServer.start(TestServers.env(env), inbox);
        return new Api(server.baseUri());
    }

    private static String accessToken(Api api, TestInbox inbox, String email) {
        assertThat(api.sendOtp(TENANT, "email", email).statusCode()).isEqualTo(202);
        return LifeCycle.login(api, inbox, TENANT, email).get("accessToken").asText();
    }

    @Test
    void aStrangerSeesOnlyTheStatus() {
        Api api = start();

        JsonNode health = body(api.get("/health"));

        assertThat(health.fieldNames()).toIterable().containsExactly("status");
        assertThat(health.get("status").asText()).isEqualTo("UP");
    }

    @Test
    void aMemberTokenSeesOnlyTheStatus() {
        Api api = start("BOOTSTRAP_ADMIN_EMAIL", ADMIN);
        String member = accessToken(api, inbox, "ada@example.com");

        JsonNode health = body(api.get("/health", member));

        assertThat(health.fieldNames()).toIterable().containsExactly("status");
    }

    @Test
    void anAdminTokenSeesEveryComponentWithItsLatencyInWholeMilliseconds() {
        Api api = start("BOOTSTRAP_ADMIN_EMAIL", ADMIN);
        String admin = accessToken(api, inbox, ADMIN);

        JsonNode health = body(api.get("/health", admin));

        assertThat(health.get("status").asText()).isEqualTo("UP");
        assertThat(health.get("components").fieldNames())
                .toIterable()
                .containsExactlyInAnyOrder("users", "otp", "rateLimits", "sessions", "revocations");
        for (JsonNode component : health.get("components")) {
            assertThat(component.get("latencyMs").isIntegralNumber())
                    .as("%s", component)
                    .isTrue();
        }
    }

    @Test
    void anInvalidTokenIsRefusedRatherThanTreatedAsAStranger() {
        Api api = start();

        assertError(api.get("/health", "not-a-token"), 401, "invalid_token");
    }

    @Test
    void healthDetailsAlwaysShowsTheComponentsToEveryone() {
        Api api = start("HEALTH_DETAILS", "always");

        JsonNode health = body(api.get("/health"));

        assertThat(health.get("components").fieldNames())
                .toIterable()
                .containsExactlyInAnyOrder("users", "otp", "rateLimits", "sessions", "revocations");
    }

    /**
     * Against a Redis of its own, so that its {@code PING} count is the probes' alone: 50 calls as fast as they go
     * reach Redis no more often than one report a second allows.
     */
    @Test
    void fiftyRapidHealthCallsProbeEachStoreAtMostOncePerSecond() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        redis = new ProcessBuilder(
                        "redis-server",
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        awaitRedis(port);
        Api api = start("REDIS_URL", "redis://127.0.0.1:" + port, "HEALTH_DETAILS", "always");

        long before = pings(port);
        assertThat(api.get("/health").statusCode()).isEqualTo(200);
        long perReport = pings(port) - before;
        long start = System.nanoTime();
        for (int i = 0; i < 49; i++) {
            assertThat(api.get("/health").statusCode()).isEqualTo(200);
        }
        long elapsedSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        long total = pings(port) - before;

        assertThat(perReport).as("one report pings the Redis stores").isBetween(1L, 10L);
        assertThat(total)
                .as("50 calls in %d s: at most one report per started second", elapsedSeconds)
                .isLessThanOrEqualTo(perReport * (elapsedSeconds + 2));
    }

    private static void awaitRedis(int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                pings(port);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("redis-server did not start on port " + port, notYet);
                }
                Thread.sleep(50);
            }
        }
    }

    /** How many PING commands the Redis on {@code port} has run, from {@code INFO commandstats}. */
    private static long pings(int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write("INFO commandstats\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String reply = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            Matcher calls = Pattern.compile("cmdstat_ping:calls=(\\d+)").matcher(reply);
            return calls.find() ? Long.parseLong(calls.group(1)) : 0;
        }
    }
}
