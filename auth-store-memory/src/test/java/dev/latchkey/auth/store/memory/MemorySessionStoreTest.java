package dev.latchkey.auth.store.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.spi.SessionRecord;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MemorySessionStoreTest {
    private static final Instant BASE = Instant.parse("2030-01-01T00:00:00Z");
    private final UUID user = UUID.randomUUID();

    @Test
    void purgeExpiredFreesSessionsAndTheirUserIndex() {
        MemorySessionStore store = new MemorySessionStore();
        for (int i = 0; i < 10; i++) {
            store.create(session("dead-" + i, UUID.randomUUID(), 0, 60));
        }
        store.create(session("live", user, 0, 3600));

        int purged = store.purgeExpired(at(60));

        assertThat(purged).isEqualTo(10);
        assertThat(store.sessionCount()).isEqualTo(1);
        assertThat(store.indexedUserCount()).isEqualTo(1);
        assertThat(store.find("live")).isPresent();
    }

    @Test
    void writesFreeExpiredSessionsWithoutAFullPurge() {
        MemorySessionStore store = new MemorySessionStore();
        for (int i = 0; i < 8; i++) {
            store.create(session("dead-" + i, user, 0, 60));
        }

        store.create(session("fresh-1", user, 120, 3600));
        store.create(session("fresh-2", user, 121, 3600));

        assertThat(store.sessionCount()).isEqualTo(2);
        assertThat(store.listForUser("tenant", user, at(122)))
                .extracting(SessionRecord::id)
                .containsExactly("fresh-1", "fresh-2");
    }

    @Test
    void revokedSessionsLeaveNothingBehind() {
        MemorySessionStore store = new MemorySessionStore();
        store.create(session("a", user, 0, 3600));
        store.create(session("b", user, 0, 3600));
        store.create(session("c", UUID.randomUUID(), 0, 3600));

        store.revokeAllForUser("tenant", user, null);
        store.revoke("c");

        assertThat(store.sessionCount()).isZero();
        assertThat(store.indexedUserCount()).isZero();
    }

    @Test
    void fullStoreFailsClosedWithUnavailableAndKeepsExistingSessionsWorking() {
        MemorySessionStore store = new MemorySessionStore(2);
        store.create(session("a", user, 0, 3600));
        store.create(session("b", user, 0, 3600));

        assertThatThrownBy(() -> store.create(session("c", user, 1, 3600)))
                .isInstanceOf(AuthException.class)
                .satisfies(e -> assertThat(((AuthException) e).errorCode()).isEqualTo(ErrorCode.UNAVAILABLE));

        assertThat(store.find("c")).isEmpty();
        assertThat(store.listForUser("tenant", user, at(2))).hasSize(2);
        assertThat(store.rotate("a", "hash-a", "hash-a2", at(2), at(3600))).isTrue();
        store.revoke("b");
        store.create(session("c", user, 3, 3600));
        assertThat(store.find("c")).isPresent();
    }

    @Test
    void creatingAnExistingIdConflictsAndKeepsTheOriginal() {
        MemorySessionStore store = new MemorySessionStore();
        SessionRecord original = session("a", user, 0, 3600);
        store.create(original);

        assertThatThrownBy(() -> store.create(session("a", UUID.randomUUID(), 1, 3600)))
                .isInstanceOf(AuthException.class)
                .satisfies(e -> assertThat(((AuthException) e).errorCode()).isEqualTo(ErrorCode.CONFLICT));

        assertThat(store.find("a")).contains(original);
        assertThat(store.sessionCount()).isEqualTo(1);
    }

    @Test
    void rotateOfAnExpiredSessionFreesIt() {
        MemorySessionStore store = new MemorySessionStore();
        store.create(session("a", user, 0, 60));

        assertThat(store.rotate("a", "hash-a", "hash-a2", at(60), at(120))).isFalse();

        assertThat(store.sessionCount()).isZero();
        assertThat(store.indexedUserCount()).isZero();
    }

    private static SessionRecord session(String id, UUID userId, long createdSecond, long expiresSecond) {
        return new SessionRecord(
                id,
                "tenant",
                userId,
                "hash-" + id,
                null,
                0,
                at(createdSecond),
                at(createdSecond),
                at(expiresSecond),
                at(expiresSecond).plusSeconds(86_400));
    }

    private static Instant at(long seconds) {
        return BASE.plusSeconds(seconds);
    }
}
