package dev.latchkey.auth;

import dev.latchkey.auth.spi.RevocationList;
import dev.latchkey.auth.spi.SessionRecord;
import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.spi.SessionWithUser;
import dev.latchkey.auth.spi.TokenIssuer;
import dev.latchkey.auth.spi.UserDatabase;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Everything about sessions once a user is known: start one (the single step every login method ends in), rotate
 * its refresh token, check it, guard routes, sign out, list and end a user's sessions. Stores arrive wrapped by
 * {@link FailClosed}, so a store failure is already {@code UNAVAILABLE} here.
 */
final class Sessions {
    private final AuthSettings settings;
    private final SessionStore sessions;
    /**
     * The host's user database itself (not wrapped), so that {@link SessionStore#findWithUser} can recognise its own
     * backend; the session store's wrapper turns its failures into {@code UNAVAILABLE}.
     */
    private final UserDatabase unguardedUsers;

    private final @Nullable RevocationList revocations;
    /** The route guard's lookup in {@link #revocations} under the host's outage policy. */
    private final @Nullable RevocationCheck revocationCheck;

    private final TokenIssuer tokens;
    private final RefreshTokens refreshTokens;
    private final Audit audit;
    private final Clock clock;

    Sessions(
            AuthSettings settings,
            SessionStore sessions,
            UserDatabase unguardedUsers,
            @Nullable RevocationList revocations,
            TokenIssuer tokens,
            RefreshTokens refreshTokens,
            Audit audit,
            Clock clock) {
        this.settings = settings;
        this.sessions = sessions;
        this.unguardedUsers = unguardedUsers;
        this.revocations = revocations;
        this.revocationCheck = revocations == null
                ? null
                : new RevocationCheck(revocations, settings.revocationOutagePolicy(), audit, clock);
        this.tokens = tokens;
        this.refreshTokens = refreshTokens;
        this.audit = audit;
        this.clock = clock;
    }

    /** Starts a session for a user who has just proven who they are, by whatever login method. */
    LoginResult start(User user, Instant now, boolean newUser) {
        String sessionId = PerThreadRandom.uuid().toString();
        byte[] secret = refreshTokens.newSecret();
        Instant absolute = now.plus(settings.refreshAbsoluteTtl());
        SessionRecord record = new SessionRecord(
                sessionId,
                user.tenantId(),
                user.id(),
                refreshTokens.hash(secret),
                null,
                0,
                now,
                now,
                earlier(now.plus(settings.refreshIdleTtl()), absolute),
                absolute);
        // Signed before the session is stored: a signer that fails (a KMS that is down) leaves no session behind.
        TokenPair tokens = pair(user, record, secret, now);
        sessions.create(record);
        audit.emit(new AuthEvent.LoggedIn(now, user.tenantId(), user.id(), sessionId));
        return new LoginResult(user, tokens, info(record), newUser);
    }

    /**
     * Rotates a refresh token. Reuse of a rotated token revokes the family (RFC 9700 §4.14.2), except a retry within
     * the grace window, which receives the very same successor.
     */
    LoginResult refresh(String refreshToken) {
        Instant now = clock.instant();
        RefreshTokens.Parsed presented = refreshTokens.parse(refreshToken);
        SessionWithUser found =
                sessions.findWithUser(presented.sessionId(), unguardedUsers).orElseThrow(AccessTokens::invalid);
        SessionRecord family = found.session();
        if (!family.isLiveAt(now)) {
            throw AccessTokens.invalid();
        }
        String presentedHash = refreshTokens.hash(presented.secret());
        byte[] successor = refreshTokens.successor(presented.sessionId(), presented.secret());
        String successorHash = refreshTokens.hash(successor);
        // The family's state after this refresh, known without reading it back; null when the token is refused.
        SessionRecord current = null;
        if (RefreshTokens.sameHash(presentedHash, family.tokenHash())) {
            Instant idle = earlier(now.plus(settings.refreshIdleTtl()), family.absoluteExpiresAt());
            if (sessions.rotate(presented.sessionId(), presentedHash, successorHash, now, idle)) {
                current = rotated(family, presentedHash, successorHash, now, idle);
            } else {
                SessionRecord after = sessions.find(presented.sessionId()).orElse(null);
                if (after == null || !after.isLiveAt(now)) {
                    // Signed out or expired while we rotated: refused, but nobody reused anything.
                    throw AccessTokens.invalid();
                }
                current = isGraceRetry(after, presentedHash, successorHash, now) ? after : null;
            }
        } else if (isGraceRetry(family, presentedHash, successorHash, now)) {
            current = family;
        }
        if (current == null) {
            end(family.id(), now);
            audit.emit(new AuthEvent.RefreshReuseDetected(now, family.tenantId(), family.userId(), family.id()));
            throw AccessTokens.invalid();
        }
        // Read with the session, before the rotation: one round trip fewer, and a user deactivated since ends here too.
        User user = found.user();
        if (user == null || !user.active()) {
            // Deactivated outside the library: the session ends here, and so do its access tokens at the guard.
            end(family.id(), now);
            throw AccessTokens.invalid();
        }
        audit.emit(new AuthEvent.Refreshed(now, family.tenantId(), family.userId(), family.id()));
        return new LoginResult(user, pair(user, current, successor, now), info(current), false);
    }

