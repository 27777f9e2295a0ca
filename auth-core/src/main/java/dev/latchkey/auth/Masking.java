package dev.latchkey.auth;

import org.jspecify.annotations.Nullable;

/** Masks addresses for logs and {@code toString}: {@code j***@example.com}, {@code +1******0123}. */
final class Masking {
    private Masking() {}

    // A null address is shown as "null", exactly as the string concatenation in toString would show it.
    static String email(@Nullable String email) {
        if (email == null) {
            return "null";
        }
        int at = email.indexOf('@');
        return at < 1 ? "***" : email.charAt(0) + "***" + email.substring(at);
    }

    static String mobile(@Nullable String mobile) {
        if (mobile == null) {
            return "null";
        }
        int keepStart = Math.min(2, mobile.length());
        int keepEnd = Math.min(4, Math.max(0, mobile.length() - keepStart));
        return mobile.substring(0, keepStart)
                + "*".repeat(mobile.length() - keepStart - keepEnd)
                + mobile.substring(mobile.length() - keepEnd);
    }
}
