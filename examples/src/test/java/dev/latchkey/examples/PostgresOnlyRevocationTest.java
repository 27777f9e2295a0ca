package dev.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.auth.testkit.MutableClock;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With {@code DATABASE_URL} alone, the revocation list is PostgreSQL's: a sign-out on one instance is refused by the
 * route guard of every other instance on the same database, not only by the instance that signed out.
 */
class PostgresOnlyRevocationTest {
    private static final String JWT_SECRET = "pg-only-revocation-test-" + UUID.randomUUID();
    private static final String HASH_SECRET = "pg-only-revocation-hash-" + UUID.randomUUID();

    private final TestInbox inbox = new TestInbox();
    private final MutableClock clock = new MutableClock(Instant.now());
    private final String tenant =
            "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    private ExampleServer first;
    private ExampleServer second;

    @BeforeEach
    void start() {
        first = instance();
        second = instance();
    }

    /** Two instances of one deployment: one database, one signing secret, one hashing secret. */
    private ExampleServer instance() {
        return ExampleServer.start(
                TestServers.env(
                        "DATABASE_URL",
                        ProductionStoresTest.PG_URL,
                        "DATABASE_SCHEMA",
                        "latchkey_examples_test",
                        "JWT_SECRET",
                        JWT_SECRET,
                        "OTP_HASH_SECRET",
                        HASH_SECRET,
                        "HEALTH_DETAILS",
                        "always"),
                inbox,
                clock);
    }

    @AfterEach
    void stop() {
        first.close();
        second.close();
    }

    @Test
    void aSignOutOnOneInstanceIsRefusedByTheGuardOfAnother() throws InterruptedException {
        Api a = new Api(first.baseUri());
        Api b = new Api(second.baseUri());
        assertThat(b.get("/health").statusCode())
                .as("PostgreSQL at %s must be reachable", ProductionStoresTest.PG_URL)
                .isEqualTo(200);
        a.sendOtp(tenant, "email", "ada@example.com");
        JsonNode login = LifeCycle.login(a, inbox, tenant, "ada@example.com");
        String access = login.get("accessToken").asText();
        assertThat(b.get("/api/me", access).statusCode())
                .as("the other instance accepts the token, and its revocation mirror is subscribed now")
                .isEqualTo(200);

        assertThat(a.post("/api/auth/signout", "", access).statusCode()).isEqualTo(204);

        // Through the store while the mirror catches up, from the mirror once the notification arrives: refused at
        // once either way; asked again to cover both.
        for (int i = 0; i < 5; i++) {
            Api.assertError(b.get("/api/me", access), 401, "invalid_token");
            Thread.sleep(20);
        }
    }
}
