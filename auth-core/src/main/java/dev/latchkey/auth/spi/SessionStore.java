package dev.latchkey.auth.spi;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Keeps refresh-token families (login sessions). Rotation is a compare-and-set: of N concurrent rotations from the
 * same current hash, exactly one succeeds.
 *
 * <p>Contract tests: {@code dev.latchkey.auth.testkit.SessionStoreContract}.
 */
public interface SessionStore extends Store {

    /** Stores a new session. Ids are random and never reused. */
    void create(SessionRecord session);

    /** The session with this id; stores may or may not return one that has expired (the core checks). */
    Optional<SessionRecord> find(String sessionId);

    /**
     * The session with this id together with its user, for the checks that need both ({@code session()} and
     * {@code refresh}). The default asks {@link #find} and then {@code users.findById}: two round trips. A store that
     * keeps users next to its sessions (PostgreSQL, when {@code users} is its own bundle's; Redis, when {@code users}
     * is its bundle's user cache and the record is cached) answers in one.
     *
     * @param users the facade's user database, where the default looks the user up
     */
    default Optional<SessionWithUser> findWithUser(String sessionId, UserDatabase users) {
        Optional<SessionRecord> session = find(sessionId);
        if (session.isEmpty()) {
            return Optional.empty();
        }
        SessionRecord record = session.get();
        return Optional.of(new SessionWithUser(
                record, users.findById(record.tenantId(), record.userId()).orElse(null)));
    }

    /**
     * Atomically rotates the family if, and only if, it exists, its current token hash equals {@code
     * expectedTokenHash} and {@code now} is before its expiry. On success the previous hash becomes {@code
     * expectedTokenHash}, the current one {@code newTokenHash}, the generation grows by one, {@code lastRotatedAt}
     * becomes {@code now} and the idle expiry becomes {@code newIdleExpiresAt} (the core never passes a value past
     * the absolute expiry).
     *
     * @return {@code true} if this call rotated the family
     */
    boolean rotate(
            String sessionId, String expectedTokenHash, String newTokenHash, Instant now, Instant newIdleExpiresAt);

    /**
     * Deletes the session; its refresh tokens stop working and its access tokens fail session checks.
     *
     * @return {@code true} if a session was deleted
     */
    boolean revoke(String sessionId);

    /**
     * Deletes every session of the user, except {@code exceptSessionId} when it is not {@code null}.
     *
     * @return how many sessions were deleted
     */
    int revokeAllForUser(String tenantId, UUID userId, @Nullable String exceptSessionId);

    /** The user's live sessions ({@code now} before their expiry), oldest first. */
    List<SessionRecord> listForUser(String tenantId, UUID userId, Instant now);

    /** Removes expired sessions; returns how many. Stores with native expiry may return 0. */
    default int purgeExpired(Instant now) {
        return 0;
    }
}
