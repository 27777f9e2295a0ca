package dev.latchkey.auth.spi;

import java.time.Instant;

/**
 * An optional deny-list of sessions whose access tokens must stop working before they expire. When configured, the
 * facade adds every signed-out or revoked session id, kept until {@code expiresAt} (the latest moment an access
 * token of that session could still be valid), and {@code authenticate} consults it with one lookup.
 *
 * <p>Without one, {@code authenticate} is purely stateless (signature and claims) and only {@code session} notices a
 * sign-out, through the session store.
 */
public interface RevocationList extends Store {

    /** Denies access tokens of the session until {@code expiresAt}; {@code now} is the caller's clock. */
    void revoke(String sessionId, Instant expiresAt, Instant now);

    /** {@code true} if access tokens of the session are denied. */
    boolean isRevoked(String sessionId);
}
