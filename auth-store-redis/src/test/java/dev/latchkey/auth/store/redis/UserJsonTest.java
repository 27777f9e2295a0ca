package dev.latchkey.auth.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.User;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UserJsonTest {
    @Test
    void aUserWithEveryFieldSurvivesTheRoundTrip() {
        User user = new User(
                UUID.randomUUID(),
                "tenant \"one\"\\",
                "ann@example.com",
                "+447700900123",
                "Ann \u00e9\u4e2d\n\t\u0001 \ud83d\ude00",
                "admin",
                Set.of("reports:read", "a,b", "x\"y"),
                true,
                Instant.parse("2030-01-02T03:04:05.123456789Z"),
                Instant.parse("2029-01-01T00:00:00Z"),
                Instant.parse("2030-01-01T00:00:00.5Z"));

        String json = UserJson.write(user);

        assertThat(UserJson.read(json)).isEqualTo(user);
    }

    @Test
    void absentOptionalFieldsAndNoPermissionsSurviveTheRoundTrip() {
        User user = new User(
                UUID.randomUUID(),
                "t",
                null,
                "+15550100",
                null,
                "member",
                Set.of(),
                false,
                null,
                Instant.EPOCH,
                Instant.EPOCH);

        assertThat(UserJson.read(UserJson.write(user))).isEqualTo(user);
    }

    @Test
    void textThatIsNotAUserIsRejected() {
        for (String text : new String[] {
            "", "{", "[]", "{}", "{\"id\":\"not-a-uuid\"}", "{\"id\":1}", "null", "{\"a\":\"b\"} trailing"
        }) {
            assertThatThrownBy(() -> UserJson.read(text)).as(text).isInstanceOf(RuntimeException.class);
        }
    }
}
