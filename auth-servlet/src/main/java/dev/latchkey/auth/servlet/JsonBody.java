package dev.latchkey.auth.servlet;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.latchkey.auth.AuthException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A request's JSON object body, read with a hard size bound, and typed access to its fields; the rules of the
 * example server's {@code JsonRequest}: a body must be declared {@code application/json} ({@code 415} otherwise, so a
 * cross-site form post cannot reach the endpoints without a CORS preflight), at most 64 KiB ({@code 413}), an object
 * without duplicate fields, with string fields ({@code 400 invalid_request}, naming the field, never its value).
 */
final class JsonBody {
    static final int MAX_BODY_BYTES = 64 * 1024;

    private static final ObjectMapper STRICT = JsonMapper.builder()
            // Two values for one field would make "which one did the server use" ambiguous: refuse them.
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final JsonNode body;

    private JsonBody(JsonNode body) {
        this.body = body;
    }

    /** The body as a JSON object; an absent body is refused. */
    static JsonBody read(HttpServletRequest request) throws IOException {
        return readOptional(request)
                .orElseThrow(() -> AuthException.invalidRequest("the request body must be a JSON object"));
    }

    /** The body as a JSON object, or empty when the request has none. */
    static Optional<JsonBody> readOptional(HttpServletRequest request) throws IOException {
        if (declaresBody(request) && !isJson(request.getContentType())) {
            throw new HttpFailure(
                    415, "unsupported_media_type", "send the request body as Content-Type: application/json");
        }
        if (request.getContentLengthLong() > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        byte[] bytes = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        if (bytes.length == 0) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = STRICT.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw AuthException.invalidRequest("the request body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw AuthException.invalidRequest("the request body must be a JSON object");
        }
        return Optional.of(new JsonBody(node));
    }

    private static boolean declaresBody(HttpServletRequest request) {
        return request.getHeader("Transfer-Encoding") != null || request.getContentLengthLong() > 0;
    }

    /** {@code application/json}, in any case, with or without parameters such as {@code charset=utf-8}. */
    private static boolean isJson(@Nullable String contentType) {
        if (contentType == null) {
            return false;
        }
        int parameters = contentType.indexOf(';');
        String mediaType = parameters < 0 ? contentType : contentType.substring(0, parameters);
        return mediaType.trim().equalsIgnoreCase("application/json");
    }

    private static HttpFailure tooLarge() {
        return new HttpFailure(
                413, "request_too_large", "the request body must be at most " + MAX_BODY_BYTES + " bytes");
    }

    /** A string field that must be present. */
    String requiredText(String field) {
        return optionalText(field).orElseThrow(() -> AuthException.invalidRequest(field + " is required"));
    }

    /** A string field that may be absent or {@code null}; any other type is refused. */
    Optional<String> optionalText(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw AuthException.invalidRequest(field + " must be a string");
        }
        return Optional.of(value.textValue());
    }

    /** A failure of the HTTP layer itself (not of the facade), with its own status and error code. */
    static final class HttpFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        final int status;
        final String code;
        final String text;

        HttpFailure(int status, String code, String text) {
            super(text, null, false, false);
            this.status = status;
            this.code = code;
            this.text = text;
        }
    }
}
