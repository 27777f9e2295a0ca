package dev.latchkey.auth.store.postgres;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.User;
import dev.latchkey.auth.spi.SessionRecord;
import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.spi.SessionWithUser;
import dev.latchkey.auth.spi.StoreUnavailableException;
import dev.latchkey.auth.spi.UserDatabase;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * {@link SessionStore} over the {@code sessions} table. Rotation is one compare-and-set {@code UPDATE ... WHERE id
 * = ? AND token_hash = ? AND <live>}: PostgreSQL row locking makes concurrent rotations of one family queue, and each
 * later one re-evaluates its {@code WHERE} against the row the earlier one left, so exactly one of them matches.
 * Thread-safe; the data source is never closed here.
 */
public final class PostgresSessionStore implements SessionStore {

    private static final String STORE = "session store";
    /** Session checks read together at most; 64 rows of a session and its user stay well under 64 KiB. */
    private static final int MAX_BATCH = 64;
    /**
     * Batches read at once, each on its own pooled connection. Two keeps the database busy while one batch's answer
     * travels back; more only splits the queue into smaller batches (measured on two cores at 16 threads: 1 and 2
     * about equal, 4 a fifth slower).
     */
    private static final int MAX_BATCHES_IN_FLIGHT = 2;

    private final Jdbc jdbc;
    private final String insert;
    private final String select;
    private final String selectWithUser;
    private final String selectManyWithUser;
    private final CoalescingReader<SessionWithUser> sessionsWithUsers;
    private final String rotate;
    private final String revoke;
    private final String revokeAll;
    private final String revokeAllExcept;
    private final String listForUser;
    private final String purge;

    /**
     * A session store in the default schema ({@code latchkey}), migrating it on first use. Use {@link
     * PostgresStores#builder()} for another schema, a table prefix or manual migrations.
     *
     * @param dataSource the host's data source; never closed by this store
     */
    public PostgresSessionStore(DataSource dataSource) {
        this(PostgresStores.defaultJdbc(dataSource));
    }

    PostgresSessionStore(Jdbc jdbc) {
        this.jdbc = jdbc;
        String sessions = jdbc.layout().table("sessions");
        String columns = "id, tenant_id, user_id, token_hash, previous_token_hash, generation, created_at,"
                + " last_rotated_at, idle_expires_at, absolute_expires_at";
        String live = "idle_expires_at > ? AND absolute_expires_at > ?";
        insert = "INSERT INTO " + sessions + " (" + columns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        select = "SELECT " + columns + " FROM " + sessions + " WHERE id = ?";
        // The user's columns first, under their own names; the session's after them, prefixed with s_.
        String prefixed = "s.id AS s_id, s.tenant_id AS s_tenant_id, s.user_id AS s_user_id,"
                + " s.token_hash AS s_token_hash, s.previous_token_hash AS s_previous_token_hash,"
                + " s.generation AS s_generation, s.created_at AS s_created_at,"
                + " s.last_rotated_at AS s_last_rotated_at, s.idle_expires_at AS s_idle_expires_at,"
                + " s.absolute_expires_at AS s_absolute_expires_at";
        String selectWithUserFrom = "SELECT " + prefixed + ", u.id IS NOT NULL AS has_user, "
                + PostgresUserDatabase.COLUMNS + " FROM " + sessions + " s LEFT JOIN "
                + jdbc.layout().table("users")
                + " u ON u.tenant_id = s.tenant_id AND u.id = s.user_id WHERE s.id ";
        selectWithUser = selectWithUserFrom + "= ?";
        selectManyWithUser = selectWithUserFrom + "= ANY (?)";
        sessionsWithUsers = new CoalescingReader<>(
                this::readWithUsers, PostgresSessionStore::unreachable, MAX_BATCH, MAX_BATCHES_IN_FLIGHT);
        rotate = "UPDATE " + sessions + " SET previous_token_hash = token_hash, token_hash = ?,"
                + " generation = generation + 1, last_rotated_at = ?, idle_expires_at = ?"
                + " WHERE id = ? AND token_hash = ? AND " + live;
        revoke = "DELETE FROM " + sessions + " WHERE id = ?";
        revokeAll = "DELETE FROM " + sessions + " WHERE tenant_id = ? AND user_id = ?";
        revokeAllExcept = revokeAll + " AND id <> ?";
        listForUser = "SELECT " + columns + " FROM " + sessions + " WHERE tenant_id = ? AND user_id = ? AND " + live
                + " ORDER BY created_at, id";
        purge = "DELETE FROM " + sessions + " WHERE LEAST(idle_expires_at, absolute_expires_at) <= ?";
    }

