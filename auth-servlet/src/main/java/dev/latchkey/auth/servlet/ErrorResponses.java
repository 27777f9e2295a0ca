package dev.latchkey.auth.servlet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP answers of Latchkey's servlet filter and endpoints, and of integrations built on them: JSON bodies
 * {@code {"error":"<code>","message":"<text>"}}, {@code Cache-Control: no-store} on everything, {@code Retry-After}
 * for throttling and {@code WWW-Authenticate} for refused tokens (RFC 6750 §3).
 */
public final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    /** The only message a client gets for a backend failure; the details go to the log. */
    public static final String BACKEND_UNAVAILABLE = "a backend is unavailable; try again later";

    /** {@code WWW-Authenticate} of a missing, malformed, expired or revoked token. */
    public static final String INVALID_TOKEN_CHALLENGE = "Bearer error=\"invalid_token\"";

    /** {@code WWW-Authenticate} of a valid token without the required role or permission. */
    public static final String INSUFFICIENT_SCOPE_CHALLENGE = "Bearer error=\"insufficient_scope\"";

    static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private ErrorResponses() {}

    /**
     * Answers a facade failure: its status and code, {@code Retry-After} in whole seconds when it has one, {@code
     * WWW-Authenticate} for {@code invalid_token} and {@code forbidden}; for 5xx a generic message, the details logged.
     */
    public static void write(HttpServletResponse response, AuthException failure) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        failure.retryAfter().ifPresent(wait -> headers.put("Retry-After", Long.toString(wholeSeconds(wait))));
        if (failure.errorCode() == ErrorCode.INVALID_TOKEN) {
            headers.put("WWW-Authenticate", INVALID_TOKEN_CHALLENGE);
        } else if (failure.errorCode() == ErrorCode.FORBIDDEN) {
            headers.put("WWW-Authenticate", INSUFFICIENT_SCOPE_CHALLENGE);
        }
        // Every AuthException has a message; Throwable.getMessage() does not promise one.
        String message = Objects.requireNonNullElse(failure.getMessage(), failure.code());
        if (failure.httpStatus() >= 500) {
            // Store messages name the backend and its state: useful to the operator, not to a client.
            LOG.warn("request failed: {}", failure.getMessage(), failure);
            message = BACKEND_UNAVAILABLE;
        }
        write(response, failure.httpStatus(), failure.code(), message, headers);
    }

    /** Answers {@code status} with the error body and the given extra headers. */
    public static void write(
            HttpServletResponse response, int status, String code, String message, Map<String, String> headers)
            throws IOException {
        response.resetBuffer();
        response.setStatus(status);
        noStore(response);
        headers.forEach(response::setHeader);
        // A map, not a record: Jackson may not reflect into this module's classes (the package is not opened).
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        writeJson(response, body);
    }

    /**
     * Answers {@code status} with {@code body} as JSON and {@code Cache-Control: no-store}, as the auth endpoints
     * answer; for hosts that serve further endpoints beside them. {@code body} should be maps, lists and plain values.
     */
    public static void writeJson(HttpServletResponse response, int status, Object body) throws IOException {
        response.setStatus(status);
        noStore(response);
        writeJson(response, body);
    }

    /** Token answers must not be cached (RFC 6749 §5.1); nothing Latchkey answers is worth caching. */
    static void noStore(HttpServletResponse response) {
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
    }

    static void writeJson(HttpServletResponse response, Object body) throws IOException {
        byte[] bytes = MAPPER.writeValueAsBytes(body);
        response.setContentType("application/json; charset=utf-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** Rounded up, so a client that waits exactly this long is not refused again. */
    static long wholeSeconds(Duration wait) {
        long seconds = wait.toSeconds();
        return wait.toNanosPart() > 0 || seconds == 0 ? seconds + 1 : seconds;
    }
}
