package dev.latchkey.auth.store.postgres;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.spi.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Runs store operations on connections borrowed from a {@link DataSource}, applying the migrations once on first
 * use, and turns every {@link SQLException} into an {@link AuthException}: unique violations into {@link
 * ErrorCode#CONFLICT}, values PostgreSQL cannot store into {@link ErrorCode#INVALID_REQUEST}, everything else
 * (unreachable server, timeouts, missing tables) into {@link ErrorCode#UNAVAILABLE}.
 */
final class Jdbc {

    private static final int READ_COMMITTED = Connection.TRANSACTION_READ_COMMITTED;
    private static final String SERIALIZATION_FAILURE = "40001";

    private final DataSource dataSource;
    private final Layout layout;
    private final Migrator migrator;
    private final boolean autoMigrate;
    private final int pingTimeoutSeconds;
    private final boolean isolationPinned;
    private volatile boolean schemaReady;
    /** The host's isolation level of each physical connection seen, weakly held so closed connections go. */
    private final Map<Connection, Integer> hostIsolation = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * @param isolationPinned whether every connection of {@code dataSource} is known to be at READ COMMITTED (the pool
     *     this module creates pins it), which saves asking the server for the level on every call
     */
    Jdbc(DataSource dataSource, Layout layout, boolean autoMigrate, Duration pingTimeout, boolean isolationPinned) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.layout = Objects.requireNonNull(layout, "layout");
        this.migrator = new Migrator(layout);
        this.autoMigrate = autoMigrate;
        this.pingTimeoutSeconds = wholeSeconds(pingTimeout);
        this.isolationPinned = isolationPinned;
    }

    Layout layout() {
        return layout;
    }

    /** Whether {@code other} reaches the same tables: the same data source and layout. */
    boolean sameTablesAs(Jdbc other) {
        return other == this || (other.dataSource == dataSource && other.layout.equals(layout));
    }

    /** A unit of work on one connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} in autocommit mode: every store operation is a single statement, atomic on its own, and must
     * see rows committed by others before it started: READ COMMITTED, set for the call if the connection is at
     * another level and restored afterwards, like autocommit.
     */
    <T> T call(String store, Work<T> work) {
        if (autoMigrate && !schemaReady) {
            migrate(store);
        }
        return onConnection(store, work);
    }

    /** Applies pending migrations now; idempotent and safe to run from many processes at once. */
    @SuppressWarnings("NullAway") // the work returns null as its Void result, which nothing reads
    void migrate(String store) {
        synchronized (migrator) {
            if (!schemaReady) {
                onConnection(store, connection -> {
                    migrator.migrate(connection);
                    return null;
                });
                schemaReady = true;
            }
        }
    }

    /** A bounded {@code SELECT 1}; throws {@code UNAVAILABLE} if the server does not answer in time. */
    @SuppressWarnings("NullAway") // the work returns null as its Void result, which nothing reads
    void ping(String store) {
        onConnection(store, connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.setQueryTimeout(pingTimeoutSeconds);
                statement.execute("SELECT 1");
            }
            return null;
        });
    }

    private <T> T onConnection(String store, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            boolean hostWantsManualCommit = !connection.getAutoCommit();
            if (hostWantsManualCommit) {
                connection.setAutoCommit(true);
            }
            try {
                // The single-statement primitives rely on READ COMMITTED re-checking a row another transaction just
                // updated; under REPEATABLE READ or SERIALIZABLE that row fails with 40001 instead, so a burst of
                // wrong guesses would turn into UNAVAILABLE and go uncounted. A host data source may default to
                // either. Asking the server costs a round trip (pgjdbc sends SHOW TRANSACTION ISOLATION LEVEL), so the
                // level is asked once per physical connection and remembered. Should the host change a pooled
                // connection's level behind our back, the difference can only show as a serialization failure
                // (40001; a single statement otherwise sees the same snapshot at every level): then the level is
                // asked again and the work rerun at READ COMMITTED, so nothing ever runs at another level for good.
                try {
                    return atReadCommitted(connection, work, false);
                } catch (SQLException e) {
                    if (isolationPinned || !SERIALIZATION_FAILURE.equals(e.getSQLState())) {
                        throw e;
                    }
                    return atReadCommitted(connection, work, true);
                }
            } finally {
                if (hostWantsManualCommit) {
                    connection.setAutoCommit(false);
                }
            }
        } catch (SQLException e) {
            throw translate(store, e);
        }
    }

    private <T> T atReadCommitted(Connection connection, Work<T> work, boolean askAgain) throws SQLException {
        if (isolationPinned) {
            return work.run(connection);
        }
        Connection physical = physical(connection);
        Integer known = askAgain ? null : hostIsolation.get(physical);
        int host = known != null ? known : connection.getTransactionIsolation();
        if (known == null) {
            hostIsolation.put(physical, host);
        }
        if (host == READ_COMMITTED) {
            return work.run(connection);
        }
        connection.setTransactionIsolation(READ_COMMITTED);
        try {
            return work.run(connection);
        } finally {
            connection.setTransactionIsolation(host);
        }
    }

    /** The driver's connection under a pool's wrapper, the key its isolation level is remembered by. */
    private static Connection physical(Connection connection) {
        try {
            return connection.unwrap(Connection.class);
        } catch (SQLException e) {
            return connection;
        }
    }

    static AuthException translate(String store, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("23505")) {
            // No cause: the server's detail text names the duplicate value (an email, a hash).
            return new AuthException(ErrorCode.CONFLICT, store + ": a unique value is already in use");
        }
        if (state.startsWith("22") || state.equals("54000")) {
            // Class 22 (data exception) and 54000 (e.g. a value too long for a btree index): the input, not the
            // server, is at fault, so retrying would not help.
            return AuthException.invalidRequest(store + ": a value cannot be stored (SQLState " + state + ")");
        }
        return new StoreUnavailableException(
                reason(e),
                "PostgreSQL " + store + " unavailable" + (state.isEmpty() ? "" : " (SQLState " + state + ")"),
                e);
    }

    /**
     * The cause class, for health reports and logs: SQLStates first (the pool's own timeout carries the state of the
     * last connection failure, so a wrong database name is not mistaken for a slow server), then the socket errors in
     * the chain, then the driver's and the pool's timeouts.
     */
    static StoreUnavailableException.Reason reason(SQLException e) {
        boolean timedOut = false;
        int depth = 0;
        for (@Nullable Throwable t = e; t != null && depth < 20; t = t.getCause(), depth++) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState() == null ? "" : sql.getSQLState();
                if (state.startsWith("28")) {
                    return StoreUnavailableException.Reason.AUTHENTICATION_FAILED; // 28000, 28P01
                }
                if (state.equals("3D000")) {
                    return StoreUnavailableException.Reason.DATABASE_MISSING;
                }
                timedOut |= state.equals("57014")
                        || sql instanceof SQLTimeoutException
                        || sql instanceof SQLTransientConnectionException;
            }
        }
        StoreUnavailableException.Reason fromChain = StoreUnavailableException.reasonOf(e);
        if (fromChain == StoreUnavailableException.Reason.OTHER && timedOut) {
            return StoreUnavailableException.Reason.TIMEOUT;
        }
        return fromChain;
    }

    /**
     * Rejects strings PostgreSQL's {@code text} cannot hold: NUL characters, and unpaired UTF-16 surrogates that
     * would otherwise be silently replaced while encoding to UTF-8. Checked before touching the database.
     */
    static void checkText(String field, @Nullable String value) {
        if (value == null) {
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\0') {
                throw AuthException.invalidRequest(field + " contains a NUL character");
            }
            if (Character.isHighSurrogate(c)
                    && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw AuthException.invalidRequest(field + " contains an unpaired surrogate character");
            }
        }
    }

    /**
     * PostgreSQL keeps microseconds; flooring here (instead of letting the server round) keeps stored instants
     * deterministic and never moves an expiry later than the core asked for.
     */
    static void setInstant(PreparedStatement statement, int index, @Nullable Instant instant) throws SQLException {
        if (instant == null) {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(
                    index, OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
        }
    }

    static @Nullable Instant getInstant(ResultSet rows, String column) throws SQLException {
        OffsetDateTime value = rows.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** A {@code NOT NULL} timestamp column. */
    static Instant getRequiredInstant(ResultSet rows, String column) throws SQLException {
        Instant value = getInstant(rows, column);
        if (value == null) {
            throw new SQLException(column + " is null");
        }
        return value;
    }

    static int wholeSeconds(Duration duration) {
        long millis = duration.toMillis();
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (millis + 999) / 1000));
    }
}
