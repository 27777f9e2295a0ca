package dev.latchkey.examples;

import static dev.latchkey.examples.Api.assertError;
import static dev.latchkey.examples.Api.body;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A backend that cannot be reached turns every operation that needs it into 503 unavailable, never a login. */
class StoreOutageTest {
    private final TestInbox inbox = new TestInbox();
    private ExampleServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void unreachableRedisIs503AndNoCodeIsSent() {
        server = ExampleServer.start(
                TestServers.env("REDIS_URL", "redis://127.0.0.1:" + closedPort(), "HEALTH_DETAILS", "always"), inbox);
        Api api = new Api(server.baseUri());

        assertGenericOutage(api.sendOtp("acme", "email", "ada@example.com"));
        assertGenericOutage(api.verifyOtp("acme", "email", "ada@example.com", "123456"));
        assertThat(inbox.total()).isZero();

        HttpResponse<String> health = api.get("/health");
        assertThat(health.statusCode()).isEqualTo(503);
        JsonNode report = body(health);
        assertThat(report.get("status").asText()).isEqualTo("DOWN");
        assertThat(report.at("/components/otp/status").asText()).isEqualTo("DOWN");
        assertThat(report.at("/components/sessions/status").asText()).isEqualTo("DOWN");
        assertThat(report.at("/components/users/status").asText()).isEqualTo("UP");
        assertThat(health.body()).doesNotContain("127.0.0.1");
    }

    @Test
    void unreachablePostgresIs503() {
        server = ExampleServer.start(
                TestServers.env(
                        "DATABASE_URL",
                        "postgresql://postgres@127.0.0.1:" + closedPort() + "/test",
                        "HEALTH_DETAILS",
                        "always"),
                inbox);
        Api api = new Api(server.baseUri());

        assertGenericOutage(api.sendOtp("acme", "email", "ada@example.com"));
        assertThat(inbox.total()).isZero();
        HttpResponse<String> health = api.get("/health");
        assertThat(health.statusCode()).isEqualTo(503);
        JsonNode pool = body(health).at("/components/otp/pool");
        assertThat(pool.get("total").isInt()).as("pool of %s", health.body()).isTrue();
        assertThat(pool.get("total").asInt())
                .as("no connection to a database that is down")
                .isZero();
    }

    @Test
    void anOutageAfterTheCodeWasSentNeverLogsIn() {
        // Codes in a healthy Redis, users in PostgreSQL that is down: the right code must still not log in.
        server = ExampleServer.start(
                TestServers.env(
                        "REDIS_URL",
                        ProductionStoresTest.REDIS_URL,
                        "REDIS_KEY_PREFIX",
                        "latchkey-examples-test:",
                        "DATABASE_URL",
                        "postgresql://postgres@127.0.0.1:" + closedPort() + "/test"),
                inbox);
        Api api = new Api(server.baseUri());
        String tenant = "outage" + System.nanoTime();
        assertThat(api.sendOtp(tenant, "email", "ada@example.com").statusCode())
                .as("Redis at %s must be reachable", ProductionStoresTest.REDIS_URL)
                .isEqualTo(202);

        HttpResponse<String> verify =
                api.verifyOtp(tenant, "email", "ada@example.com", inbox.lastCode(tenant, "ada@example.com"));

        assertGenericOutage(verify);
        assertThat(verify.body()).doesNotContain("accessToken");
    }

    /** The client learns that it may retry, not which backend failed or how (that is in the server's log). */
    private static void assertGenericOutage(HttpResponse<String> response) {
        JsonNode body = assertError(response, 503, "unavailable");
        assertThat(body.get("message").asText()).isEqualTo("a backend is unavailable; try again later");
        assertThat(response.body())
                .doesNotContainIgnoringCase("redis")
                .doesNotContainIgnoringCase("postgres")
                .doesNotContain("SQLState")
                .doesNotContain("127.0.0.1");
    }

    /** A port nothing listens on: bound, then released. */
    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
