package dev.latchkey.auth.store.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the versioned SQL scripts shipped in this jar ({@code db/latchkey/V<n>__<name>.sql}).
 *
 * <p>Each run that finds pending versions takes a transaction-scoped advisory lock, re-reads the applied version
 * under the lock, applies what is still missing and records it in {@code <prefix>schema_version}, all in one
 * transaction. PostgreSQL DDL is transactional, so a crash leaves either the old or the new schema, and instances
 * starting together queue on the lock: the first migrates, the others then find nothing to do.
 */
final class Migrator {

    /** First key of the two-key advisory lock: "LtcK", so our lock cannot collide with an application's. */
    static final int LOCK_CLASS = 0x4c74634b;

    /** Waiting for another instance's migration may take longer than the statement timeout of normal calls. */
    private static final String MIGRATION_TIMEOUT = "60s";

    /**
     * The socket timeout while migrating: above {@link #MIGRATION_TIMEOUT}, so that the server's timeout, not the
     * pool's 2 s socket timeout for normal calls, ends a long wait for the lock or a slow DDL statement.
     */
    private static final int MIGRATION_NETWORK_TIMEOUT_MILLIS = 65_000;

    private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);

    record Script(int version, String description, String resource) {}

    static final List<Script> SCRIPTS = List.of(
            new Script(1, "init", "db/latchkey/V1__init.sql"),
            new Script(2, "external_identities", "db/latchkey/V2__external_identities.sql"),
            new Script(3, "revocations", "db/latchkey/V3__revocations.sql"),
            new Script(4, "login_steps", "db/latchkey/V4__login_steps.sql"));

    private final Layout layout;

    Migrator(Layout layout) {
        this.layout = layout;
    }

    static int latestVersion() {
        return SCRIPTS.get(SCRIPTS.size() - 1).version();
    }

    void migrate(Connection connection) throws SQLException {
        if (appliedVersion(connection) >= latestVersion()) {
            return;
        }
        int networkTimeout = connection.getNetworkTimeout();
        boolean extend = networkTimeout > 0 && networkTimeout < MIGRATION_NETWORK_TIMEOUT_MILLIS;
        if (extend) {
            connection.setNetworkTimeout(Runnable::run, MIGRATION_NETWORK_TIMEOUT_MILLIS);
        }
        try {
            migrateLocked(connection);
        } finally {
            if (extend) {
                connection.setNetworkTimeout(Runnable::run, networkTimeout);
            }
        }
    }

    private void migrateLocked(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        try {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET LOCAL statement_timeout = '" + MIGRATION_TIMEOUT + "'");
            }
            try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
                lock.setInt(1, LOCK_CLASS);
                lock.setInt(2, layout.lockKey());
                lock.execute();
            }
            createSchemaIfMissing(connection);
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS " + layout.table("schema_version")
                        + " (version integer PRIMARY KEY, description text NOT NULL, checksum text NOT NULL,"
                        + " installed_at timestamptz NOT NULL DEFAULT now())");
            }
            int applied = appliedVersion(connection);
            for (Script script : SCRIPTS) {
                if (script.version() > applied) {
                    apply(connection, script);
                }
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** The highest version recorded, 0 when the version table does not exist yet. */
    int appliedVersion(Connection connection) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            exists.setString(1, layout.table("schema_version"));
            try (ResultSet rows = exists.executeQuery()) {
                rows.next();
                if (!rows.getBoolean(1)) {
                    return 0;
                }
            }
        }
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT coalesce(max(version), 0) FROM " + layout.table("schema_version"))) {
            rows.next();
            return rows.getInt(1);
        }
    }

    /** Checked first so that a role without CREATE on the database can use an existing schema. */
    private void createSchemaIfMissing(Connection connection) throws SQLException {
        try (PreparedStatement exists =
                connection.prepareStatement("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ?")) {
            exists.setString(1, layout.schema());
            try (ResultSet rows = exists.executeQuery()) {
                if (rows.next()) {
                    return;
                }
            }
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + layout.quotedSchema());
        }
    }

    private void apply(Connection connection, Script script) throws SQLException {
        String sql = layout.render(read(script.resource()));
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
        try (PreparedStatement record = connection.prepareStatement("INSERT INTO " + layout.table("schema_version")
                + " (version, description, checksum) VALUES (?, ?, ?)")) {
            record.setInt(1, script.version());
            record.setString(2, script.description());
            record.setString(3, sha256(sql));
            record.executeUpdate();
        }
        LOG.info(
                "applied Latchkey schema migration V{} ({}) to schema {}, prefix '{}'",
                script.version(),
                script.description(),
                layout.schema(),
                layout.prefix());
    }

    static String read(String resource) {
        // Class#getResourceAsStream reads our own module's resources even when the jar is on the module path.
        try (InputStream in = Migrator.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("migration script missing from the jar: " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
