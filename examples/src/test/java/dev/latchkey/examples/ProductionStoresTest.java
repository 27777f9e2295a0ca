package dev.latchkey.examples;

import static dev.latchkey.examples.Api.body;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.auth.testkit.MutableClock;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The life cycle once more against the real servers: PostgreSQL for users and sessions, Redis for codes, throttles
 * and the revocation list. {@code LATCHKEY_TEST_PG_URL} and {@code LATCHKEY_TEST_REDIS_URL} override the local
 * defaults; an unreachable server fails the test. Each run uses its own tenant, so runs never see each other's
 * users, and its own schema and key prefix keep the example's data apart from the store modules' tests.
 */
class ProductionStoresTest {
    static final String PG_URL = envOr("LATCHKEY_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test");
    static final String REDIS_URL = envOr("LATCHKEY_TEST_REDIS_URL", "redis://127.0.0.1:6379");

    private final TestInbox inbox = new TestInbox();
    private final MutableClock clock = new MutableClock(Instant.now());
    private final String tenant =
            "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    private ExampleServer server;
    private Api api;

    @BeforeEach
    void start() {
        server = ExampleServer.start(
                TestServers.env(
                        "DATABASE_URL", PG_URL,
                        "DATABASE_SCHEMA", "latchkey_examples_test",
                        "REDIS_URL", REDIS_URL,
                        "REDIS_KEY_PREFIX", "latchkey-examples-test:",
                        "BOOTSTRAP_ADMIN_EMAIL", "boss@example.com",
                        "HEALTH_DETAILS", "always"),
                inbox,
                clock);
        api = new Api(server.baseUri());
        HttpResponse<String> health = api.get("/health");
        assertThat(health.statusCode())
                .as(
                        "PostgreSQL at %s and Redis at %s must be reachable (set LATCHKEY_TEST_PG_URL /"
                                + " LATCHKEY_TEST_REDIS_URL): %s",
                        PG_URL, REDIS_URL, health.body())
                .isEqualTo(200);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void healthListsPostgresAndRedisComponents() {
        JsonNode health = body(api.get("/health"));

        assertThat(health.get("status").asText()).isIn("UP", "DEGRADED");
        assertThat(health.get("components").fieldNames())
                .toIterable()
                .containsExactlyInAnyOrder("users", "otp", "rateLimits", "sessions", "revocations");
    }

    @Test
    void healthShowsThePostgresPoolOnTheComponentsItServes() {
        JsonNode components = body(api.get("/health")).get("components");

        for (String component : new String[] {"users", "sessions"}) {
            JsonNode pool = components.at("/" + component + "/pool");
            assertThat(pool.fieldNames()).toIterable().containsExactly("active", "idle", "total", "waiting");
            assertThat(pool.get("total").asInt())
                    .as("connections of %s", pool)
                    .isPositive()
                    .isEqualTo(pool.get("active").asInt() + pool.get("idle").asInt());
            assertThat(pool.get("waiting").asInt()).isZero();
        }
        assertThat(components.at("/otp/pool").isMissingNode())
                .as("codes are in Redis")
                .isTrue();
        assertThat(components.at("/revocations/pool").isMissingNode()).isTrue();
    }

    @Test
    void wholeLifeCycleOverHttpWithPostgresAndRedis() {
        LifeCycle.run(api, inbox, clock, tenant, "ada@example.com");
    }

    @Test
    void bootstrapAdminIsStoredAsAdminInPostgres() {
        api.sendOtp(tenant, "email", "Boss@Example.com");
        JsonNode login = LifeCycle.login(api, inbox, tenant, "boss@example.com");

        assertThat(login.at("/user/role").asText()).isEqualTo("admin");
        assertThat(api.get("/api/admin/stats", login.get("accessToken").asText())
                        .statusCode())
                .isEqualTo(200);
        HttpResponse<String> refreshed = api.refresh(login.get("refreshToken").asText());
        assertThat(body(refreshed).at("/user/role").asText())
                .as("read back from the database")
                .isEqualTo("admin");
    }

    @Test
    void throttlesLiveInRedis() {
        assertThat(api.sendOtp(tenant, "mobile", "+14155550123").statusCode()).isEqualTo(202);
        HttpResponse<String> again = api.sendOtp(tenant, "mobile", "+14155550123");

        Api.assertError(again, 429, "rate_limited");
        assertThat(again.headers().allValues("Retry-After")).containsExactly("60");
    }

    static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
