package dev.latchkey.examples;

import static dev.latchkey.examples.Api.assertBearerChallenge;
import static dev.latchkey.examples.Api.assertError;
import static dev.latchkey.examples.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.auth.testkit.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every failure row of the HTTP contract, and the malformed, oversized and misdirected requests. */
class HttpContractTest {
    private static final String TENANT = "acme";

    private final TestInbox inbox = new TestInbox();
    private final MutableClock clock = new MutableClock(Instant.now());
    private ExampleServer server;
    private Api api;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Api start(String... env) {
        server = ExampleServer.start(TestServers.env(env), inbox, clock);
        api = new Api(server.baseUri());
        return api;
    }

    private JsonNode loginAs(String email) {
        assertThat(api.sendOtp(TENANT, "email", email).statusCode()).isEqualTo(202);
        return LifeCycle.login(api, inbox, TENANT, email);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{}",
                "{\"tenantId\":\"acme\"}",
                "{\"email\":\"a@example.com\"}",
                "{\"tenantId\":\"acme\",\"mobile\":\"+14155550123\",\"email\":\"a@example.com\"}",
                "{\"tenantId\":\"acme\",\"mobile\":\"12345\"}",
                "{\"tenantId\":\"acme\",\"mobile\":\"+19005550123\"}",
                "{\"tenantId\":\"acme\",\"mobile\":\"a@example.com\"}",
                "{\"tenantId\":\"acme\",\"email\":\"not-an-email\"}",
                "{\"tenantId\":\"acme\",\"email\":\"a@@example.com\"}",
                "{\"tenantId\":7,\"email\":\"a@example.com\"}",
                "{\"tenantId\":\"acme\",\"email\":[\"a@example.com\"]}",
                "{\"tenantId\":\"ac me\",\"email\":\"a@example.com\"}",
                "{\"tenantId\":\"acme\",\"tenantId\":\"other\",\"email\":\"a@example.com\"}",
                "{\"tenantId\":\"acme\",\"email\":\"a@example.com\"} {}",
                "{\"tenantId\":\"acme\",\"email\":\"a@example.com\"",
                "{bad json",
                "[\"acme\",\"a@example.com\"]",
                "\"acme\"",
                "null",
                ""
            })
    void sendOtpRefusesMalformedInputWith400(String requestBody) {
        start();
        assertError(api.post("/api/auth/send-otp", requestBody), 400, "invalid_request");
        assertThat(inbox.total()).isZero();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"tenantId\":\"acme\",\"email\":\"a@example.com\"}",
                "{\"tenantId\":\"acme\",\"email\":\"a@example.com\",\"code\":123456}",
                "{\"tenantId\":\"acme\",\"email\":\"a@example.com\",\"code\":\"12ab56\"}",
                "{\"tenantId\":\"acme\",\"code\":\"123456\"}",
                "{\"email\":\"a@example.com\",\"code\":\"123456\"}",
                "{\"tenantId\":\"acme\",\"email\":\"a@example.com\",\"code\":\"123456\"",
                ""
            })
    void verifyOtpRefusesMalformedInputWith400(String requestBody) {
        start();
        assertError(api.post("/api/auth/verify-otp", requestBody), 400, "invalid_request");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"refreshToken\":5}", "{\"refreshToken\":null}", "not json", ""})
    void refreshRefusesMalformedInputWith400(String requestBody) {
        start();
        assertError(api.post("/api/auth/refresh", requestBody), 400, "invalid_request");
    }

    @Test
    void sendOtpAnswersIdenticallyForKnownAndUnknownDestinations() {
        start();
        loginAs("known@example.com");
        clock.advance(Duration.ofSeconds(61));

        HttpResponse<String> known = api.sendOtp(TENANT, "email", "known@example.com");
        HttpResponse<String> unknown = api.sendOtp(TENANT, "email", "nobody@example.com");

        assertThat(known.statusCode()).isEqualTo(202);
        assertThat(unknown.statusCode()).isEqualTo(202);
        // Identical but for the challenge id, which is random for every code, known destination or not.
        String shape = "\\{\"status\":\"sent\",\"challengeId\":\"[A-Za-z0-9_-]{22}\",\"expiresIn\":300}";
        assertThat(known.body()).matches(shape);
        assertThat(unknown.body()).matches(shape).hasSameSizeAs(known.body());
        assertThat(headersWithoutDate(unknown)).isEqualTo(headersWithoutDate(known));
    }

    @Test
    void sendOtpWithinTheCooldownIsRateLimitedWithRetryAfter() {
        start();
        assertThat(api.sendOtp(TENANT, "mobile", "+14155550123").statusCode()).isEqualTo(202);

        HttpResponse<String> again = api.sendOtp(TENANT, "mobile", "+1 415 555 0123");

        assertError(again, 429, "rate_limited");
        assertThat(again.headers().allValues("Retry-After")).containsExactly("60");
        assertThat(inbox.count(TENANT, "+14155550123")).isEqualTo(1);
        clock.advance(Duration.ofSeconds(60));
        assertThat(api.sendOtp(TENANT, "mobile", "+14155550123").statusCode()).isEqualTo(202);
    }

    @Test
    void theSocketAddressFeedsThePerIpThrottle() {
        start("OTP_SEND_LIMIT_PER_IP", "2/1h");
        assertThat(api.sendOtp(TENANT, "email", "one@example.com").statusCode()).isEqualTo(202);
        assertThat(api.sendOtp(TENANT, "email", "two@example.com").statusCode()).isEqualTo(202);

        HttpResponse<String> third = api.sendOtp("other-tenant", "email", "three@example.com");

        assertError(third, 429, "rate_limited");
        assertThat(third.headers().allValues("Retry-After")).containsExactly("3600");
        assertThat(inbox.total()).isEqualTo(2);
    }

    @Test
    void wrongExpiredAndUsedCodesFailIdentically() {
        start();
        String email = "ada@example.com";
        api.sendOtp(TENANT, "email", email);
        String code = inbox.lastCode(TENANT, email);
        String wrongCode = code.equals("000000") ? "111111" : "000000";

        HttpResponse<String> wrong = api.verifyOtp(TENANT, "email", email, wrongCode);
        assertThat(api.verifyOtp(TENANT, "email", email, code).statusCode()).isEqualTo(200);
        HttpResponse<String> used = api.verifyOtp(TENANT, "email", email, code);
        clock.advance(Duration.ofSeconds(61));
        api.sendOtp(TENANT, "email", email);
        String second = inbox.lastCode(TENANT, email);
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        HttpResponse<String> expired = api.verifyOtp(TENANT, "email", email, second);

        for (HttpResponse<String> failure : List.of(wrong, used, expired)) {
            assertError(failure, 401, "invalid_code");
            assertThat(failure.body()).isEqualTo(wrong.body());
            assertThat(failure.headers().firstValue("WWW-Authenticate")).isEmpty();
        }
    }

    @Test
    void spentClientFailureBudgetIsTooManyAttemptsWithRetryAfterEvenForTheRightCode() {
        start("OTP_FAILURE_LIMIT_PER_CLIENT", "3/1h");
        String email = "ada@example.com";
        api.sendOtp(TENANT, "email", email);
        String code = inbox.lastCode(TENANT, email);
        String wrongCode = code.equals("000000") ? "111111" : "000000";
        for (int i = 0; i < 3; i++) {
            assertError(api.verifyOtp(TENANT, "email", email, wrongCode), 401, "invalid_code");
        }

        HttpResponse<String> locked = api.verifyOtp(TENANT, "email", email, code);

        assertError(locked, 429, "too_many_attempts");
        assertThat(locked.headers().allValues("Retry-After")).containsExactly("3600");
    }

    @Test
    void refreshWithAnUnknownTokenIsInvalidToken() {
        start();
        String forged = "5d5c2a52-8f0e-4a57-a3a9-8f7b0c1d2e3f." + "A".repeat(43) + "." + "B".repeat(22);

        assertError(api.refresh("garbage"), 401, "invalid_token");
        assertError(api.refresh(forged), 401, "invalid_token");
    }

    @Test
    void bearerEndpointsAnswer401WithTheChallenge() {
        start();
        String[] getPaths = {"/api/auth/session", "/api/me", "/api/admin/stats"};
        for (String path : getPaths) {
            assertBearerChallenge(api.get(path));
            assertBearerChallenge(api.get(path, "not-a-jwt"));
            assertBearerChallenge(api.send(api.request(path).header("Authorization", "Basic dXNlcjpwdw==")));
        }
        assertBearerChallenge(api.post("/api/auth/signout", ""));
        assertBearerChallenge(api.post("/api/auth/signout", "", "not-a-jwt"));
    }

    @Test
    void tamperedAccessTokensAreRefused() {
        start();
        JsonNode login = loginAs("ada@example.com");
        String access = login.get("accessToken").asText();
        String[] parts = access.split("\\.");
        String tampered = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();

        assertBearerChallenge(api.get("/api/auth/session", tampered));
        assertBearerChallenge(api.get("/api/me", tampered));
    }

    @Test
    void adminStatsIsForbiddenToMembers() {
        start();
        String access = loginAs("ada@example.com").get("accessToken").asText();

        HttpResponse<String> stats = api.get("/api/admin/stats", access);

        assertError(stats, 403, "forbidden");
        assertThat(stats.headers().firstValue("WWW-Authenticate")).isEmpty();
    }

    @Test
    void signOutScopesEndTheRightSessions() {
        start();
        String first = loginAs("ada@example.com").get("accessToken").asText();
        clock.advance(Duration.ofSeconds(61));
        String second = loginAs("ada@example.com").get("accessToken").asText();
        clock.advance(Duration.ofSeconds(61));
        String third = loginAs("ada@example.com").get("accessToken").asText();

        assertError(api.post("/api/auth/signout", json("scope", "everything"), first), 400, "invalid_request");
        assertError(api.post("/api/auth/signout", "{bad", first), 400, "invalid_request");
        assertThat(api.post("/api/auth/signout", json("scope", "others"), first).statusCode())
                .isEqualTo(204);
        assertThat(api.get("/api/auth/session", first).statusCode()).isEqualTo(200);
        assertBearerChallenge(api.get("/api/auth/session", second));
        assertBearerChallenge(api.get("/api/auth/session", third));

        assertThat(api.post("/api/auth/signout", json("scope", "global"), first).statusCode())
                .isEqualTo(204);
        assertBearerChallenge(api.get("/api/auth/session", first));
        assertBearerChallenge(api.post("/api/auth/signout", "", first));
    }

    /** Bodies a browser would send cross-site without a CORS preflight, and a body with no type at all. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "text/plain",
                "text/plain; charset=utf-8",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "application/jsonp",
                ""
            })
    void bodiesNotDeclaredAsJsonAre415AndNoCodeIsSent(String contentType) {
        start();
        String body = json("tenantId", TENANT, "email", "ada@example.com");
        HttpRequest.Builder request =
                api.requestWithoutContentType("/api/auth/send-otp").POST(HttpRequest.BodyPublishers.ofString(body));
        if (!contentType.isEmpty()) {
            request.header("Content-Type", contentType);
        }

        assertError(api.send(request), 415, "unsupported_media_type");
        assertError(
                api.send(api.requestWithoutContentType("/api/auth/verify-otp")
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString(body))),
                415,
                "unsupported_media_type");
        assertThat(inbox.total()).isZero();
    }

    /** A body the server did not read is not drained at the client's pace: the connection ends, and the answer says so. */
    @Test
    void anUnreadBodyEndsTheConnectionAndTheAnswerSaysSo() {
        start();
        HttpResponse<String> refused = api.send(api.requestWithoutContentType("/api/auth/send-otp")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(json("tenantId", TENANT, "email", "ada@example.com"))));
        HttpResponse<String> health = api.get("/health");
        HttpResponse<String> sent = api.sendOtp(TENANT, "email", "ada@example.com");

        assertThat(refused.headers().allValues("Connection")).containsExactly("close");
        assertThat(health.headers().allValues("Connection")).isEmpty();
        assertThat(sent.headers().allValues("Connection")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "Application/JSON ;charset=UTF-8"})
    void jsonWithOrWithoutParametersIsAccepted(String contentType) {
        start();
        HttpRequest.Builder request = api.requestWithoutContentType("/api/auth/send-otp")
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(json("tenantId", TENANT, "email", "ada@example.com")));

        assertThat(api.send(request).statusCode()).isEqualTo(202);
    }

    @Test
    void signOutWithoutABodyNeedsNoContentTypeButAPlainTextBodyIs415() {
        start();
        String access = loginAs("ada@example.com").get("accessToken").asText();

        HttpResponse<String> plain = api.send(api.requestWithoutContentType("/api/auth/signout")
                .header("Authorization", "Bearer " + access)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(json("scope", "global"))));
        assertError(plain, 415, "unsupported_media_type");
        assertThat(api.get("/api/auth/session", access).statusCode()).isEqualTo(200);

        HttpResponse<String> bare = api.send(api.requestWithoutContentType("/api/auth/signout")
                .header("Authorization", "Bearer " + access)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(bare.statusCode()).isEqualTo(204);
        assertBearerChallenge(api.get("/api/auth/session", access));
    }

    @Test
    void bodiesOverTheLimitAre413() {
        start();
        byte[] oversized = new byte[JsonRequest.MAX_BODY_BYTES + 1];
        Arrays.fill(oversized, (byte) ' ');
        byte[] chunkedOversized = new byte[JsonRequest.MAX_BODY_BYTES + 1000];

        HttpResponse<String> declared =
                api.send(api.request("/api/auth/send-otp").POST(HttpRequest.BodyPublishers.ofByteArray(oversized)));
        HttpResponse<String> chunked = api.send(api.request("/api/auth/verify-otp")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(chunkedOversized))));

        assertError(declared, 413, "request_too_large");
        assertError(chunked, 413, "request_too_large");
    }

    /**
     * The server reads at most the limit + 1 byte and then hangs up; a client still sending megabytes may see the
     * 413 or a reset connection, but the server stays healthy and is not made to swallow the stream.
     */
    @Test
    void anEndlessBodyIsCutOffAndTheServerCarriesOn() {
        start();
        byte[] huge = new byte[16 << 20];
        try {
            HttpResponse<String> answer = api.send(api.request("/api/auth/send-otp")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge))));
            assertError(answer, 413, "request_too_large");
        } catch (UncheckedIOException e) {
            assertThat(e).hasRootCauseInstanceOf(IOException.class);
        }

        assertThat(api.get("/health").statusCode()).isEqualTo(200);
        assertThat(inbox.total()).isZero();
    }

    @Test
    void aBodyOfExactlyTheLimitIsRead() {
        start();
        String prefix = "{\"tenantId\":\"acme\",\"email\":\"ada@example.com\",\"pad\":\"";
        String suffix = "\"}";
        String padded = prefix + "x".repeat(JsonRequest.MAX_BODY_BYTES - prefix.length() - suffix.length()) + suffix;
        assertThat(padded.getBytes(StandardCharsets.UTF_8)).hasSize(JsonRequest.MAX_BODY_BYTES);

        assertThat(api.post("/api/auth/send-otp", padded).statusCode()).isEqualTo(202);
    }

    @Test
    void wrongMethodsAre405WithAllow() {
        start();
        HttpResponse<String> getSend = api.get("/api/auth/send-otp");
        HttpResponse<String> postHealth = api.post("/health", "{}");
        HttpResponse<String> deleteSession =
                api.send(api.request("/api/auth/session").DELETE());

        assertError(getSend, 405, "method_not_allowed");
        assertThat(getSend.headers().allValues("Allow")).containsExactly("POST");
        assertError(postHealth, 405, "method_not_allowed");
        assertThat(postHealth.headers().allValues("Allow")).containsExactly("GET");
        assertError(deleteSession, 405, "method_not_allowed");
        assertThat(deleteSession.headers().allValues("Allow")).containsExactly("GET");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/api", "/api/unknown", "/health/", "/api/auth/send-otp/x", "/API/ME", "/api/me%2F"})
    void unknownPathsAre404(String path) {
        start();
        assertError(api.get(path), 404, "not_found");
    }

    @Test
    void everyAnswerIsUncacheable() {
        start();
        for (HttpResponse<String> response :
                List.of(api.get("/health"), api.get("/nope"), api.sendOtp(TENANT, "email", "ada@example.com"))) {
            assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        }
    }

    private static Map<String, Object> headersWithoutDate(HttpResponse<String> response) {
        Map<String, Object> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(response.headers().map());
        headers.remove("Date");
        return headers;
    }
}
