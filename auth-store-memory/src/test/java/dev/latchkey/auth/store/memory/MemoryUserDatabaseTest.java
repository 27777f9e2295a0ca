package dev.latchkey.auth.store.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.User;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.testkit.ConcurrentRunner;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MemoryUserDatabaseTest {
    private static final Instant BASE = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void lookupsNeverReturnAUserUnderAnIdentifierItDoesNotHaveWhileItChanges() {
        MemoryUserDatabase database = new MemoryUserDatabase();
        User user = database.upsert(
                        new NewUser(UUID.randomUUID(), "t", "a@example.com", "+447700900001", null, "member", Set.of()),
                        BASE)
                .user();

        ConcurrentRunner.runConcurrently(4, thread -> {
            for (int i = 0; i < 20_000; i++) {
                if (thread == 0) {
                    boolean even = i % 2 == 0;
                    database.update(
                            user.withProfile(
                                    even ? "b@example.com" : "a@example.com",
                                    even ? "+447700900002" : "+447700900001",
                                    null,
                                    "member",
                                    Set.of()),
                            BASE.plusSeconds(i));
                } else {
                    Optional<User> byEmail = database.findByEmail("t", "a@example.com");
                    byEmail.ifPresent(found -> assertThat(found.email()).isEqualTo("a@example.com"));
                    Optional<User> byMobile = database.findByMobile("t", "+447700900002");
                    byMobile.ifPresent(found -> assertThat(found.mobile()).isEqualTo("+447700900002"));
                }
            }
            return null;
        });

        assertThat(database.findByEmail("t", "a@example.com"))
                .hasValueSatisfying(u -> assertThat(u.id()).isEqualTo(user.id()));
        assertThat(database.findByEmail("t", "b@example.com")).isEmpty();
    }

    @Test
    void aNewUserWhoseIdIsTakenIsAConflictAndTheStoredUserStaysAsItWas() {
        MemoryUserDatabase database = new MemoryUserDatabase();
        UUID id = UUID.randomUUID();
        database.upsert(new NewUser(id, "t", "a@example.com", null, null, "member", Set.of()), BASE);

        assertThatThrownBy(() -> database.upsert(
                        new NewUser(id, "t", "b@example.com", null, null, "admin", Set.of()), BASE.plusSeconds(1)))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFLICT))
                .hasMessage("user id already exists");
        assertThat(database.findById("t", id))
                .hasValueSatisfying(u -> assertThat(u.email()).isEqualTo("a@example.com"));
        assertThat(database.findByEmail("t", "b@example.com")).isEmpty();
    }
}
