package dev.latchkey.examples;

import static dev.latchkey.examples.Api.body;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.auth.testkit.MutableClock;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemoryLifeCycleTest {
    private final TestInbox inbox = new TestInbox();
    private final MutableClock clock = new MutableClock(Instant.now());
    private ExampleServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Api start(String... env) {
        server = ExampleServer.start(TestServers.env(env), inbox, clock);
        return new Api(server.baseUri());
    }

    @Test
    void wholeLifeCycleOverHttpWithMemoryStores() {
        Api api = start();
        LifeCycle.run(api, inbox, clock, "acme", "ada@example.com");
    }

    @Test
    void bootstrapAdminByEmailGetsStatsWithRealCounters() {
        Api api = start("BOOTSTRAP_ADMIN_EMAIL", " Boss@EXAMPLE.com ");
        assertThat(api.sendOtp("acme", "email", "BOSS@example.COM").statusCode())
                .isEqualTo(202);
        JsonNode login = LifeCycle.login(api, inbox, "acme", "boss@example.com");
        assertThat(login.at("/user/role").asText()).isEqualTo("admin");
        String access = login.get("accessToken").asText();
        assertThat(api.refresh(login.get("refreshToken").asText()).statusCode()).isEqualTo(200);

        HttpResponse<String> stats = api.get("/api/admin/stats", access);

        assertThat(stats.statusCode()).isEqualTo(200);
        JsonNode body = body(stats);
        assertThat(body.get("uptimeSeconds").isIntegralNumber()).isTrue();
        assertThat(body.get("startedAt").asText()).isNotBlank();
        assertThat(body.at("/counters/codesSent").asLong()).isEqualTo(1);
        assertThat(body.at("/counters/logins").asLong()).isEqualTo(1);
        assertThat(body.at("/counters/usersCreated").asLong()).isEqualTo(1);
        assertThat(body.at("/counters/refreshes").asLong()).isEqualTo(1);
    }

    @Test
    void bootstrapAdminByMobileMatchesInE164AndOthersStayMembers() {
        Api api = start("BOOTSTRAP_ADMIN_MOBILE", "+1 (415) 555-0123", "DEFAULT_ROLE", "viewer");
        assertThat(api.sendOtp("acme", "mobile", "+1 415 555 0123").statusCode())
                .isEqualTo(202);
        HttpResponse<String> admin =
                api.verifyOtp("acme", "mobile", "+14155550123", inbox.lastCode("acme", "+14155550123"));
        assertThat(body(admin).at("/user/role").asText()).isEqualTo("admin");
        assertThat(body(admin).at("/user/mobile").asText()).isEqualTo("+14155550123");
        assertThat(api.get("/api/admin/stats", body(admin).get("accessToken").asText())
                        .statusCode())
                .isEqualTo(200);

        assertThat(api.sendOtp("acme", "email", "ada@example.com").statusCode()).isEqualTo(202);
        JsonNode member = LifeCycle.login(api, inbox, "acme", "ada@example.com");
        assertThat(member.at("/user/role").asText()).isEqualTo("viewer");
    }

    @Test
    void newUsersGetTheConfiguredDefaultRoleAndPermissions() {
        Api api = start("DEFAULT_ROLE", "editor", "DEFAULT_PERMISSIONS", "reports:read, posts:write");
        api.sendOtp("acme", "email", "ed@example.com");
        JsonNode login = LifeCycle.login(api, inbox, "acme", "ed@example.com");

        assertThat(login.at("/user/role").asText()).isEqualTo("editor");
        assertThat(Api.JSON.convertValue(login.at("/user/permissions"), String[].class))
                .containsExactly("posts:write", "reports:read");
        JsonNode me = body(api.get("/api/me", login.get("accessToken").asText()));
        assertThat(Api.JSON.convertValue(me.at("/user/permissions"), String[].class))
                .containsExactly("posts:write", "reports:read");
    }

    @Test
    void jwksPublishesTheGeneratedEs256PublicKeyOnly() {
        Api api = start();
        HttpResponse<String> jwks = api.get("/.well-known/jwks.json");

        assertThat(jwks.statusCode()).isEqualTo(200);
        JsonNode keys = body(jwks).get("keys");
        assertThat(keys.size()).isEqualTo(1);
        JsonNode key = keys.get(0);
        assertThat(key.get("kty").asText()).isEqualTo("EC");
        assertThat(key.get("crv").asText()).isEqualTo("P-256");
        assertThat(key.get("alg").asText()).isEqualTo("ES256");
        assertThat(key.get("kid").asText()).isEqualTo("k1");
        assertThat(key.has("x") && key.has("y")).isTrue();
        assertThat(key.has("d")).as("private part").isFalse();
    }

    @Test
    void jwksIsEmptyForHs256() {
        Api api = start("JWT_SECRET", "q3Zt8vLw1Xp0Rk7Yb4Nc9Md2Hf6Js5Ga", "JWT_KEY_ID", "main");
        HttpResponse<String> jwks = api.get("/.well-known/jwks.json");

        assertThat(jwks.statusCode()).isEqualTo(200);
        assertThat(jwks.body()).isEqualTo("{\"keys\":[]}");
    }

    @Test
    void healthIsUpWithEveryStore() {
        Api api = start("HEALTH_DETAILS", "always");
        HttpResponse<String> health = api.get("/health");

        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode body = body(health);
        assertThat(body.get("status").asText()).isEqualTo("UP");
        assertThat(body.get("components").fieldNames())
                .toIterable()
                .containsExactlyInAnyOrder("users", "otp", "rateLimits", "sessions", "revocations");
        assertThat(body.at("/components/users/status").asText()).isEqualTo("UP");
        assertThat(body.at("/components/users/latencyMs").isNumber()).isTrue();
    }
}
