package dev.latchkey.auth.store.memory;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.internal.memory.ExpiringMap;
import dev.latchkey.auth.spi.SessionRecord;
import dev.latchkey.auth.spi.SessionStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SessionStore} in the memory of one process. {@link #rotate} is an atomic compare-and-set on the session,
 * and every session is also indexed by tenant and user, so listing or revoking a user's sessions touches only that
 * user's sessions.
 *
 * <p>Memory is bounded: at most {@code maxSessions} sessions are held. Expired sessions are removed a few at a time
 * on every write, from an expiry-ordered index, and all at once by {@link #purgeExpired}. When the store is full of
 * live sessions, {@link #create} fails with {@code UNAVAILABLE} (the login fails) instead of ending someone else's
 * session.
 *
 * <p>{@link #revokeAllForUser} revokes each of the user's sessions atomically, but not all of them as one step: a
 * session created by a concurrent login while it runs may survive it. {@link #create} takes the session's {@code
 * createdAt} as the current time for purging.
 */
public final class MemorySessionStore implements SessionStore {
    /** Default bound on held sessions. */
    public static final int DEFAULT_MAX_SESSIONS = 100_000;

    private record UserKey(String tenantId, UUID userId) {
        static UserKey of(SessionRecord session) {
            return new UserKey(session.tenantId(), session.userId());
        }
    }

    private static final Comparator<SessionRecord> OLDEST_FIRST =
            Comparator.comparing(SessionRecord::createdAt).thenComparing(SessionRecord::id);

    private final ConcurrentHashMap<UserKey, Set<String>> sessionIdsByUser = new ConcurrentHashMap<>();
    private final ExpiringMap<SessionRecord> sessions;

    /** A store with the default bound. */
    public MemorySessionStore() {
        this(DEFAULT_MAX_SESSIONS);
    }

    /**
     * A store holding at most {@code maxSessions} sessions.
     *
     * @throws IllegalArgumentException if the bound is below 1
     */
    public MemorySessionStore(int maxSessions) {
        this.sessions =
                new ExpiringMap<>("in-memory session store", maxSessions, SessionRecord::expiresAt, this::reindexUser);
    }

    @Override
    public void create(SessionRecord session) {
        Objects.requireNonNull(session, "session");
        sessions.compute(session.id(), session.createdAt(), (id, existing) -> {
            if (existing != null) {
                throw new AuthException(ErrorCode.CONFLICT, "session id already exists");
            }
            return session;
        });
    }

    @Override
    public Optional<SessionRecord> find(String sessionId) {
        return Optional.ofNullable(sessions.get(Objects.requireNonNull(sessionId, "sessionId")));
    }

    @Override
    public boolean rotate(
            String sessionId, String expectedTokenHash, String newTokenHash, Instant now, Instant newIdleExpiresAt) {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(expectedTokenHash, "expectedTokenHash");
        Objects.requireNonNull(newTokenHash, "newTokenHash");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(newIdleExpiresAt, "newIdleExpiresAt");
        boolean[] rotated = {false};
        sessions.compute(sessionId, now, (id, session) -> {
            rotated[0] = false;
            if (session == null || !session.isLiveAt(now)) {
                return null;
            }
            if (!Hashes.equalInConstantTime(session.tokenHash(), expectedTokenHash)) {
                return session;
            }
            rotated[0] = true;
            return new SessionRecord(
                    session.id(),
                    session.tenantId(),
                    session.userId(),
                    newTokenHash,
                    expectedTokenHash,
                    session.generation() + 1,
                    session.createdAt(),
                    now,
                    newIdleExpiresAt,
                    session.absoluteExpiresAt());
        });
        return rotated[0];
    }

    @Override
    public boolean revoke(String sessionId) {
        return sessions.remove(Objects.requireNonNull(sessionId, "sessionId"));
    }

    @Override
    public int revokeAllForUser(String tenantId, UUID userId, @Nullable String exceptSessionId) {
        int revoked = 0;
        for (String id : sessionIdsOf(tenantId, userId)) {
            if (!id.equals(exceptSessionId) && sessions.remove(id)) {
                revoked++;
            }
        }
        return revoked;
    }

    @Override
    public List<SessionRecord> listForUser(String tenantId, UUID userId, Instant now) {
        Objects.requireNonNull(now, "now");
        return sessionIdsOf(tenantId, userId).stream()
                .map(sessions::get)
                .filter(session -> session != null && session.isLiveAt(now))
                .sorted(OLDEST_FIRST)
                .toList();
    }

    @Override
    public int purgeExpired(Instant now) {
        return sessions.purgeExpired(Objects.requireNonNull(now, "now"));
    }

    /** Always answers: the store lives in this process. */
    @Override
    public void ping() {
        // Nothing can be unreachable.
    }

    int sessionCount() {
        return sessions.size();
    }

    int indexedUserCount() {
        return sessionIdsByUser.size();
    }

    private List<String> sessionIdsOf(String tenantId, UUID userId) {
        Set<String> ids = sessionIdsByUser.get(
                new UserKey(Objects.requireNonNull(tenantId, "tenantId"), Objects.requireNonNull(userId, "userId")));
        return ids == null ? List.of() : List.copyOf(ids);
    }

    /**
     * Keeps the per-user index in step with the sessions. Runs inside the session's lock, and each user's id set is
     * only changed inside {@code compute} on the index, so an emptied set is never dropped while an id is added.
     */
    private void reindexUser(String sessionId, SessionRecord before, SessionRecord after) {
        if (before == null && after != null) {
            sessionIdsByUser.compute(UserKey.of(after), (user, ids) -> {
                Set<String> updated = ids == null ? ConcurrentHashMap.newKeySet() : ids;
                updated.add(sessionId);
                return updated;
            });
        } else if (before != null && after == null) {
            sessionIdsByUser.computeIfPresent(UserKey.of(before), (user, ids) -> {
                ids.remove(sessionId);
                return ids.isEmpty() ? null : ids;
            });
        }
    }
}
