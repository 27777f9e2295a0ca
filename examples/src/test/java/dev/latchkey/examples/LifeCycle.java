package dev.latchkey.examples;

import static dev.latchkey.examples.Api.assertBearerChallenge;
import static dev.latchkey.examples.Api.assertError;
import static dev.latchkey.examples.Api.body;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.auth.testkit.MutableClock;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * The whole login life cycle over HTTP, shared by the memory and the PostgreSQL + Redis runs: send, read the code,
 * verify, session, me, admin 403, refresh, reuse of the rotated refresh token revoking the family, sign-out, 401.
 */
final class LifeCycle {
    /** Past the default refresh reuse grace (10 s), so the rotated token counts as reuse. */
    private static final Duration PAST_REUSE_GRACE = Duration.ofSeconds(11);
    /** Past the default resend cooldown (60 s), so the same address may ask for another code. */
    private static final Duration PAST_COOLDOWN = Duration.ofSeconds(61);

    private LifeCycle() {}

    static void run(Api api, TestInbox inbox, MutableClock clock, String tenant, String email) {
        HttpResponse<String> sent = api.sendOtp(tenant, "email", email);
        assertThat(sent.statusCode()).isEqualTo(202);
        assertThat(sent.body())
                .matches("\\{\"status\":\"sent\",\"challengeId\":\"[A-Za-z0-9_-]{22}\",\"expiresIn\":300}");

        JsonNode login = login(api, inbox, tenant, email);
        assertThat(login.get("tokenType").asText()).isEqualTo("Bearer");
        assertThat(login.get("expiresIn").asLong()).isBetween(890L, 900L);
        JsonNode user = login.get("user");
        assertThat(user.get("tenantId").asText()).isEqualTo(tenant);
        assertThat(user.get("email").asText()).isEqualTo(email);
        assertThat(user.get("mobile").isNull()).isTrue();
        assertThat(user.get("role").asText()).isEqualTo("member");
        assertThat(user.get("permissions").isArray()).isTrue();
        String userId = user.get("id").asText();
        String access = login.get("accessToken").asText();
        String refreshToken = login.get("refreshToken").asText();

        HttpResponse<String> session = api.get("/api/auth/session", access);
        assertThat(session.statusCode()).isEqualTo(200);
        JsonNode sessionBody = body(session);
        assertThat(sessionBody.at("/user/id").asText()).isEqualTo(userId);
        assertThat(sessionBody.at("/user/email").asText()).isEqualTo(email);
        String sessionId = sessionBody.at("/session/id").asText();
        assertThat(sessionId).isNotBlank();
        assertThat(Instant.parse(sessionBody.at("/session/expiresAt").asText())).isAfter(clock.instant());

        HttpResponse<String> me = api.get("/api/me", access);
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(body(me).at("/user/id").asText()).isEqualTo(userId);
        assertThat(body(me).at("/user/role").asText()).isEqualTo("member");

        assertError(api.get("/api/admin/stats", access), 403, "forbidden");

        HttpResponse<String> refreshed = api.refresh(refreshToken);
        assertThat(refreshed.statusCode()).isEqualTo(200);
        JsonNode rotated = body(refreshed);
        String newAccess = rotated.get("accessToken").asText();
        String newRefresh = rotated.get("refreshToken").asText();
        assertThat(newRefresh).isNotEqualTo(refreshToken);
        assertThat(rotated.at("/user/id").asText()).isEqualTo(userId);
        assertThat(api.get("/api/auth/session", newAccess).statusCode()).isEqualTo(200);

        // An immediate retry of the rotated token (two tabs refreshing at once) gets the same successor...
        HttpResponse<String> retry = api.refresh(refreshToken);
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(body(retry).get("refreshToken").asText()).isEqualTo(newRefresh);
        // ...but once the grace window has passed, presenting it again is reuse: the whole family is revoked.
        clock.advance(PAST_REUSE_GRACE);
        assertError(api.refresh(refreshToken), 401, "invalid_token");
        assertError(api.refresh(newRefresh), 401, "invalid_token");
        assertBearerChallenge(api.get("/api/auth/session", newAccess));
        assertBearerChallenge(api.get("/api/me", newAccess));

        clock.advance(PAST_COOLDOWN);
        assertThat(api.sendOtp(tenant, "email", email).statusCode()).isEqualTo(202);
        JsonNode again = login(api, inbox, tenant, email);
        assertThat(again.at("/user/id").asText())
                .as("the same user logs in again")
                .isEqualTo(userId);
        String access2 = again.get("accessToken").asText();
        assertThat(api.get("/api/auth/session", access2).statusCode()).isEqualTo(200);

        HttpResponse<String> signOut = api.post("/api/auth/signout", "", access2);
        assertThat(signOut.statusCode()).isEqualTo(204);
        assertThat(signOut.body()).isEmpty();
        assertBearerChallenge(api.get("/api/auth/session", access2));
        assertBearerChallenge(api.get("/api/me", access2));
        assertError(api.refresh(again.get("refreshToken").asText()), 401, "invalid_token");
    }

    /** Verifies the latest code sent to the address and returns the token response. */
    static JsonNode login(Api api, TestInbox inbox, String tenant, String email) {
        HttpResponse<String> verified = api.verifyOtp(tenant, "email", email, inbox.lastCode(tenant, email));
        assertThat(verified.statusCode()).as("verify-otp: %s", verified.body()).isEqualTo(200);
        return body(verified);
    }
}
