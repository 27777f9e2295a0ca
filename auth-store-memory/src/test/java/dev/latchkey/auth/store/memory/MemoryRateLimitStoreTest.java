package dev.latchkey.auth.store.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MemoryRateLimitStoreTest {
    private static final Instant BASE = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Test
    void purgeExpiredFreesExpiredCountersAndKeepsLiveOnes() {
        MemoryRateLimitStore store = new MemoryRateLimitStore();
        for (int i = 0; i < 20; i++) {
            store.increment("dead-" + i, MINUTE, at(0));
        }
        store.increment("live", Duration.ofHours(1), at(0));

        int purged = store.purgeExpired(at(60));

        assertThat(purged).isEqualTo(20);
        assertThat(store.counterCount()).isEqualTo(1);
        assertThat(store.peek("live", at(61)).count()).isEqualTo(1);
    }

    @Test
    void fullStoreFailsClosedAndKeepsCountingExistingCounters() {
        MemoryRateLimitStore store = new MemoryRateLimitStore(2);
        store.increment("a", MINUTE, at(0));
        store.increment("b", MINUTE, at(0));

        assertThatThrownBy(() -> store.increment("c", MINUTE, at(1)))
                .isInstanceOf(AuthException.class)
                .satisfies(e -> assertThat(((AuthException) e).errorCode()).isEqualTo(ErrorCode.UNAVAILABLE))
                .hasMessageContaining("counter store")
                .hasMessageNotContaining("\"c\"");

        assertThat(store.increment("a", MINUTE, at(2)).count()).isEqualTo(2);
        assertThat(store.peek("a", at(3)).count()).isEqualTo(2);
    }

    @Test
    void fullStoreMakesRoomFromExpiredCounters() {
        MemoryRateLimitStore store = new MemoryRateLimitStore(2);
        store.increment("a", MINUTE, at(0));
        store.increment("b", MINUTE, at(0));

        store.increment("c", MINUTE, at(60));

        assertThat(store.peek("c", at(61)).count()).isEqualTo(1);
        assertThat(store.counterCount()).isEqualTo(1);
    }

    @Test
    void nonPositiveWindowsAndBoundsBelowOneAreRejected() {
        MemoryRateLimitStore store = new MemoryRateLimitStore();

        assertThatThrownBy(() -> store.increment("a", Duration.ZERO, at(0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MemoryRateLimitStore(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static Instant at(long seconds) {
        return BASE.plusSeconds(seconds);
    }
}