    /** Verifies an access token and that its session is live and its user active. */
    SessionView check(String accessToken) {
        Instant now = clock.instant();
        AuthPrincipal principal = tokens.verify(accessToken, now);
        SessionWithUser found =
                sessions.findWithUser(principal.sessionId(), unguardedUsers).orElseThrow(AccessTokens::invalid);
        SessionRecord family = liveSession(found.session(), principal, now);
        User user = found.user();
        if (user == null || !user.active()) {
            throw AccessTokens.invalid();
        }
        return new SessionView(user, info(family), principal);
    }

    /**
     * The route guard: signature and claims, then the revocation list when there is one, under the host's outage
     * policy for it ({@link RevocationCheck}).
     */
    AuthPrincipal authenticate(String accessToken) {
        AuthPrincipal principal = tokens.verify(accessToken, clock.instant());
        if (revocationCheck != null && revocationCheck.isRevoked(principal.sessionId())) {
            throw AccessTokens.invalid();
        }
        return principal;
    }

    AuthPrincipal verify(String accessToken) {
        return tokens.verify(accessToken, clock.instant());
    }

    int signOut(String accessToken, SignOutScope scope) {
        Instant now = clock.instant();
        AuthPrincipal principal = tokens.verify(accessToken, now);
        // Only a live session may sign out: a token whose own session already ended must not end the others.
        requireLiveSession(principal, now);
        int ended;
        if (scope == SignOutScope.LOCAL) {
            // Denied before it is ended (see end()): a sign-out that fails leaves the session live, so the client's
            // retry finds it and completes, instead of finding it gone while its access token still passes the guard.
            denyAccessTokens(principal.sessionId(), now);
            ended = sessions.revoke(principal.sessionId()) ? 1 : 0;
        } else {
            for (SessionRecord record : sessions.listForUser(principal.tenantId(), principal.userId(), now)) {
                if (scope == SignOutScope.GLOBAL || !record.id().equals(principal.sessionId())) {
                    denyAccessTokens(record.id(), now);
                }
            }
            ended = sessions.revokeAllForUser(
                    principal.tenantId(),
                    principal.userId(),
                    scope == SignOutScope.OTHERS ? principal.sessionId() : null);
        }
        audit.emit(new AuthEvent.SignedOut(
                now, principal.tenantId(), principal.userId(), principal.sessionId(), scope, ended));
        return ended;
    }

    List<SessionInfo> list(String tenant, UUID userId) {
        return sessions.listForUser(tenant, userId, clock.instant()).stream()
                .map(Sessions::info)
                .toList();
    }

    /** Ends every session of a user who was just deactivated, and denies their access tokens. */
    int endAll(String tenant, UUID userId, Instant now) {
        for (SessionRecord record : sessions.listForUser(tenant, userId, now)) {
            denyAccessTokens(record.id(), now);
        }
        return sessions.revokeAllForUser(tenant, userId, null);
    }

    /**
     * Every path that ends a session also denies its access tokens at the route guard, and denies them first: the
     * two writes go to different stores (sessions in PostgreSQL, the deny-list in Redis, say), and if the second
     * fails the call reports UNAVAILABLE. Denied first, a failure leaves a live session that a retry ends properly;
     * ended first, it would leave a session the retry cannot find (so it refuses) whose access tokens still pass
     * {@link #authenticate} until they expire.
     */
    private void end(String sessionId, Instant now) {
        denyAccessTokens(sessionId, now);
        sessions.revoke(sessionId);
    }

    private void denyAccessTokens(String sessionId, Instant now) {
        if (revocations != null) {
            revocations.revoke(sessionId, now.plus(settings.accessTokenTtl()).plus(settings.clockSkew()), now);
        }
    }

    private void requireLiveSession(AuthPrincipal principal, Instant now) {
        liveSession(sessions.find(principal.sessionId()).orElseThrow(AccessTokens::invalid), principal, now);
    }

    private static SessionRecord liveSession(SessionRecord family, AuthPrincipal principal, Instant now) {
        if (!family.isLiveAt(now)
                || !family.userId().equals(principal.userId())
                || !family.tenantId().equals(principal.tenantId())) {
            throw AccessTokens.invalid();
        }
        return family;
    }

    private TokenPair pair(User user, SessionRecord session, byte[] refreshSecret, Instant now) {
        TokenIssuer.AccessToken access = tokens.issue(user, session.id(), now);
        return new TokenPair(
                access.token(),
                refreshTokens.encode(session.id(), refreshSecret),
                access.expiresAt(),
                session.absoluteExpiresAt());
    }

    /**
     * Whether the presented hash is the family's previous token, rotated within the grace window into exactly the
     * successor this request derived; only then may the same successor be handed out again.
     */
    private boolean isGraceRetry(SessionRecord record, String presentedHash, String successorHash, Instant now) {
        if (record.previousTokenHash() == null || !record.isLiveAt(now)) {
            return false;
        }
        boolean inGrace = !now.isAfter(record.lastRotatedAt().plus(settings.refreshReuseGrace()));
        return inGrace
                && RefreshTokens.sameHash(presentedHash, record.previousTokenHash())
                && RefreshTokens.sameHash(successorHash, record.tokenHash());
    }

    private static SessionRecord rotated(
            SessionRecord family, String presentedHash, String successorHash, Instant now, Instant idle) {
        return new SessionRecord(
                family.id(),
                family.tenantId(),
                family.userId(),
                successorHash,
                presentedHash,
                family.generation() + 1,
                family.createdAt(),
                now,
                idle,
                family.absoluteExpiresAt());
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    static SessionInfo info(SessionRecord r) {
        return new SessionInfo(
                r.id(),
                r.tenantId(),
                r.userId(),
                r.createdAt(),
                r.lastRotatedAt(),
                r.expiresAt(),
                r.absoluteExpiresAt());
    }
}
