package dev.latchkey.examples;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import dev.latchkey.auth.AuthException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * A request's JSON object body, read with a hard size bound, and typed access to its fields. A body not declared as
 * {@code application/json} is {@code 415}; malformed JSON, a body
 * that is not an object, and missing or non-string fields are {@code 400 invalid_request}; messages name the field
 * but never echo its value.
 */
final class JsonRequest {
    /** Largest accepted body; more is {@code 413}. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    static final ObjectMapper MAPPER = JsonMapper.builder()
            // Two values for one field would make "which one did the server use" ambiguous: refuse them.
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final JsonNode body;

    private JsonRequest(JsonNode body) {
        this.body = body;
    }

    /** The body as a JSON object; an absent body is refused. */
    static JsonRequest read(HttpExchange exchange) throws IOException {
        return readOptional(exchange)
                .orElseThrow(() -> AuthException.invalidRequest("the request body must be a JSON object"));
    }

    /** The body as a JSON object, or empty when the request has no body at all. */
    static Optional<JsonRequest> readOptional(HttpExchange exchange) throws IOException {
        requireJsonIfBody(exchange.getRequestHeaders());
        byte[] bytes = boundedBody(exchange);
        if (bytes.length == 0) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (IOException e) {
            // Not only JsonProcessingException: a body Jackson takes for UTF-32 (it starts with zero bytes) fails
            // with a CharConversionException, which the router took for a broken connection and left unanswered
            // (found by JsonRequestFuzzTest). The body is in memory, so any IOException here is about its content.
            throw AuthException.invalidRequest("the request body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw AuthException.invalidRequest("the request body must be a JSON object");
        }
        return Optional.of(new JsonRequest(node));
    }

    /**
     * A body must be declared as JSON. A browser sends {@code text/plain}, form and multipart bodies cross-site
     * without asking the server first; {@code application/json} needs a CORS preflight this server never grants, so
     * another site cannot make its visitors' browsers send codes (SMS pumping) or sign-ins (ASVS 5.0 V3.5: browser
     * origin separation). Checked before reading, so a refused body is never read.
     */
    private static void requireJsonIfBody(Headers headers) {
        if (declaresBody(headers) && !isJson(headers.getFirst("Content-Type"))) {
            throw HttpFailure.unsupportedMediaType();
        }
    }

    /** Whether the request announces a body: chunked, or a length other than zero. */
    static boolean declaresBody(Headers headers) {
        String length = headers.getFirst("Content-Length");
        return headers.containsKey("Transfer-Encoding")
                || (length != null && !length.trim().equals("0"));
    }

    /** {@code application/json}, in any case, with or without parameters such as {@code charset=utf-8}. */
    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int parameters = contentType.indexOf(';');
        String mediaType = parameters < 0 ? contentType : contentType.substring(0, parameters);
        return mediaType.trim().equalsIgnoreCase("application/json");
    }

    /**
     * Reads at most {@link #MAX_BODY_BYTES} + 1 bytes, so an oversized or endless body costs a bounded amount of
     * memory (ASVS 5.0 V4.1: limit request size); a declared length over the limit is refused before reading.
     */
    private static byte[] boundedBody(HttpExchange exchange) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > MAX_BODY_BYTES) {
                    throw HttpFailure.tooLarge(MAX_BODY_BYTES);
                }
            } catch (NumberFormatException e) {
                // The JDK server has already refused malformed lengths; a chunked body is bounded below.
            }
        }
        InputStream in = exchange.getRequestBody();
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            throw HttpFailure.tooLarge(MAX_BODY_BYTES);
        }
        return bytes;
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
}
