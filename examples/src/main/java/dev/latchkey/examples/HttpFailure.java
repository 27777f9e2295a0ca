package dev.latchkey.examples;

import java.util.Objects;

/** A failure of the HTTP layer itself (not of the facade), answered with its own status and error code. */
final class HttpFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Reply reply;

    private HttpFailure(Reply reply) {
        super(((Reply.ErrorBody) Objects.requireNonNull(reply.body())).message(), null, false, false);
        this.reply = reply;
    }

    static HttpFailure tooLarge(int limit) {
        return new HttpFailure(
                Reply.error(413, "request_too_large", "the request body must be at most " + limit + " bytes"));
    }

    static HttpFailure unsupportedMediaType() {
        return new HttpFailure(
                Reply.error(415, "unsupported_media_type", "send the request body as Content-Type: application/json"));
    }

    Reply reply() {
        return reply;
    }
}
