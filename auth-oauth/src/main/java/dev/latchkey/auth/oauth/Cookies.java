package dev.latchkey.auth.oauth;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Reads one cookie from a {@code Cookie} request header (RFC 6265 §5.4: {@code name=value} pairs joined by "; "). */
final class Cookies {
    private Cookies() {}

    static Optional<String> value(@Nullable String header, String name) {
        if (header == null || header.length() > 16_384) {
            return Optional.empty();
        }
        for (String pair : header.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
                return Optional.of(pair.substring(eq + 1).trim());
            }
        }
        return Optional.empty();
    }
}
