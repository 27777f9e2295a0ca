package dev.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A small HTTP client for the example server's JSON API. */
final class Api {
    private volatile String lastChallengeId = "AAAAAAAAAAAAAAAAAAAAAA";

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI base;

    Api(URI base) {
        this.base = base;
    }

    HttpResponse<String> post(String path, String body) {
        return send(request(path).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResponse<String> post(String path, String body, String accessToken) {
        return send(request(path)
                .header("Authorization", "Bearer " + accessToken)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET());
    }

    HttpResponse<String> get(String path, String accessToken) {
        return send(
                request(path).header("Authorization", "Bearer " + accessToken).GET());
    }

    HttpRequest.Builder request(String path) {
        return requestWithoutContentType(path).header("Content-Type", "application/json");
    }

    HttpRequest.Builder requestWithoutContentType(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20));
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends a code, keeping the challenge id of an accepted request as the page that asked would. */
    HttpResponse<String> sendOtp(String tenant, String field, String destination) {
        HttpResponse<String> response = post("/api/auth/send-otp", json("tenantId", tenant, field, destination));
        if (response.statusCode() == 202) {
            lastChallengeId = body(response).path("challengeId").asText();
        }
        return response;
    }

    /** Verifies a code with the challenge id of the last accepted send-otp. */
    HttpResponse<String> verifyOtp(String tenant, String field, String destination, String code) {
        return post(
                "/api/auth/verify-otp",
                json("tenantId", tenant, field, destination, "challengeId", lastChallengeId, "code", code));
    }

    HttpResponse<String> refresh(String refreshToken) {
        return post("/api/auth/refresh", json("refreshToken", refreshToken));
    }

    /** A JSON object from name/value pairs. */
    static String json(String... pairs) {
        Map<String, String> object = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            object.put(pairs[i], pairs[i + 1]);
        }
        try {
            return JSON.writeValueAsString(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode body(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    /** Asserts the status and the uniform error body {@code {"error","message"}}, nothing else in it. */
    static JsonNode assertError(HttpResponse<String> response, int status, String error) {
        assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        JsonNode body = body(response);
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("message").isTextual()).isTrue();
        assertThat(body.size()).as("fields of %s", response.body()).isEqualTo(2);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        return body;
    }

    /** A 401 of a Bearer endpoint: invalid_token with the RFC 6750 challenge. */
    static void assertBearerChallenge(HttpResponse<String> response) {
        assertError(response, 401, "invalid_token");
        assertThat(response.headers().allValues("WWW-Authenticate")).containsExactly("Bearer error=\"invalid_token\"");
    }
}
