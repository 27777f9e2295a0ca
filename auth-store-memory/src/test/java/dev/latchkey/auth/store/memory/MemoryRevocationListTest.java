package dev.latchkey.auth.store.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MemoryRevocationListTest {
    private static final Instant BASE = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void revocationAlreadyPastItsExpiryTakesNoSlot() {
        MemoryRevocationList list = new MemoryRevocationList(1);

        list.revoke("old", BASE, BASE);
        list.revoke("current", BASE.plusSeconds(900), BASE);

        assertThat(list.entryCount()).isEqualTo(1);
        assertThat(list.isRevoked("current")).isTrue();
    }

    @Test
    void laterWritesFreeExpiredRevocations() {
        MemoryRevocationList list = new MemoryRevocationList();
        for (int i = 0; i < 3; i++) {
            list.revoke("s" + i, BASE.plusSeconds(60), BASE);
        }

        list.revoke("fresh", BASE.plusSeconds(960), BASE.plusSeconds(60));

        assertThat(list.entryCount()).isEqualTo(1);
        assertThat(list.isRevoked("s0")).isFalse();
        assertThat(list.isRevoked("fresh")).isTrue();
    }

    @Test
    void fullListFailsClosedWithUnavailableAndKeepsEveryRevocation() {
        MemoryRevocationList list = new MemoryRevocationList(2);
        list.revoke("a", BASE.plusSeconds(900), BASE);
        list.revoke("b", BASE.plusSeconds(900), BASE);

        assertThatThrownBy(() -> list.revoke("c", BASE.plusSeconds(901), BASE.plusSeconds(1)))
                .isInstanceOf(AuthException.class)
                .satisfies(e -> assertThat(((AuthException) e).errorCode()).isEqualTo(ErrorCode.UNAVAILABLE));

        assertThat(list.isRevoked("a")).isTrue();
        assertThat(list.isRevoked("b")).isTrue();
    }
}
