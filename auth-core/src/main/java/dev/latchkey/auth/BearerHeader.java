package dev.latchkey.auth;

/** Reads the token out of an {@code Authorization: Bearer <token>} header value. */
final class BearerHeader {
    private BearerHeader() {}

    static String token(String header) {
        if (header == null || header.length() > Inputs.MAX_TOKEN + 16) {
            throw AccessTokens.invalid();
        }
        String trimmed = header.strip();
        // RFC 6750 §2.1: the scheme is case-insensitive.
        if (trimmed.length() < 8 || !trimmed.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw AccessTokens.invalid();
        }
        return trimmed.substring(7).strip();
    }
}
