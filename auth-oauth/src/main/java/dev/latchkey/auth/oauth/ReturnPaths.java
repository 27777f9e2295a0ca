package dev.latchkey.auth.oauth;

import dev.latchkey.auth.oauth.OAuthException.Reason;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The allow-list of paths a flow may return to (open-redirect defence, RFC 9700 §4.11.1): only same-origin absolute
 * paths, each exactly one of the configured ones, so no scheme, host, protocol-relative {@code //} or backslash trick,
 * encoded or not, ever reaches a {@code Location} header.
 */
final class ReturnPaths {
    private final Set<String> allowed;

    ReturnPaths(Set<String> allowed) {
        for (String path : allowed) {
            if (!isPlainPath(path)) {
                throw new IllegalArgumentException("allowed return paths must be plain absolute paths such as /app");
            }
        }
        this.allowed = Set.copyOf(allowed);
    }

    String check(@Nullable String requested) {
        if (requested == null || !isPlainPath(requested) || !allowed.contains(requested)) {
            throw new OAuthException(Reason.RETURN_PATH_REFUSED, "the return path is not allowed");
        }
        return requested;
    }

    private static boolean isPlainPath(@Nullable String path) {
        if (path == null || path.isEmpty() || path.length() > 256 || path.charAt(0) != '/') {
            return false;
        }
        if (path.startsWith("//")) {
            return false;
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '/'
                    || c == '-'
                    || c == '_'
                    || c == '.';
            if (!ok) {
                // No '\\' (browsers read it as '/'), '%' (encoded tricks), ':' , '?', '#', '@' or controls.
                return false;
            }
        }
        return !path.contains("/../") && !path.endsWith("/..");
    }
}
