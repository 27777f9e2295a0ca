package dev.latchkey.auth.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The PostgreSQL server the tests use: {@code LATCHKEY_TEST_PG_URL} (any form {@link DatabaseUrl} accepts) if set,
 * else {@code 127.0.0.1:5432}, database {@code test}, user {@code postgres}; else a Testcontainers PostgreSQL where a
 * Docker engine exists. When none is reachable the tests fail with this class's message: they never skip.
 */
final class TestPostgres {

    static final String ENV = "LATCHKEY_TEST_PG_URL";
    private static final String LOCAL = "postgresql://postgres@127.0.0.1:5432/test";
    private static final Pattern JDBC_URL =
            Pattern.compile("jdbc:postgresql://(\\[[^\\]]+\\]|[^/:?,]+)(?::(\\d+))?/([^?]*)(\\?.*)?");

    private static DatabaseUrl server;
    private static HikariDataSource shared;
    private static HikariDataSource serializable;

    private TestPostgres() {}

    /** Where the server is; resolved once per test JVM. */
    static synchronized DatabaseUrl server() {
        if (server == null) {
            server = locate();
        }
        return server;
    }

    /** A pool shared by the tests that play the host application's data source. Never closed by the stores. */
    static synchronized HikariDataSource sharedDataSource() {
        if (shared == null) {
            shared = new HikariDataSource(hostPoolConfig("latchkey-test-host"));
        }
        return shared;
    }

    /**
     * A host application's pool whose connections default to SERIALIZABLE, as some hosts configure theirs. Never closed
     * by the stores.
     */
    static synchronized HikariDataSource serializableDataSource() {
        if (serializable == null) {
            HikariConfig config = hostPoolConfig("latchkey-test-serializable-host");
            config.setTransactionIsolation("TRANSACTION_SERIALIZABLE");
            serializable = new HikariDataSource(config);
        }
        return serializable;
    }

    private static HikariConfig hostPoolConfig(String name) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(server().jdbcUrl());
        if (server().user() != null) {
            config.setUsername(server().user());
        }
        if (server().password() != null) {
            config.setPassword(server().password());
        }
        config.setMaximumPoolSize(24);
        config.setMinimumIdle(0);
        config.addDataSourceProperty("logServerErrorDetail", "false");
        return config;
    }

    /** A builder for stores on a new pool against the test server. */
    static PostgresStores.Builder ownPool() {
        PostgresStores.Builder builder = PostgresStores.builder().databaseUrl(server().jdbcUrl());
        if (server().user() != null) {
            builder.username(server().user());
        }
        if (server().password() != null) {
            builder.password(server().password());
        }
        return builder;
    }

    /** The same server at another port (a proxy's), for tests that cut the connection. */
    static String jdbcUrlVia(String host, int port) {
        Matcher m = JDBC_URL.matcher(server().jdbcUrl());
        if (!m.matches()) {
            throw new AssertionError("cannot rewrite the test server URL for a proxy: " + server().jdbcUrl());
        }
        return "jdbc:postgresql://" + host + ":" + port + "/" + m.group(3) + (m.group(4) == null ? "" : m.group(4));
    }

    static String host() {
        Matcher m = JDBC_URL.matcher(server().jdbcUrl());
        if (!m.matches()) {
            throw new AssertionError("cannot read the host of the test server URL: " + server().jdbcUrl());
        }
        return m.group(1);
    }

    static int port() {
        Matcher m = JDBC_URL.matcher(server().jdbcUrl());
        if (!m.matches()) {
            throw new AssertionError("cannot read the port of the test server URL: " + server().jdbcUrl());
        }
        return m.group(2) == null ? 5432 : Integer.parseInt(m.group(2));
    }

    /** A schema name no other test run uses. */
    static String uniqueSchema(String purpose) {
        return "lk_test_" + purpose + "_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** Runs one SQL statement outside any store, as a test fixture. */
    static void execute(String sql) {
        try (Connection connection = connect();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError("fixture SQL failed: " + sql, e);
        }
    }

    static void dropSchema(String schema) {
        execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
    }

    static Connection connect() throws SQLException {
        return connect(server());
    }

    private static Connection connect(DatabaseUrl url) throws SQLException {
        Properties properties = new Properties();
        if (url.user() != null) {
            properties.setProperty("user", url.user());
        }
        if (url.password() != null) {
            properties.setProperty("password", url.password());
        }
        properties.setProperty("connectTimeout", "3");
        return DriverManager.getConnection(url.jdbcUrl(), properties);
    }

    @SuppressWarnings("try") // the connection is opened only to prove the server answers
    private static DatabaseUrl locate() {
        String configured = System.getenv(ENV);
        DatabaseUrl candidate = DatabaseUrl.parse(configured != null && !configured.isBlank() ? configured : LOCAL);
        SQLException failure;
        try (Connection ignored = connect(candidate)) {
            return candidate;
        } catch (SQLException e) {
            failure = e;
        }
        if (configured == null && DockerClientFactory.instance().isDockerAvailable()) {
            PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:16-alpine");
            container.start();
            return new DatabaseUrl(container.getJdbcUrl(), container.getUsername(), container.getPassword());
        }
        String hint = configured != null
                ? " (from " + ENV + ")."
                : ". Start it (trust auth, user postgres, database test) or set " + ENV
                        + " to e.g. postgresql://user:password@host:5432/db; no Docker engine for Testcontainers either.";
        throw new AssertionError(
                "PostgreSQL is not reachable at " + candidate.jdbcUrl() + " as user " + candidate.user() + hint,
                failure);
    }
}
