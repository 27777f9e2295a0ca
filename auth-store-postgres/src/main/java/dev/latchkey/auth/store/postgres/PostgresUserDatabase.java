package dev.latchkey.auth.store.postgres;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.User;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.UpsertResult;
import dev.latchkey.auth.spi.UserDatabase;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * {@link UserDatabase} over the {@code users} table. Thread-safe; each call borrows one connection from the
 * {@link DataSource} and returns it, and the data source is never closed here.
 *
 * <p>Upsert is {@code INSERT ... ON CONFLICT DO NOTHING} on the tenant's unique index for the login key, combined in
 * the same statement with a read of the existing row. A second statement is needed only when a concurrent upsert
 * of the same user committed while the first ran, and it then reads that user: concurrent sign-ups of one
 * destination create exactly one user and every caller gets it back.
 */
public final class PostgresUserDatabase implements UserDatabase {

    private static final String STORE = "user store";

    /** Upsert attempts before giving up, when the conflicting user keeps changing its key under us. */
    private static final int UPSERT_ATTEMPTS = 3;

    private final Jdbc jdbc;
    /** The user columns, on alias {@code u}, as {@link #readUser} reads them. */
    static final String COLUMNS = "u.id, u.tenant_id, u.email, u.mobile, u.name, u.role,"
            + " ARRAY(SELECT jsonb_array_elements_text(u.permissions)) AS permissions,"
            + " u.is_active, u.last_login, u.created_at, u.updated_at";

    private final String columns;
    private final String upsertByEmail;
    private final String upsertByMobile;
    private final String existingByEmail;
    private final String existingByMobile;
    private final String selectByEmail;
    private final String selectByMobile;
    private final String selectById;
    private final String update;
    private final String disable;
    private final String recordLogin;

    /**
     * A user database in the default schema ({@code latchkey}), migrating it on first use. Use {@link
     * PostgresStores#builder()} for another schema, a table prefix or manual migrations.
     *
     * @param dataSource the host's data source; never closed by this store
     */
    public PostgresUserDatabase(DataSource dataSource) {
        this(PostgresStores.defaultJdbc(dataSource));
    }

    PostgresUserDatabase(Jdbc jdbc) {
        this.jdbc = jdbc;
        String users = jdbc.layout().table("users");
        columns = COLUMNS;
        upsertByEmail = upsertSql(users, "email", "mobile");
        upsertByMobile = upsertSql(users, "mobile", "email");
        existingByEmail = existingSql(users, "email", "mobile");
        existingByMobile = existingSql(users, "mobile", "email");
        selectByEmail = "SELECT " + columns + " FROM " + users + " u WHERE u.tenant_id = ? AND u.email = ?";
        selectByMobile = "SELECT " + columns + " FROM " + users + " u WHERE u.tenant_id = ? AND u.mobile = ?";
        selectById = "SELECT " + columns + " FROM " + users + " u WHERE u.tenant_id = ? AND u.id = ?";
        update = "WITH u AS (UPDATE " + users + " SET email = ?, mobile = ?, name = ?, role = ?,"
                + " permissions = to_jsonb(?::text[]), is_active = ?, updated_at = ?"
                + " WHERE tenant_id = ? AND id = ? RETURNING *) SELECT " + columns + " FROM u";
        disable = "UPDATE " + users + " SET is_active = false, updated_at = ? WHERE tenant_id = ? AND id = ?";
        recordLogin = "UPDATE " + users + " SET last_login = ? WHERE tenant_id = ? AND id = ?";
    }

