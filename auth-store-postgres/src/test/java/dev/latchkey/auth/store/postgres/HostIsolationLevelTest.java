package dev.latchkey.auth.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.spi.CodeCheck;
import dev.latchkey.auth.spi.OtpChallenge;
import dev.latchkey.auth.testkit.ConcurrentRunner;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The stores run at READ COMMITTED whatever the connection's default: a host's connection is switched for the call
 * only, like autocommit; the pool built from a URL is pinned there.
 */
class HostIsolationLevelTest {
    private static final String SCHEMA = TestPostgres.uniqueSchema("isolation");
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final int THREADS = 50;

    @AfterAll
    static void dropSchema() {
        TestPostgres.dropSchema(SCHEMA);
    }

    @Test
    void storeCallRunsAtReadCommittedAndGivesBackTheHostsIsolationLevel() throws SQLException {
        try (Connection physical = TestPostgres.connect()) {
            physical.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            int[] levelSeenByStatement = new int[1];
            PostgresStores stores = PostgresStores.builder()
                    .dataSource(singleConnection(physical, levelSeenByStatement))
                    .schema(SCHEMA)
                    .build();

            stores.rateLimits().increment("isolation-" + UUID.randomUUID(), Duration.ofMinutes(1), NOW);

            assertThat(levelSeenByStatement[0]).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
            assertThat(physical.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
        }
    }

    /**
     * The pool built from a URL pins READ COMMITTED (so calls need not ask the server for the level), overriding a
     * default isolation the URL's options set.
     */
    @Test
    void ownPoolStaysAtReadCommittedWhenTheUrlAsksForSerializable() {
        String url = TestPostgres.server().jdbcUrl();
        String serializable =
                url + (url.contains("?") ? "&" : "?") + "options=-c%20default_transaction_isolation%3Dserializable";
        try (PostgresStores stores =
                TestPostgres.ownPool().databaseUrl(serializable).schema(SCHEMA).build()) {
            String key = "isolation-" + UUID.randomUUID();
            stores.otp().saveChallenge(new OtpChallenge(key, "right", NOW, NOW.plusSeconds(300), 0, 5));

            List<CodeCheck> checks =
                    ConcurrentRunner.runConcurrently(THREADS, i -> stores.otp().verify(key, "wrong-" + i, NOW));

            assertThat(checks).filteredOn(c -> c == CodeCheck.MISMATCHED).hasSize(5);
            assertThat(checks).filteredOn(c -> c == CodeCheck.LOCKED).hasSize(THREADS - 5);
        }
    }

    /**
     * A data source lending one real connection that a store's close() leaves open, recording the isolation level in
     * force whenever a statement is prepared.
     */
    private static DataSource singleConnection(Connection physical, int[] levelSeenByStatement) {
        Connection lent = (Connection) Proxy.newProxyInstance(
                HostIsolationLevelTest.class.getClassLoader(), new Class<?>[] {Connection.class}, (p, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    if (method.getName().equals("prepareStatement")) {
                        levelSeenByStatement[0] = physical.getTransactionIsolation();
                    }
                    try {
                        return method.invoke(physical, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return (DataSource) Proxy.newProxyInstance(
                HostIsolationLevelTest.class.getClassLoader(), new Class<?>[] {DataSource.class}, (p, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        return lent;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
