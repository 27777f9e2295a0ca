package dev.latchkey.auth.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.spi.CodeCheck;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.OtpChallenge;
import dev.latchkey.auth.spi.SessionRecord;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UnreachableDatabaseTest {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    /** Far above the 2 s connection timeout, so not flaky, yet proof that a call cannot hang for minutes. */
    private static final Duration BOUND = Duration.ofSeconds(10);

    private final String schema = TestPostgres.uniqueSchema("down");

    @AfterEach
    void dropSchema() {
        TestPostgres.dropSchema(schema);
    }

    @Test
    void closedPortFailsUnavailableWithinTheConnectionTimeout() throws IOException {
        try (PostgresStores stores = PostgresStores.builder()
                .databaseUrl("postgresql://postgres@127.0.0.1:" + closedPort() + "/test")
                .schema(schema)
                .build()) {
            assertUnavailableWithinBound(() -> stores.otp().verify("key", "hash", NOW));
            assertUnavailableWithinBound(() -> stores.users().findByEmail("t", "a@example.com"));
            assertUnavailableWithinBound(() -> stores.sessions().find("sid"));
            assertUnavailableWithinBound(stores::ping);
            assertUnavailableWithinBound(stores::migrate);
        }
    }

    @Test
    void cutConnectionFailsUnavailableAndTheStoresRecoverOnceReachable() {
        try (CuttableProxy proxy = new CuttableProxy(TestPostgres.host(), TestPostgres.port());
                PostgresStores stores = TestPostgres.ownPool()
                        .databaseUrl(TestPostgres.jdbcUrlVia("127.0.0.1", proxy.port()))
                        .schema(schema)
                        .build()) {
            String key = "otp-" + UUID.randomUUID();
            stores.otp().saveChallenge(new OtpChallenge(key, "right", NOW, NOW.plusSeconds(300), 0, 5));

            proxy.cut();

            // Neither a correct code nor anything else gets through while the database is away.
            assertUnavailableWithinBound(() -> stores.otp().verify(key, "right", NOW));
            assertUnavailableWithinBound(() -> stores.users()
                    .upsert(new NewUser(UUID.randomUUID(), "t", "a@example.com", null, null, "member", Set.of()), NOW));
            assertUnavailableWithinBound(() -> stores.sessions().rotate("sid", "a", "b", NOW, NOW.plusSeconds(60)));
            assertUnavailableWithinBound(stores::ping);

            proxy.restore();

            // The pool may still hold a connection the cut broke and only learn so on its next use; within a
            // few attempts it must have replaced them all and the stores must answer again.
            Instant deadline = Instant.now().plus(BOUND);
            while (!answers(stores) && Instant.now().isBefore(deadline)) {
                Thread.onSpinWait();
            }
            assertThat(answers(stores))
                    .as("stores answer again once the database is reachable")
                    .isTrue();
            assertThat(stores.otp().verify(key, "right", NOW)).isEqualTo(CodeCheck.MATCHED);
            SessionRecord session = new SessionRecord(
                    "s-" + UUID.randomUUID(),
                    "t",
                    UUID.randomUUID(),
                    "h1",
                    null,
                    0,
                    NOW,
                    NOW,
                    NOW.plusSeconds(60),
                    NOW.plusSeconds(600));
            stores.sessions().create(session);
            assertThat(stores.sessions().listForUser("t", session.userId(), NOW))
                    .containsExactly(session);
        }
    }

    @Test
    void hostPoolThatCannotConnectGivesUnavailableWithTheSqlStateNotSqlException() throws IOException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + closedPort() + "/test");
        config.setUsername("postgres");
        config.setConnectionTimeout(500);
        config.setInitializationFailTimeout(-1);
        try (HikariDataSource hostPool = new HikariDataSource(config)) {
            PostgresStores stores =
                    PostgresStores.builder().dataSource(hostPool).schema(schema).build();

            assertThatThrownBy(() -> stores.sessions().revoke("sid")).isInstanceOfSatisfying(AuthException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE);
                assertThat(e.getMessage()).contains("session store").contains("SQLState 08");
                assertThat(e.getCause()).isInstanceOf(SQLException.class);
            });
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    private static boolean answers(PostgresStores stores) {
        try {
            stores.ping();
            stores.rateLimits().peek("any", NOW);
            return true;
        } catch (AuthException e) {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE);
            return false;
        }
    }

    private static void assertUnavailableWithinBound(ThrowingCallable call) {
        long start = System.nanoTime();
        assertThatThrownBy(call).isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.errorCode())
                .isEqualTo(ErrorCode.UNAVAILABLE));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
    }
}
