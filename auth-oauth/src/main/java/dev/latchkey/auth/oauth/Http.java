package dev.latchkey.auth.oauth;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.latchkey.auth.oauth.OAuthException.Reason;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Outbound HTTP to providers through {@link HttpClient}, with connect and request timeouts, no redirects followed and
 * bounded bodies: a provider that is down or slow is {@link Reason#PROVIDER_UNAVAILABLE} ({@code UNAVAILABLE}), never a
 * hang.
 */
final class Http {
    /** Discovery documents, key sets and token responses are a few kilobytes. */
    static final int MAX_BODY = 512 * 1024;

    record Response(int status, String contentType, String body) {}

    private final HttpClient client;
    private final Duration requestTimeout;

    Http(Duration connectTimeout, Duration requestTimeout) {
        this.client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.requestTimeout = requestTimeout;
    }

    Response get(URI uri, String accept) {
        return send(HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Accept", accept)
                .GET()
                .build());
    }

    Response get(URI uri, String accept, String authorization) {
        return send(HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Accept", accept)
                .header("Authorization", authorization)
                .GET()
                .build());
    }

    Response postForm(URI uri, Map<String, String> headers, String form) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8));
        headers.forEach((name, value) -> {
            if (!name.equalsIgnoreCase("Content-Type")) {
                request.header(name, value);
            }
        });
        return send(request.build());
    }

    /** A JSON object from a 200 answer; any other answer or a malformed body is the provider being unavailable. */
    Map<String, Object> getJson(URI uri, String what) {
        Response response = get(uri, "application/json");
        if (response.status() != 200) {
            throw unavailable(what + " answered HTTP " + response.status(), null);
        }
        try {
            return JSONObjectUtils.parse(response.body());
        } catch (ParseException e) {
            throw unavailable(what + " is not a JSON object", e);
        }
    }

    private Response send(HttpRequest request) {
        try {
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            byte[] body = response.body();
            if (body.length > MAX_BODY) {
                throw unavailable("the provider's answer is too large", null);
            }
            return new Response(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw unavailable("the provider could not be reached", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while calling the provider", e);
        }
    }

    static OAuthException unavailable(String message, @Nullable Throwable cause) {
        return new OAuthException(Reason.PROVIDER_UNAVAILABLE, message, cause);
    }
}