    /**
     * Inserts, or reads the user already holding the login key, in one statement, together with whether the draft's
     * other identifier belongs to a third user ({@code other_taken}). The statement's own read cannot see a row
     * committed by a concurrent insert after the statement's snapshot was taken (the insert waited for that
     * transaction, then did nothing); in that case, and when a concurrent insert makes the OTHER identifier's index
     * fail first, {@link #existingSql} looks the key up again in a fresh statement, which sees every committed row.
     * So concurrent calls for one key create exactly one user and all return it.
     *
     * <p>Parameters: the nine inserted values, the draft's other identifier, the tenant, the login key.
     */
    private String upsertSql(String users, String keyColumn, String otherColumn) {
        return "WITH inserted AS (INSERT INTO " + users
                + " (id, tenant_id, email, mobile, name, role, permissions, is_active, last_login, created_at,"
                + " updated_at) VALUES (?, ?, ?, ?, ?, ?, to_jsonb(?::text[]), true, NULL, ?, ?)"
                + " ON CONFLICT (tenant_id, " + keyColumn + ") WHERE " + keyColumn + " IS NOT NULL DO NOTHING"
                + " RETURNING *)"
                + " SELECT true AS created, false AS other_taken, " + columns + " FROM inserted u"
                + " UNION ALL " + existingSql(users, keyColumn, otherColumn)
                + " AND NOT EXISTS (SELECT 1 FROM inserted)";
    }

    /** The user holding the login key, and whether the other identifier is a third user's. */
    private String existingSql(String users, String keyColumn, String otherColumn) {
        return "SELECT false AS created, EXISTS (SELECT 1 FROM " + users + " o WHERE o.tenant_id = u.tenant_id"
                + " AND o." + otherColumn + " = ? AND o.id <> u.id) AS other_taken, " + columns + " FROM " + users
                + " u WHERE u.tenant_id = ? AND u." + keyColumn + " = ?";
    }

    Jdbc jdbc() {
        return jdbc;
    }

    @Override
    public UpsertResult upsert(NewUser user, Instant now) {
        checkUser(user.tenantId(), user.email(), user.mobile(), user.name(), user.role(), user.permissions());
        boolean byEmail = user.keyedByEmail();
        String key = byEmail ? user.email() : user.mobile();
        String other = byEmail ? user.mobile() : user.email();
        return jdbc.call(STORE, connection -> {
            for (int attempt = 0; attempt < UPSERT_ATTEMPTS; attempt++) {
                boolean uniqueViolation = false;
                try (PreparedStatement statement =
                        connection.prepareStatement(byEmail ? upsertByEmail : upsertByMobile)) {
                    int i = 1;
                    statement.setObject(i++, user.id());
                    statement.setString(i++, user.tenantId());
                    statement.setString(i++, user.email());
                    statement.setString(i++, user.mobile());
                    statement.setString(i++, user.name());
                    statement.setString(i++, user.role());
                    statement.setArray(i++, textArray(connection, user.permissions()));
                    Jdbc.setInstant(statement, i++, now);
                    Jdbc.setInstant(statement, i++, now);
                    statement.setString(i++, other);
                    statement.setString(i++, user.tenantId());
                    statement.setString(i, key);
                    Optional<UpsertResult> result = readUpsert(statement, byEmail);
                    if (result.isPresent()) {
                        return result.get();
                    }
                } catch (SQLException e) {
                    if (!"23505".equals(e.getSQLState())) {
                        throw e;
                    }
                    uniqueViolation = true;
                }
                try (PreparedStatement statement =
                        connection.prepareStatement(byEmail ? existingByEmail : existingByMobile)) {
                    statement.setString(1, other);
                    statement.setString(2, user.tenantId());
                    statement.setString(3, key);
                    Optional<UpsertResult> existing = readUpsert(statement, byEmail);
                    if (existing.isPresent()) {
                        return existing.get();
                    }
                }
                if (uniqueViolation) {
                    throw conflict(byEmail ? "mobile number" : "email address");
                }
                // The conflicting user changed its key between our two statements: try again.
            }
            throw AuthException.unavailable("PostgreSQL user store: upsert kept racing with concurrent updates", null);
        });
    }

