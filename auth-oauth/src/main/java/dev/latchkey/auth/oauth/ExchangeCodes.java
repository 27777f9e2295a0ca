package dev.latchkey.auth.oauth;

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
 * Short-lived, single-use codes that stand for a finished external sign-in, so that no token ever travels in a URL
 * (RFC 9700 §4.3.2: no credentials in the front channel): the host's callback redirects the browser to its page with a
 * code, and the page trades the code for the token pair with a POST. Kept in memory, so a code must be redeemed on the
 * instance that issued it (one instance, or sticky sessions). Thread-safe.
 */
public final class ExchangeCodes {
    /** How long a code can be redeemed. */
    public static final Duration TTL = Duration.ofSeconds(60);

    private static final int MAX_PENDING = 10_000;

    private record Pending(LoginResult login, Instant expiresAt) {}

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    /** Codes timed by the host's clock. */
    public ExchangeCodes(Clock clock) {
        this.clock = clock;
    }

    /**
     * A new code for the sign-in, valid for {@link #TTL}.
     *
     * @throws IllegalStateException when 10,000 sign-ins are pending (a flood of callbacks)
     */
    public String issue(LoginResult login) {
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
    public Optional<LoginResult> redeem(String code) {
        Pending p = pending.remove(code);
        return p == null || !clock.instant().isBefore(p.expiresAt()) ? Optional.empty() : Optional.of(p.login());
    }
}
