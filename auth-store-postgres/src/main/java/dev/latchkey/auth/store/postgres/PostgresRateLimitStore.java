package dev.latchkey.auth.store.postgres;

import dev.latchkey.auth.spi.Counter;
import dev.latchkey.auth.spi.RateLimitStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * {@link RateLimitStore} over the {@code throttle_counters} table (created by the first migration), for deployments
 * that have PostgreSQL but no Redis. Thread-safe; the data source is never closed here.
 *
 * <p>{@link #increment} is a single {@code INSERT ... ON CONFLICT DO UPDATE ... RETURNING}: concurrent increments of
 * one key queue on its row lock and each sees the count the previous one left, so no hit is lost and each count is
 * returned once.
 */
public final class PostgresRateLimitStore implements RateLimitStore {

    private static final String STORE = "rate-limit store";

    private final Jdbc jdbc;
    private final String increment;
    private final String peek;
    private final String purge;
    private final String reset;

    /**
     * A rate-limit store in the default schema ({@code latchkey}), migrating it on first use. Use {@link
     * PostgresStores#builder()} for another schema, a table prefix or manual migrations.
     *
     * @param dataSource the host's data source; never closed by this store
     */
    public PostgresRateLimitStore(DataSource dataSource) {
        this(PostgresStores.defaultJdbc(dataSource));
    }

    PostgresRateLimitStore(Jdbc jdbc) {
        this.jdbc = jdbc;
        String counters = jdbc.layout().table("throttle_counters");
        // Parameters: key, new reset_at, now, now. A window is live while reset_at is after now.
        increment = "INSERT INTO " + counters + " AS t (key, count, reset_at) VALUES (?, 1, ?)"
                + " ON CONFLICT (key) DO UPDATE SET"
                + " count = CASE WHEN t.reset_at <= ? THEN 1 ELSE t.count + 1 END,"
                + " reset_at = CASE WHEN t.reset_at <= ? THEN EXCLUDED.reset_at ELSE t.reset_at END"
                + " RETURNING count, reset_at";
        peek = "SELECT count, reset_at FROM " + counters + " WHERE key = ? AND reset_at > ?";
        purge = "DELETE FROM " + counters + " WHERE reset_at <= ?";
        reset = "DELETE FROM " + counters + " WHERE key = ?";
    }

    /** Where the counters live, so a sibling store can tell whether they are in its own tables. */
    Jdbc jdbc() {
        return jdbc;
    }

    @Override
    public Counter increment(String key, Duration window, Instant now) {
        Jdbc.checkText("key", key);
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive");
        }
        // timestamptz holds microseconds: the window is computed from the instant the database will store.
        Instant nowMicros = now.truncatedTo(ChronoUnit.MICROS);
        return jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(increment)) {
                statement.setString(1, key);
                Jdbc.setInstant(statement, 2, nowMicros.plus(window));
                Jdbc.setInstant(statement, 3, nowMicros);
                Jdbc.setInstant(statement, 4, nowMicros);
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    return new Counter(rows.getLong("count"), Jdbc.getRequiredInstant(rows, "reset_at"));
                }
            }
        });
    }

    @Override
    public Counter peek(String key, Instant now) {
        Jdbc.checkText("key", key);
        return jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(peek)) {
                statement.setString(1, key);
                Jdbc.setInstant(statement, 2, now);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next()
                            ? new Counter(rows.getLong("count"), Jdbc.getRequiredInstant(rows, "reset_at"))
                            : new Counter(0, now);
                }
            }
        });
    }

    @Override
    public void reset(String key) {
        Jdbc.checkText("key", key);
        jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(reset)) {
                statement.setString(1, key);
                return statement.executeUpdate();
            }
        });
    }

    @Override
    public int purgeExpired(Instant now) {
        return jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(purge)) {
                Jdbc.setInstant(statement, 1, now);
                return statement.executeUpdate();
            }
        });
    }

    @Override
    public void ping() {
        jdbc.ping(STORE);
    }
}