    private static Optional<UpsertResult> readUpsert(PreparedStatement statement, boolean byEmail) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            if (!rows.next()) {
                return Optional.empty();
            }
            if (rows.getBoolean("other_taken")) {
                throw conflict(byEmail ? "mobile number" : "email address");
            }
            return Optional.of(new UpsertResult(readUser(rows), rows.getBoolean("created")));
        }
    }

    @Override
    public Optional<User> findById(String tenantId, UUID id) {
        Jdbc.checkText("tenantId", tenantId);
        return jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(selectById)) {
                statement.setString(1, tenantId);
                statement.setObject(2, id);
                return readOptional(statement);
            }
        });
    }

    @Override
    public Optional<User> findByEmail(String tenantId, String email) {
        Jdbc.checkText("tenantId", tenantId);
        Jdbc.checkText("email", email);
        return jdbc.call(STORE, connection -> selectOne(connection, selectByEmail, tenantId, email));
    }

    @Override
    public Optional<User> findByMobile(String tenantId, String mobile) {
        Jdbc.checkText("tenantId", tenantId);
        Jdbc.checkText("mobile", mobile);
        return jdbc.call(STORE, connection -> selectOne(connection, selectByMobile, tenantId, mobile));
    }

    @Override
    public Optional<User> update(User user, Instant now) {
        checkUser(user.tenantId(), user.email(), user.mobile(), user.name(), user.role(), user.permissions());
        return jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(update)) {
                int i = 1;
                statement.setString(i++, user.email());
                statement.setString(i++, user.mobile());
                statement.setString(i++, user.name());
                statement.setString(i++, user.role());
                statement.setArray(i++, textArray(connection, user.permissions()));
                statement.setBoolean(i++, user.active());
                Jdbc.setInstant(statement, i++, now);
                statement.setString(i++, user.tenantId());
                statement.setObject(i, user.id());
                return readOptional(statement);
            } catch (SQLException e) {
                if ("23505".equals(e.getSQLState())) {
                    throw conflict("email address or mobile number");
                }
                throw e;
            }
        });
    }

    @Override
    public boolean disable(String tenantId, UUID id, Instant now) {
        Jdbc.checkText("tenantId", tenantId);
        return jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(disable)) {
                Jdbc.setInstant(statement, 1, now);
                statement.setString(2, tenantId);
                statement.setObject(3, id);
                return statement.executeUpdate() > 0;
            }
        });
    }

    @Override
    public void recordLogin(String tenantId, UUID id, Instant at) {
        Jdbc.checkText("tenantId", tenantId);
        jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(recordLogin)) {
                Jdbc.setInstant(statement, 1, at);
                statement.setString(2, tenantId);
                statement.setObject(3, id);
                return statement.executeUpdate();
            }
        });
    }

    @Override
    public void ping() {
        jdbc.ping(STORE);
    }

    private static AuthException conflict(String what) {
        return new AuthException(ErrorCode.CONFLICT, "the " + what + " already belongs to another user of the tenant");
    }

    private static void checkUser(
            String tenantId,
            @Nullable String email,
            @Nullable String mobile,
            @Nullable String name,
            String role,
            Collection<String> permissions) {
        Jdbc.checkText("tenantId", tenantId);
        Jdbc.checkText("email", email);
        Jdbc.checkText("mobile", mobile);
        Jdbc.checkText("name", name);
        Jdbc.checkText("role", role);
        for (String permission : permissions) {
            Jdbc.checkText("permission", permission);
        }
    }

    /** Sorted, so the stored JSON is deterministic for equal sets. */
    private static Array textArray(Connection connection, Set<String> values) throws SQLException {
        String[] sorted = values.toArray(String[]::new);
        Arrays.sort(sorted);
        return connection.createArrayOf("text", sorted);
    }

    private Optional<User> selectOne(Connection connection, String sql, String tenantId, String key)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, tenantId);
            statement.setString(2, key);
            return readOptional(statement);
        }
    }

    private static Optional<User> readOptional(PreparedStatement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            return rows.next() ? Optional.of(readUser(rows)) : Optional.empty();
        }
    }

    static User readUser(ResultSet rows) throws SQLException {
        Array permissions = rows.getArray("permissions");
        return new User(
                rows.getObject("id", UUID.class),
                rows.getString("tenant_id"),
                rows.getString("email"),
                rows.getString("mobile"),
                rows.getString("name"),
                rows.getString("role"),
                Set.copyOf(Arrays.asList((String[]) permissions.getArray())),
                rows.getBoolean("is_active"),
                Jdbc.getInstant(rows, "last_login"),
                Jdbc.getRequiredInstant(rows, "created_at"),
                Jdbc.getRequiredInstant(rows, "updated_at"));
    }
}
