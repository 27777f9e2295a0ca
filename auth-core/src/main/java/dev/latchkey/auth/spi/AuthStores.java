package dev.latchkey.auth.spi;

import java.util.Optional;

/**
 * One backend's stores together, as every store module offers them ({@code MemoryStores}, {@code PostgresStores},
 * {@code RedisStores}): pass a bundle to {@code AuthFacade.Builder#stores} and moving from one backend to another
 * changes one line of host code. Single stores can still be overridden on the builder afterwards, for example users in
 * PostgreSQL and codes in Redis.
 */
public interface AuthStores {
    /** Where users live. */
    UserDatabase users();

    /** Pending one-time codes. */
    OTPStore otp();

    /** The counters behind send throttles and failure budgets. */
    RateLimitStore rateLimits();

    /** Refresh-token families (sessions). */
    SessionStore sessions();

    /**
     * The deny-list for access tokens of ended sessions, when the backend offers one; the facade then uses it in
     * {@code authenticate}.
     */
    Optional<RevocationList> revocations();

    /**
     * Links of external identities (OAuth / OpenID Connect sign-in) to users, when the backend keeps them; the facade
     * then offers {@code signInWithExternalIdentity}. Empty by default.
     */
    default Optional<ExternalIdentityStore> externalIdentities() {
        return Optional.empty();
    }
}
