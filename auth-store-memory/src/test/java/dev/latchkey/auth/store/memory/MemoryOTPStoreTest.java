package dev.latchkey.auth.store.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.internal.memory.ExpiringMap;
import dev.latchkey.auth.spi.CodeCheck;
import dev.latchkey.auth.spi.OtpChallenge;
import dev.latchkey.auth.testkit.ConcurrentRunner;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryOTPStoreTest {
    private static final Instant BASE = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void purgeExpiredFreesExpiredChallengesAndKeepsLiveOnes() {
        MemoryOTPStore store = new MemoryOTPStore();
        for (int i = 0; i < 20; i++) {
            store.saveChallenge(challenge("dead-" + i, 0, 60));
        }
        store.saveChallenge(challenge("live", 0, 3600));

        int purged = store.purgeExpired(at(60));

        assertThat(purged).isEqualTo(20);
        assertThat(store.challengeCount()).isEqualTo(1);
        assertThat(store.verify("live", "hash-live", at(61))).isEqualTo(CodeCheck.MATCHED);
    }

    @Test
    void everyWriteFreesAFewExpiredEntriesWithoutAFullPurge() {
        MemoryOTPStore store = new MemoryOTPStore();
        for (int i = 0; i < 20; i++) {
            store.saveChallenge(challenge("dead-" + i, 0, 60));
        }

        store.saveChallenge(challenge("fresh", 120, 420));

        assertThat(store.challengeCount()).isEqualTo(20 - ExpiringMap.PURGE_PER_WRITE + 1);
        for (int i = 0; i < 10; i++) {
            store.verify("unknown", "hash", at(121));
        }
        assertThat(store.challengeCount()).isEqualTo(1);
        assertThat(store.findChallenge("fresh", at(121))).isPresent();
    }

    @Test
    void consumedReplacedAndDeletedChallengesFreeTheirSlot() {
        MemoryOTPStore store = new MemoryOTPStore();
        store.saveChallenge(challenge("a", 0, 300));
        store.saveChallenge(challenge("b", 0, 300));
        store.saveChallenge(challenge("b", 1, 301));
        assertThat(store.challengeCount()).isEqualTo(2);

        store.verify("a", "hash-a", at(2));
        store.deleteChallenge("b");

        assertThat(store.challengeCount()).isZero();
    }

    @Test
    void fullChallengeStoreFailsClosedWithUnavailable() {
        MemoryOTPStore store = new MemoryOTPStore(2);
        store.saveChallenge(challenge("a", 0, 300));
        store.saveChallenge(challenge("b", 0, 300));

        assertThatThrownBy(() -> store.saveChallenge(challenge("c", 1, 300)))
                .isInstanceOf(AuthException.class)
                .satisfies(e -> assertThat(((AuthException) e).errorCode()).isEqualTo(ErrorCode.UNAVAILABLE));

        assertThat(store.findChallenge("c", at(2))).isEmpty();
        store.saveChallenge(challenge("b", 2, 302));
        assertThat(store.verify("a", "hash-a", at(3))).isEqualTo(CodeCheck.MATCHED);
        store.saveChallenge(challenge("c", 4, 304));
        assertThat(store.findChallenge("c", at(5))).isPresent();
    }

    @Test
    void fullStoreMakesRoomFromExpiredChallenges() {
        MemoryOTPStore store = new MemoryOTPStore(2);
        store.saveChallenge(challenge("a", 0, 60));
        store.saveChallenge(challenge("b", 0, 60));

        store.saveChallenge(challenge("c", 60, 360));

        assertThat(store.findChallenge("c", at(61))).isPresent();
        assertThat(store.challengeCount()).isEqualTo(1);
    }

    @Test
    void boundHoldsUnderConcurrentInserts() {
        MemoryOTPStore store = new MemoryOTPStore(10);

        List<Boolean> stored = ConcurrentRunner.runConcurrently(50, i -> {
            try {
                store.saveChallenge(challenge("k" + i, 0, 300));
                return true;
            } catch (AuthException e) {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE);
                return false;
            }
        });

        assertThat(stored).filteredOn(Boolean::booleanValue).hasSize(10);
        assertThat(store.challengeCount()).isEqualTo(10);
    }

    @Test
    void unavailableMessageNamesTheStoreButNoKey() {
        MemoryOTPStore store = new MemoryOTPStore(1);
        store.saveChallenge(challenge("secret-key-a", 0, 300));

        assertThatThrownBy(() -> store.saveChallenge(challenge("secret-key-b", 0, 300)))
                .hasMessageContaining("OTP challenge store")
                .hasMessageNotContaining("secret-key");
    }

    @Test
    void hashesOfDifferentLengthDoNotMatch() {
        MemoryOTPStore store = new MemoryOTPStore();
        store.saveChallenge(challenge("a", 0, 300));

        assertThat(store.verify("a", "hash-a-longer", at(1))).isEqualTo(CodeCheck.MISMATCHED);
        assertThat(store.verify("a", "hash-", at(2))).isEqualTo(CodeCheck.MISMATCHED);
        assertThat(store.verify("a", "", at(3))).isEqualTo(CodeCheck.MISMATCHED);
    }

    @Test
    void boundsBelowOneAreRejected() {
        assertThatThrownBy(() -> new MemoryOTPStore(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static OtpChallenge challenge(String key, long createdSecond, long expiresSecond) {
        return new OtpChallenge(key, "hash-" + key, at(createdSecond), at(expiresSecond), 0, 5);
    }

    private static Instant at(long seconds) {
        return BASE.plusSeconds(seconds);
    }
}
