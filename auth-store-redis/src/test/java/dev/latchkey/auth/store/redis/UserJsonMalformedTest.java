package dev.latchkey.auth.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.User;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A cached record that is damaged or was written by something else is refused with an IllegalArgumentException (the
 * documented failure), never read as a different user; the whitespace any JSON writer may put between tokens is
 * accepted.
 */
class UserJsonMalformedTest {
    private final User user = new User(
            UUID.randomUUID(),
            "tenant",
            "e@x.io",
            null,
            "N",
            "member",
            Set.of("p1", "p2"),
            true,
            null,
            Instant.parse("2030-01-01T00:00:00Z"),
            Instant.parse("2030-01-02T00:00:00Z"));
    private final String json = UserJson.write(user);

    @Test
    void everyDamagedVariantOfAValidRecordIsAnIllegalArgument() {
        assertThat(json).contains("\"permissions\":", "\"active\":", "\"email\":\"e@x.io\"", "\"role\":");
        for (String damaged : new String[] {
            json.replace("\"permissions\":", "\"perms\":"),
            json.replace("\"active\":", "\"enabled\":"),
            json.replace("\"email\":\"e@x.io\"", "\"email\":true"),
            json.replace("\"role\":", "\"rank\":"),
            json + "x",
            json.substring(0, json.length() - 1),
            "{\"a\" \"b\"}",
            "{\"a\":\"b\" \"c\":\"d\"}",
            "{\"a\":\"\\u00",
            "{\"a\":\"b"
        }) {
            assertThatThrownBy(() -> UserJson.read(damaged)).as(damaged).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void whitespaceBetweenTokensIsAccepted() {
        String spaced = " {\n " + json.substring(1, json.length() - 1).replace("\",\"", "\" ,\n \"") + " }\n";

        assertThat(spaced).isNotEqualTo(json);
        assertThat(UserJson.read(spaced)).isEqualTo(user);
    }
}
