package dev.latchkey.auth.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.spi.CodeCheck;
import dev.latchkey.auth.spi.OtpChallenge;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A host's connection is given back as the store found it (autocommit off stays off), and a connection whose isolation
 * level the host changed after the store remembered it still runs the store's statement at READ COMMITTED: the
 * serialization failure that change causes is retried once at READ COMMITTED, so a wrong guess is still counted.
 */
class HostConnectionHandlingTest {
    private static final String SCHEMA = TestPostgres.uniqueSchema("hostconn");
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    @AfterAll
    static void dropSchema() {
        TestPostgres.dropSchema(SCHEMA);
    }

    @Test
    void aHostConnectionInManualCommitModeIsGivenBackInManualCommitMode() throws SQLException {
        try (Connection physical = TestPostgres.connect()) {
            physical.setAutoCommit(false);
            PostgresStores stores = PostgresStores.builder()
                    .dataSource(lending(physical))
                    .schema(SCHEMA)
                    .build();
            String key = "manual-" + UUID.randomUUID();

            stores.otp().saveChallenge(new OtpChallenge(key, "right", NOW, NOW.plusSeconds(300), 0, 5));

            assertThat(physical.getAutoCommit()).isFalse();
            // The store's write was committed by itself, not left in the host's transaction.
            physical.rollback();
            assertThat(PostgresStores.builder()
                            .dataSource(TestPostgres.sharedDataSource())
                            .schema(SCHEMA)
                            .build()
                            .otp()
                            .findChallenge(key, NOW))
                    .isPresent();
        }
    }

    @Test
    void aLevelTheHostChangedBehindTheStoresBackIsRetriedAtReadCommittedAndTheGuessCounted() throws Exception {
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try (Connection physical = TestPostgres.connect();
                Connection other = TestPostgres.connect();
                Connection observer = TestPostgres.connect()) {
            PostgresStores stores = PostgresStores.builder()
                    .dataSource(lending(physical))
                    .schema(SCHEMA)
                    .build();
            String key = "changed-level-" + UUID.randomUUID();
            // The first call remembers the connection's level: READ COMMITTED, the server's default.
            stores.otp().saveChallenge(new OtpChallenge(key, "right", NOW, NOW.plusSeconds(300), 0, 5));
            physical.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            int storePid = backendPid(physical);

            // Another transaction changes the challenge row and holds its lock until it commits.
            other.setAutoCommit(false);
            try (PreparedStatement touch = other.prepareStatement(
                    "UPDATE \"" + SCHEMA + "\".otp_challenges SET attempts = attempts WHERE key = ?")) {
                touch.setString(1, key);
                assertThat(touch.executeUpdate()).isEqualTo(1);
            }
            Future<CodeCheck> guess = caller.submit(() -> stores.otp().verify(key, "wrong", NOW));
            awaitLockWait(observer, storePid, guess);
            other.commit();

            assertThat(guess.get(30, TimeUnit.SECONDS)).isEqualTo(CodeCheck.MISMATCHED);
            assertThat(stores.otp().findChallenge(key, NOW).orElseThrow().attempts())
                    .isEqualTo(1);
            assertThat(physical.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_REPEATABLE_READ);
        } finally {
            caller.shutdownNow();
            assertThat(caller.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static int backendPid(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_backend_pid()");
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getInt(1);
        }
    }

    /**
     * Polls, from a connection in autocommit (a transaction would keep reading one snapshot of the statistics), until
     * the store's backend waits for a lock; the outcome never depends on how long that takes.
     */
    private static void awaitLockWait(Connection observer, int pid, Future<?> call) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (PreparedStatement statement =
                observer.prepareStatement("SELECT wait_event_type FROM pg_stat_activity WHERE pid = ?")) {
            statement.setInt(1, pid);
            while (true) {
                try (ResultSet rows = statement.executeQuery()) {
                    if (rows.next() && "Lock".equals(rows.getString(1))) {
                        return;
                    }
                }
                if (call.isDone()) {
                    throw new AssertionError("the store's statement did not wait for the row lock: " + call.get());
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the store's statement never waited for the row lock");
                }
                LockSupport.parkNanos(1_000_000);
            }
        }
    }

    /** A data source lending one real connection, which a store's close() leaves open. */
    private static DataSource lending(Connection physical) {
        Connection lent = (Connection) Proxy.newProxyInstance(
                HostConnectionHandlingTest.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                (p, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    try {
                        return method.invoke(physical, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return (DataSource) Proxy.newProxyInstance(
                HostConnectionHandlingTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class},
                (p, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        return lent;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
