package dev.latchkey.auth.store.memory;

import dev.latchkey.auth.spi.AuthStores;
import dev.latchkey.auth.spi.RevocationList;
import java.util.Optional;

/**
 * The in-memory stores together, for wiring an {@code AuthFacade} in one line:
 *
 * <pre>{@code
 * AuthFacade auth = AuthFacade.builder()
 *         .stores(MemoryStores.create())
 *         ...
 * }</pre>
 *
 * <p>State lives in this process only: it is lost on restart and not shared between instances of the application.
 * The bundle includes a revocation list, so {@code authenticate} refuses access tokens of signed-out sessions.
 */
public final class MemoryStores implements AuthStores {
    private final MemoryUserDatabase users;
    private final MemoryOTPStore otp;
    private final MemoryRateLimitStore rateLimits;
    private final MemorySessionStore sessions;
    private final MemoryRevocationList revocations;

    private MemoryStores(
            MemoryUserDatabase users,
            MemoryOTPStore otp,
            MemoryRateLimitStore rateLimits,
            MemorySessionStore sessions,
            MemoryRevocationList revocations) {
        this.users = users;
        this.otp = otp;
        this.rateLimits = rateLimits;
        this.sessions = sessions;
        this.revocations = revocations;
    }

    /** Empty stores with the default bounds. */
    public static MemoryStores create() {
        return new MemoryStores(
                new MemoryUserDatabase(),
                new MemoryOTPStore(),
                new MemoryRateLimitStore(),
                new MemorySessionStore(),
                new MemoryRevocationList());
    }

    /** The user database; the same instance on every call. */
    @Override
    public MemoryUserDatabase users() {
        return users;
    }

    /** The one-time-code store; the same instance on every call. */
    @Override
    public MemoryOTPStore otp() {
        return otp;
    }

    /** The throttle and failure-budget counters; the same instance on every call. */
    @Override
    public MemoryRateLimitStore rateLimits() {
        return rateLimits;
    }

    /** The refresh-session store; the same instance on every call. */
    @Override
    public MemorySessionStore sessions() {
        return sessions;
    }

    /** The access-token deny-list, always present; the same instance on every call. */
    @Override
    public Optional<RevocationList> revocations() {
        return Optional.of(revocations);
    }
}
