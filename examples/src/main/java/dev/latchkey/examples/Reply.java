package dev.latchkey.examples;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What an endpoint answers: a status, a JSON body ({@code null} for none) and extra headers.
 *
 * @param status the HTTP status
 * @param body a value Jackson can write, or {@code null} for an empty body
 * @param headers headers beyond the ones every response gets
 */
record Reply(int status, @Nullable Object body, Map<String, String> headers) {
    Reply {
        headers = Map.copyOf(headers);
    }

    static Reply json(int status, Object body) {
        return new Reply(status, body, Map.of());
    }

    static Reply noContent() {
        return new Reply(204, null, Map.of());
    }

    /** The error body of every failure: {@code {"error":"<code>","message":"<text>"}}. */
    static Reply error(int status, String code, String message) {
        return error(status, code, message, Map.of());
    }

    static Reply error(int status, String code, String message, Map<String, String> headers) {
        return new Reply(status, new ErrorBody(code, message), headers);
    }

    /** Serialised in this order: {@code error}, then {@code message}. */
    record ErrorBody(String error, String message) {}
}
