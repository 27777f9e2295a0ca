package dev.latchkey.auth.spring;

import dev.latchkey.auth.LoginResult;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Short-lived, single-use codes that stand for a finished external sign-in, so that no token travels in a URL: the
 * callback redirects the browser with a code, the page trades it for the token pair with a POST. In memory, as in the
 * example server: a code must be redeemed on the instance that issued it (sticky sessions, or one instance).
 */
final class ExchangeCodes {
    static final Duration TTL = Duration.ofSeconds(60);
    private static final int MAX_PENDING = 10_000;

    private record Pending(LoginResult login, Instant expiresAt) {}

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    ExchangeCodes(Clock clock) {
        this.clock = clock;
    }

    /** A new code for the sign-in, valid for {@link #TTL}. */
    String issue(LoginResult login) {
        Instant now = clock.instant();
        pending.values().removeIf(p -> !now.isBefore(p.expiresAt()));
        if (pending.size() >= MAX_PENDING) {
            throw new IllegalStateException("too many pending sign-ins");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String code = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        pending.put(code, new Pending(login, now.plus(TTL)));
        return code;
    }

    /** The sign-in of a live code, which is consumed: a second redemption finds nothing. */
    Optional<LoginResult> redeem(String code) {
        Pending p = pending.remove(code);
        return p == null || !clock.instant().isBefore(p.expiresAt()) ? Optional.empty() : Optional.of(p.login());
    }
}
