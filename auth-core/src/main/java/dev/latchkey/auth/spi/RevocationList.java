package dev.latchkey.auth.spi;

import java.time.Instant;
import java.util.Optional;

/**
 * An optional deny-list of sessions whose access tokens must stop working before they expire. When configured, the
 * facade adds every signed-out or revoked session id, kept until {@code expiresAt} (the latest moment an access
 * token of that session could still be valid), and {@code authenticate} consults it with one lookup.
 *
 * <p>Without one, {@code authenticate} is purely stateless (signature and claims) and only {@code session} notices a
 * sign-out, through the session store.
 *
 * <p>A list shared by several instances may offer a {@link RevocationFeed} ({@link #feed()}); the facade then keeps a
 * local mirror of the list and {@code authenticate} costs no round trip while the feed is live.
 */
public interface RevocationList extends Store {

    /** Denies access tokens of the session until {@code expiresAt}; {@code now} is the caller's clock. */
    void revoke(String sessionId, Instant expiresAt, Instant now);

    /** {@code true} if access tokens of the session are denied. */
    boolean isRevoked(String sessionId);

    /**
     * The change feed of this list, if it has one: lists shared through a server that can publish changes (Redis
     * Pub/Sub, PostgreSQL {@code LISTEN/NOTIFY}) should offer it. Empty by default, and for lists that live in the
     * facade's own process anyway.
     */
    default Optional<RevocationFeed> feed() {
        return Optional.empty();
    }
}
