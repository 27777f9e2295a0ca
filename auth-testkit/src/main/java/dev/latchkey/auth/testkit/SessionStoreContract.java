package dev.latchkey.auth.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.spi.SessionRecord;
import dev.latchkey.auth.spi.SessionStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link SessionStore} must meet. Extend it from a test class of your store module and return
 * the store under test:
 *
 * <pre>{@code
 * class PostgresSessionStoreTest extends SessionStoreContract {
 *     private static final SessionStore STORE = new PostgresSessionStore(sharedDataSource());
 *
 *     @Override
 *     protected SessionStore sessionStore() {
 *         return STORE;
 *     }
 * }
 * }</pre>
 *
 * <p>{@link #sessionStore()} is called at least once per test and may return the same instance every time. Every
 * test uses freshly generated session ids, tenants and users, so the suite runs against a shared backend without
 * cleanup between tests. Time never comes from a clock: every instant is a fixed base in 2030 plus whole seconds.
 *
 * <p>The central case is rotation as a compare-and-set: 50 threads rotating one family from the same current hash
 * must yield exactly one success, and the stored hash must be the winner's.
 */
public abstract class SessionStoreContract {
    private static final Instant BASE = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration IDLE = Duration.ofDays(7);
    private static final Duration ABSOLUTE = Duration.ofDays(30);
    private static final int THREADS = 50;
    /** Default for {@link #concurrencyRounds()}. */
    protected static final int DEFAULT_CONCURRENCY_ROUNDS = 10;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The store under test. */
    protected abstract SessionStore sessionStore();

    /**
     * How many times each concurrency case runs, each time on fresh keys. A race window is narrow, so one run may
     * miss it; repeating makes a non-atomic store fail reliably. Defaults to {@value #DEFAULT_CONCURRENCY_ROUNDS}.
     */
    protected int concurrencyRounds() {
        return DEFAULT_CONCURRENCY_ROUNDS;
    }

    private final String tenant = "tenant-" + UUID.randomUUID();
    private final UUID user = UUID.randomUUID();

    @Test
    public void createdSessionCanBeFound() {
        SessionRecord session = newSession(tenant, user, at(0));

        sessionStore().create(session);

        assertThat(sessionStore().find(session.id()))
                .as("a created session must be found unchanged")
                .contains(session);
    }

    @Test
    public void findOfUnknownSessionIsEmpty() {
        assertThat(sessionStore().find(newId()))
                .as("find of an unknown session id must be empty")
                .isEmpty();
    }

    @Test
    public void rotateWithTheCurrentHashAdvancesTheFamily() {
        SessionRecord session = newSession(tenant, user, at(0));
        sessionStore().create(session);
        String next = newHash();
        Instant newIdleExpiry = at(60).plus(IDLE);

        boolean rotated = sessionStore().rotate(session.id(), session.tokenHash(), next, at(60), newIdleExpiry);

        assertThat(rotated)
                .as("rotate with the current token hash must succeed")
                .isTrue();
        assertThat(sessionStore().find(session.id()))
                .as(
                        "rotate must store the new hash, keep the replaced one as previous, add one generation and set the new times; creation and absolute expiry stay")
                .contains(new SessionRecord(
                        session.id(),
                        tenant,
                        user,
                        next,
                        session.tokenHash(),
                        1,
                        session.createdAt(),
                        at(60),
                        newIdleExpiry,
                        session.absoluteExpiresAt()));
    }

    @Test
    public void rotateChainsAcrossGenerations() {
        SessionRecord session = newSession(tenant, user, at(0));
        sessionStore().create(session);
        String second = newHash();
        String third = newHash();

        assertThat(sessionStore().rotate(session.id(), session.tokenHash(), second, at(10), at(10).plus(IDLE)))
                .as("rotate with the current hash must succeed (generation 1)")
                .isTrue();
        assertThat(sessionStore().rotate(session.id(), second, third, at(20), at(20).plus(IDLE)))
                .as("rotate with the hash of the previous rotation must succeed (generation 2)")
                .isTrue();

        SessionRecord stored = sessionStore().find(session.id()).orElseThrow();
        assertThat(stored.tokenHash())
                .as("the current hash must be the one of the latest rotation")
                .isEqualTo(third);
        assertThat(stored.previousTokenHash())
                .as("the previous hash must be the one the latest rotation replaced")
                .isEqualTo(second);
        assertThat(stored.generation())
                .as("each rotation must add exactly one generation")
                .isEqualTo(2);
        assertThat(stored.lastRotatedAt())
                .as("lastRotatedAt must be the instant of the latest rotation")
                .isEqualTo(at(20));
    }

    @Test
    public void rotateWithAStaleHashFailsAndChangesNothing() {
        SessionRecord session = newSession(tenant, user, at(0));
        sessionStore().create(session);
        String next = newHash();
        sessionStore().rotate(session.id(), session.tokenHash(), next, at(10), at(10).plus(IDLE));
        SessionRecord afterFirst = sessionStore().find(session.id()).orElseThrow();

        boolean replayed =
                sessionStore().rotate(session.id(), session.tokenHash(), newHash(), at(20), at(20).plus(IDLE));
        boolean guessed = sessionStore().rotate(session.id(), newHash(), newHash(), at(21), at(21).plus(IDLE));

        assertThat(replayed)
                .as("rotate with an already rotated (stale) hash must fail")
                .isFalse();
        assertThat(guessed)
                .as("rotate with a hash the session never had must fail")
                .isFalse();
        assertThat(sessionStore().find(session.id()))
                .as("a failed rotation must change nothing")
                .contains(afterFirst);
    }

    @Test
    public void rotateFailsOnceIdleExpired() {
        SessionRecord session = newSession(tenant, user, at(0));
        sessionStore().create(session);

        boolean rotated = sessionStore()
                .rotate(session.id(), session.tokenHash(), newHash(), session.idleExpiresAt(), at(0).plus(ABSOLUTE));

        assertThat(rotated).as("rotate at the idle expiry instant must fail").isFalse();
        // The store may already have dropped the expired session, but it must not hold a rotated one.
        assertThat(sessionStore()
                        .find(session.id())
                        .map(SessionRecord::tokenHash)
                        .orElse(session.tokenHash()))
                .as("an idle-expired session must never be rotated")
                .isEqualTo(session.tokenHash());
    }

    @Test
    public void rotateFailsOnceAbsolutelyExpired() {
        // Idle expiry later than the absolute one: the earlier (absolute) expiry must govern. Time only moves
        // forward across calls, as it does for the core: a store may purge what a later instant has expired.
        SessionRecord atExpiry = absoluteBeforeIdle(at(3600));
        SessionRecord justBefore = absoluteBeforeIdle(at(3600));
        sessionStore().create(atExpiry);
        sessionStore().create(justBefore);

        assertThat(sessionStore().rotate(justBefore.id(), justBefore.tokenHash(), newHash(), at(3599), at(3600)))
                .as("rotate one second before the absolute expiry must succeed, idle expiry being later")
                .isTrue();
        assertThat(sessionStore().rotate(atExpiry.id(), atExpiry.tokenHash(), newHash(), at(3600), at(3600)))
                .as("rotate at the absolute expiry instant must fail even when idle expiry is later")
                .isFalse();
    }

    @Test
    public void rotateOfUnknownSessionFails() {
        assertThat(sessionStore().rotate(newId(), newHash(), newHash(), at(1), at(1).plus(IDLE)))
                .as("rotate of an unknown session must fail")
                .isFalse();
    }

    @Test
    public void revokeDeletesTheSession() {
        SessionRecord session = newSession(tenant, user, at(0));
        sessionStore().create(session);

        assertThat(sessionStore().revoke(session.id()))
                .as("revoke of an existing session must return true")
                .isTrue();

        assertThat(sessionStore().find(session.id()))
                .as("a revoked session must not be found")
                .isEmpty();
        assertThat(sessionStore().rotate(session.id(), session.tokenHash(), newHash(), at(1), at(1).plus(IDLE)))
                .as("a revoked session must not rotate")
                .isFalse();
        assertThat(sessionStore().listForUser(tenant, user, at(1)))
                .as("a revoked session must not be listed")
                .isEmpty();
        assertThat(sessionStore().revoke(session.id()))
                .as("revoking a session a second time must return false")
                .isFalse();
    }

    @Test
    public void revokeOfUnknownSessionReturnsFalse() {
        assertThat(sessionStore().revoke(newId()))
                .as("revoke of an unknown session must return false")
                .isFalse();
    }

    @Test
    public void revokeAllForUserDeletesOnlyThatUsersSessionsInThatTenant() {
        SessionRecord first = newSession(tenant, user, at(0));
        SessionRecord second = newSession(tenant, user, at(1));
        SessionRecord otherUser = newSession(tenant, UUID.randomUUID(), at(2));
        SessionRecord sameUserOtherTenant = newSession("tenant-" + UUID.randomUUID(), user, at(3));
        List.of(first, second, otherUser, sameUserOtherTenant).forEach(sessionStore()::create);

        int revoked = sessionStore().revokeAllForUser(tenant, user, null);

        assertThat(revoked)
                .as("revokeAllForUser must return how many sessions it removed")
                .isEqualTo(2);
        assertThat(sessionStore().find(first.id()))
                .as("revokeAllForUser must remove every session of the user in the tenant")
                .isEmpty();
        assertThat(sessionStore().find(second.id()))
                .as("revokeAllForUser must remove every session of the user in the tenant")
                .isEmpty();
        assertThat(sessionStore().find(otherUser.id()))
                .as("revokeAllForUser must keep other users' sessions")
                .contains(otherUser);
        assertThat(sessionStore().find(sameUserOtherTenant.id()))
                .as("revokeAllForUser must keep the same user's sessions in other tenants")
                .contains(sameUserOtherTenant);
    }

    @Test
    public void revokeAllForUserKeepsTheExceptedSession() {
        SessionRecord kept = newSession(tenant, user, at(0));
        SessionRecord second = newSession(tenant, user, at(1));
        SessionRecord third = newSession(tenant, user, at(2));
        List.of(kept, second, third).forEach(sessionStore()::create);

        int revoked = sessionStore().revokeAllForUser(tenant, user, kept.id());

        assertThat(revoked)
                .as("revokeAllForUser with an excepted session must remove and count all the others")
                .isEqualTo(2);
        assertThat(sessionStore().find(kept.id()))
                .as("revokeAllForUser must keep the excepted session")
                .contains(kept);
        assertThat(sessionStore().listForUser(tenant, user, at(3)))
                .as("only the excepted session may remain listed")
                .containsExactly(kept);
    }

    @Test
    public void revokeAllForUserWithoutSessionsReturnsZero() {
        assertThat(sessionStore().revokeAllForUser(tenant, UUID.randomUUID(), null))
                .as("revokeAllForUser of a user without sessions must return 0")
                .isZero();
    }

    @Test
    public void listForUserReturnsLiveSessionsOldestFirst() {
        SessionRecord newest = newSession(tenant, user, at(300));
        SessionRecord oldest = newSession(tenant, user, at(100));
        SessionRecord middle = newSession(tenant, user, at(200));
        SessionRecord expired = new SessionRecord(
                newId(), tenant, user, newHash(), null, 0, at(0), at(0), at(500), at(0).plus(ABSOLUTE));
        SessionRecord otherUser = newSession(tenant, UUID.randomUUID(), at(50));
        SessionRecord otherTenant = newSession("tenant-" + UUID.randomUUID(), user, at(50));
        List.of(newest, oldest, middle, expired, otherUser, otherTenant).forEach(sessionStore()::create);

        assertThat(sessionStore().listForUser(tenant, user, at(400)))
                .as(
                        "listForUser must return the sessions of that user and tenant live at now (idle expiry after now), oldest first")
                .containsExactly(expired, oldest, middle, newest);
        assertThat(sessionStore().listForUser(tenant, user, at(500)))
                .as("listForUser must leave out sessions idle-expired at now")
                .containsExactly(oldest, middle, newest);
    }

    @Test
    public void listForUserReflectsRotation() {
        SessionRecord session = newSession(tenant, user, at(0));
        sessionStore().create(session);
        String next = newHash();
        sessionStore().rotate(session.id(), session.tokenHash(), next, at(10), at(10).plus(IDLE));

        assertThat(sessionStore().listForUser(tenant, user, at(11)))
                .as("listForUser must show the rotated session exactly once")
                .singleElement()
                .satisfies(s -> {
                    assertThat(s.tokenHash())
                            .as("a listed session must carry its rotated hash")
                            .isEqualTo(next);
                    assertThat(s.generation())
                            .as("a listed session must carry its rotated generation")
                            .isEqualTo(1);
                });
    }

    @Test
    public void listForUserWithoutSessionsIsEmpty() {
        assertThat(sessionStore().listForUser(tenant, UUID.randomUUID(), at(0)))
                .as("listForUser of a user without sessions must be empty")
                .isEmpty();
    }

    @Test
    public void purgeExpiredKeepsLiveSessions() {
        SessionRecord live = newSession(tenant, user, at(0));
        SessionRecord dead = new SessionRecord(newId(), tenant, user, newHash(), null, 0, at(0), at(0), at(60), at(60));
        sessionStore().create(live);
        sessionStore().create(dead);

        int purged = sessionStore().purgeExpired(at(120));

        assertThat(purged)
                .as("purgeExpired must return how many sessions it removed, never a negative number")
                .isNotNegative();
        assertThat(sessionStore().find(live.id()))
                .as("purgeExpired must keep live sessions")
                .contains(live);
        assertThat(sessionStore().listForUser(tenant, user, at(120)))
                .as("after a purge only live sessions may be listed")
                .containsExactly(live);
        assertThat(sessionStore().rotate(live.id(), live.tokenHash(), newHash(), at(120), at(120).plus(IDLE)))
                .as("a live session must still rotate after a purge")
                .isTrue();
    }

    @Test
    public void rotateSucceedsExactlyOnceUnderConcurrency() {
        for (int round = 0; round < concurrencyRounds(); round++) {
            SessionRecord session = newSession(tenant, user, at(0));
            sessionStore().create(session);
            List<String> candidates = Stream.generate(SessionStoreContract::newHash)
                    .limit(THREADS)
                    .toList();

            List<Boolean> results = ConcurrentRunner.runConcurrently(THREADS, i -> sessionStore()
                    .rotate(session.id(), session.tokenHash(), candidates.get(i), at(60), at(60).plus(IDLE)));

            assertThat(results)
                    .as("50 concurrent rotations of one refresh token must succeed exactly once")
                    .filteredOn(Boolean::booleanValue)
                    .hasSize(1);
            String winner = candidates.get(results.indexOf(true));
            SessionRecord stored = sessionStore().find(session.id()).orElseThrow();
            assertThat(stored.tokenHash())
                    .as("the stored hash must be the one of the single rotation that succeeded")
                    .isEqualTo(winner);
            assertThat(stored.previousTokenHash())
                    .as("the previous hash must be the original one: the losing rotations must not have written")
                    .isEqualTo(session.tokenHash());
            assertThat(stored.generation())
                    .as("concurrent rotations of one token must add exactly one generation")
                    .isEqualTo(1);
        }
    }

    @Test
    public void pingSucceeds() {
        sessionStore().ping();
    }

    private static SessionRecord newSession(String tenantId, UUID userId, Instant createdAt) {
        return new SessionRecord(
                newId(),
                tenantId,
                userId,
                newHash(),
                null,
                0,
                createdAt,
                createdAt,
                createdAt.plus(IDLE),
                createdAt.plus(ABSOLUTE));
    }

    private SessionRecord absoluteBeforeIdle(Instant absoluteExpiry) {
        return new SessionRecord(
                newId(),
                tenant,
                user,
                newHash(),
                null,
                0,
                at(0),
                at(0),
                absoluteExpiry.plusSeconds(3600),
                absoluteExpiry);
    }

    private static Instant at(long seconds) {
        return BASE.plusSeconds(seconds);
    }

    private static String newId() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String newHash() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