    @Override
    public void create(SessionRecord session) {
        Jdbc.checkText("session id", session.id());
        Jdbc.checkText("tenantId", session.tenantId());
        Jdbc.checkText("token hash", session.tokenHash());
        Jdbc.checkText("previous token hash", session.previousTokenHash());
        jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(insert)) {
                statement.setString(1, session.id());
                statement.setString(2, session.tenantId());
                statement.setObject(3, session.userId());
                statement.setString(4, session.tokenHash());
                statement.setString(5, session.previousTokenHash());
                statement.setLong(6, session.generation());
                Jdbc.setInstant(statement, 7, session.createdAt());
                Jdbc.setInstant(statement, 8, session.lastRotatedAt());
                Jdbc.setInstant(statement, 9, session.idleExpiresAt());
                Jdbc.setInstant(statement, 10, session.absoluteExpiresAt());
                return statement.executeUpdate();
            } catch (SQLException e) {
                if ("23505".equals(e.getSQLState())) {
                    throw new AuthException(ErrorCode.CONFLICT, "a session with this id already exists");
                }
                throw e;
            }
        });
    }

    @Override
    public Optional<SessionRecord> find(String sessionId) {
        Jdbc.checkText("session id", sessionId);
        return jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(select)) {
                statement.setString(1, sessionId);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? Optional.of(read(rows)) : Optional.empty();
                }
            }
        });
    }

    /**
     * One round trip ({@code sessions LEFT JOIN users}) when {@code users} is this bundle's own PostgreSQL user
     * database (same data source and schema); otherwise the default's two lookups. Concurrent calls share round
     * trips: each call's read starts after the call does, but calls arriving while others are being read are read
     * together in one statement ({@link CoalescingReader}), so session checks are not capped at one round trip each.
     */
    @Override
    public Optional<SessionWithUser> findWithUser(String sessionId, UserDatabase users) {
        if (!(users instanceof PostgresUserDatabase own) || !jdbc.sameTablesAs(own.jdbc())) {
            return SessionStore.super.findWithUser(sessionId, users);
        }
        // Checked on the caller's thread: a key PostgreSQL cannot take would otherwise fail the whole batch.
        Objects.requireNonNull(sessionId, "sessionId");
        Jdbc.checkText("session id", sessionId);
        try {
            return sessionsWithUsers.get(sessionId);
        } catch (StoreUnavailableException shared) {
            // One failed read may answer many callers: each gets an exception of its own, with this thread's trace.
            throw new StoreUnavailableException(shared.reason(), String.valueOf(shared.getMessage()), shared);
        }
    }

    /**
     * Whether a failed read means no read can succeed now (the server is unreachable, silent, or refuses us), so that
     * checks queued behind it fail with it rather than after a failed read of their own. Not for {@link
     * StoreUnavailableException.Reason#OTHER}: a broken pooled connection, a cancelled statement or an interrupted
     * borrow concern that one read, and the next may well succeed.
     */
    private static boolean unreachable(RuntimeException failure) {
        return failure instanceof StoreUnavailableException unavailable
                && unavailable.reason() != StoreUnavailableException.Reason.OTHER;
    }

    private Map<String, SessionWithUser> readWithUsers(List<String> sessionIds) {
        return jdbc.call(STORE, connection -> {
            boolean one = sessionIds.size() == 1;
            try (PreparedStatement statement = connection.prepareStatement(one ? selectWithUser : selectManyWithUser)) {
                if (one) {
                    statement.setString(1, sessionIds.get(0));
                } else {
                    statement.setArray(1, connection.createArrayOf("text", sessionIds.toArray()));
                }
                Map<String, SessionWithUser> found = new HashMap<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        SessionRecord session = read(rows, "s_");
                        User user = rows.getBoolean("has_user") ? PostgresUserDatabase.readUser(rows) : null;
                        found.put(session.id(), new SessionWithUser(session, user));
                    }
                }
                return found;
            }
        });
    }

    @Override
    public boolean rotate(
            String sessionId, String expectedTokenHash, String newTokenHash, Instant now, Instant newIdleExpiresAt) {
        Jdbc.checkText("session id", sessionId);
        Jdbc.checkText("token hash", expectedTokenHash);
        Jdbc.checkText("token hash", newTokenHash);
        return jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(rotate)) {
                statement.setString(1, newTokenHash);
                Jdbc.setInstant(statement, 2, now);
                Jdbc.setInstant(statement, 3, newIdleExpiresAt);
                statement.setString(4, sessionId);
                statement.setString(5, expectedTokenHash);
                Jdbc.setInstant(statement, 6, now);
                Jdbc.setInstant(statement, 7, now);
                return statement.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean revoke(String sessionId) {
        Jdbc.checkText("session id", sessionId);
        return jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(revoke)) {
                statement.setString(1, sessionId);
                return statement.executeUpdate() > 0;
            }
        });
    }

    @Override
    public int revokeAllForUser(String tenantId, UUID userId, @Nullable String exceptSessionId) {
        Jdbc.checkText("tenantId", tenantId);
        Jdbc.checkText("session id", exceptSessionId);
        return jdbc.call(STORE, connection -> {
            try (PreparedStatement statement =
                    connection.prepareStatement(exceptSessionId == null ? revokeAll : revokeAllExcept)) {
                statement.setString(1, tenantId);
                statement.setObject(2, userId);
                if (exceptSessionId != null) {
                    statement.setString(3, exceptSessionId);
                }
                return statement.executeUpdate();
            }
        });
    }

    @Override
    public List<SessionRecord> listForUser(String tenantId, UUID userId, Instant now) {
        Jdbc.checkText("tenantId", tenantId);
        return jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(listForUser)) {
                statement.setString(1, tenantId);
                statement.setObject(2, userId);
                Jdbc.setInstant(statement, 3, now);
                Jdbc.setInstant(statement, 4, now);
                List<SessionRecord> sessions = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        sessions.add(read(rows));
                    }
                }
                return List.copyOf(sessions);
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

    private static SessionRecord read(ResultSet rows) throws SQLException {
        return read(rows, "");
    }

    private static SessionRecord read(ResultSet rows, String prefix) throws SQLException {
        return new SessionRecord(
                rows.getString(prefix + "id"),
                rows.getString(prefix + "tenant_id"),
                rows.getObject(prefix + "user_id", UUID.class),
                rows.getString(prefix + "token_hash"),
                rows.getString(prefix + "previous_token_hash"),
                rows.getLong(prefix + "generation"),
                Jdbc.getRequiredInstant(rows, prefix + "created_at"),
                Jdbc.getRequiredInstant(rows, prefix + "last_rotated_at"),
                Jdbc.getRequiredInstant(rows, prefix + "idle_expires_at"),
                Jdbc.getRequiredInstant(rows, prefix + "absolute_expires_at"));
    }
}
