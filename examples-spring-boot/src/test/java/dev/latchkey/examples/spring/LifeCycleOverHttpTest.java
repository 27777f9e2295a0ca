package dev.latchkey.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.auth.micrometer.LatchkeyMetrics;
import dev.latchkey.auth.micrometer.MeteredStores;
import dev.latchkey.auth.spi.AuthStores;
import dev.latchkey.auth.spi.OtpMessage;
import dev.latchkey.auth.store.redis.RedisStores;
import dev.latchkey.auth.testkit.MutableClock;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example application started against the real PostgreSQL (a schema of its own per run) and Redis (a key prefix
 * of its own), its whole life cycle driven over HTTP: send, verify, session, refresh, protected routes with URL and
 * method rules, sign-out. Unreachable servers fail the start-up, and so the test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LifeCycleOverHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUN =
            UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final String SCHEMA = "latchkey_spring_" + RUN;
    private static final String TENANT = "acme";
    private static final String ADMIN = "admin@example.com";

    @DynamicPropertySource
    static void realServers(DynamicPropertyRegistry properties) {
        properties.add("latchkey.jwt-secret", () -> "Xk3P9vQ2mZ7rT1wY5nB8cF4hJ6sL0dG3aV7eU2iO9pR");
        properties.add("latchkey.otp-hash-secret", () -> "q8Zr1vT0xN4mW7kB2yH5cJ9pL3sD6fG0aE1uR4iO7nV");
        properties.add("latchkey.database-schema", () -> SCHEMA);
        properties.add("latchkey.redis-key-prefix", () -> "latchkey-spring-test-" + RUN + ":");
        properties.add("example.admin-email", () -> ADMIN);
    }

    @TestConfiguration
    static class Inbox {
        final List<OtpMessage> messages = new CopyOnWriteArrayList<>();

        @Bean
        @Primary
        dev.latchkey.auth.spi.OtpSender inboxOtpSender() {
            return messages::add;
        }

        @Bean
        MutableClock clock() {
            return new MutableClock(Instant.now());
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    Inbox inbox;

    @Autowired
    MutableClock clock;

    @Autowired
    AuthStores stores;

    @Autowired
    MeterRegistry meters;

    private final HttpClient client = HttpClient.newHttpClient();

    @AfterAll
    static void dropSchema() throws Exception {
        try (Connection connection =
                        DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    @Test
    void storesAreTheApplicationsPostgresAndRedis() {
        assertThat(stores).isInstanceOf(RedisStores.class);
        assertThat(stores.users().getClass().getName()).contains("Caching");
    }

    @Test
    void drivesTheWholeLifeCycleOverHttp() throws Exception {
        JsonNode login = login("ada@example.com");
        String access = login.get("accessToken").asText();

        HttpResponse<String> session = get("/api/auth/session", access);
        assertThat(session.statusCode()).isEqualTo(200);
        assertThat(json(session).get("user").get("email").asText()).isEqualTo("ada@example.com");

        HttpResponse<String> me = get("/api/me", access);
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(json(me).get("user").get("role").asText()).isEqualTo("member");

        HttpResponse<String> refreshed = post(
                "/api/auth/refresh",
                null,
                Map.of("refreshToken", login.get("refreshToken").asText()));
        assertThat(refreshed.statusCode()).isEqualTo(200);
        String newAccess = json(refreshed).get("accessToken").asText();
        assertThat(get("/api/me", newAccess).statusCode()).isEqualTo(200);

        assertThat(post("/api/auth/signout", newAccess, null).statusCode()).isEqualTo(204);
        assertUnauthorized(get("/api/me", newAccess));
        assertUnauthorized(get("/api/auth/session", newAccess));
    }

    @Test
    void rolesAndAuthoritiesGuardUrlsAndMethodsWith403() throws Exception {
        String member = login("grace@example.com").get("accessToken").asText();
        String admin = login(ADMIN).get("accessToken").asText();

        assertForbidden(get("/api/admin/stats", member));
        assertForbidden(get("/api/reports", member));
        assertForbidden(get("/api/audit", member));

        assertThat(get("/api/admin/stats", admin).statusCode()).isEqualTo(200);
        assertThat(get("/api/reports", admin).statusCode()).isEqualTo(200);
        assertThat(get("/api/audit", admin).statusCode()).isEqualTo(200);
    }

    @Test
    void rejectsMissingForgedAndExpiredTokensWith401AndWwwAuthenticate() throws Exception {
        assertUnauthorized(get("/api/me", null));
        assertUnauthorized(get("/api/me", "not-a-token"));
        String access = login("linus@example.com").get("accessToken").asText();
        assertThat(get("/api/me", access).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(16));
        assertUnauthorized(get("/api/me", access));
    }

    @Test
    void endpointsKeepTheExampleServersErrorContract() throws Exception {
        HttpResponse<String> first =
                post("/api/auth/send-otp", null, Map.of("tenantId", TENANT, "email", "bo@example.com"));
        assertThat(first.statusCode()).isEqualTo(202);
        HttpResponse<String> again =
                post("/api/auth/send-otp", null, Map.of("tenantId", TENANT, "email", "bo@example.com"));
        assertThat(again.statusCode()).isEqualTo(429);
        assertThat(json(again).get("error").asText()).isEqualTo("rate_limited");
        assertThat(again.headers().firstValue("Retry-After")).isPresent();
        assertThat(again.headers().firstValue("Cache-Control")).hasValue("no-store");

        HttpResponse<String> malformed = post("/api/auth/refresh", null, "{");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(json(malformed).get("error").asText()).isEqualTo("invalid_request");
        assertThat(get("/.well-known/jwks.json", null).body()).contains("\"keys\"");
    }

    @Test
    void healthAndMetricsReportTheStores() throws Exception {
        login("mary@example.com");
        HttpResponse<String> health = get("/actuator/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode latchkey = json(health).get("components").get("latchkey");
        assertThat(latchkey.get("status").asText()).isEqualTo("UP");
        assertThat(latchkey.get("details").get("users").get("status").asText()).isEqualTo("UP");

        assertThat(meters.get(LatchkeyMetrics.LOGINS).counter().count()).isPositive();
        assertThat(meters.get(LatchkeyMetrics.OPERATIONS)
                        .tags("operation", "verify_otp", "outcome", "success")
                        .timer()
                        .count())
                .isPositive();
        assertThat(meters.get(MeteredStores.STORE_CALLS)
                        .tags("store", "sessions", "method", "create")
                        .timer()
                        .count())
                .isPositive();
    }

    private JsonNode login(String email) throws Exception {
        HttpResponse<String> sent = post("/api/auth/send-otp", null, Map.of("tenantId", TENANT, "email", email));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
        String code = inbox.messages.stream()
                .filter(message -> message.destination().value().equals(email))
                .reduce((earlier, later) -> later)
                .orElseThrow()
                .code();
        HttpResponse<String> verified = post(
                "/api/auth/verify-otp",
                null,
                Map.of(
                        "tenantId",
                        TENANT,
                        "email",
                        email,
                        "challengeId",
                        json(sent).get("challengeId").asText(),
                        "code",
                        code));
        assertThat(verified.statusCode()).as(verified.body()).isEqualTo(200);
        return json(verified);
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    private static void assertUnauthorized(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
        assertThat(json(response).get("error").asText()).isEqualTo("invalid_token");
    }

    private static void assertForbidden(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        assertThat(json(response).get("error").asText()).isEqualTo("forbidden");
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String token, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (body == null) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            String text = body instanceof String raw ? raw : JSON.writeValueAsString(body);
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(text));
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
