package dev.latchkey.auth.store.postgres;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.User;
import dev.latchkey.auth.spi.CodeLogin;
import dev.latchkey.auth.spi.ExternalIdentity;
import dev.latchkey.auth.spi.ExternalIdentityStore;
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
import java.util.List;
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
public final class PostgresUserDatabase implements UserDatabase, ExternalIdentityStore {

    private static final String STORE = "user store";

    /** Upsert attempts before giving up, when the conflicting user keeps changing its key under us. */
    private static final int UPSERT_ATTEMPTS = 3;

    private final Jdbc jdbc;
    /** The user columns, on alias {@code u}, as {@link #readUser} reads them. */
    static final String COLUMNS = "u.id, u.tenant_id, u.email, u.mobile, u.name, u.role,"
            + " ARRAY(SELECT jsonb_array_elements_text(u.permissions)) AS permissions,"
            + " u.is_active, u.last_login, u.created_at, u.updated_at, u.email_verified_at";

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
    private final String markEmailVerified;
    private final String codeLoginByEmail;
    private final String codeLoginByMobile;
    private final String inviteLoginByEmail;
    private final String inviteLoginByMobile;
    private final PostgresExternalIdentities identities;

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
        // A changed email is unproven: its verification time is cleared (the right-hand sides see the old row).
        update = "WITH u AS (UPDATE " + users
                + " SET email_verified_at = CASE WHEN email IS NOT DISTINCT FROM ?::text THEN email_verified_at END,"
                + " email = ?, mobile = ?, name = ?, role = ?,"
                + " permissions = to_jsonb(?::text[]), is_active = ?, updated_at = ?"
                + " WHERE tenant_id = ? AND id = ? RETURNING *) SELECT " + columns + " FROM u";
        disable = "UPDATE " + users + " SET is_active = false, updated_at = ? WHERE tenant_id = ? AND id = ?";
        recordLogin = "UPDATE " + users + " SET last_login = ? WHERE tenant_id = ? AND id = ?";
        markEmailVerified =
                "UPDATE " + users + " SET email_verified_at = ? WHERE tenant_id = ? AND id = ? AND email = ?";
        codeLoginByEmail = codeLoginSql(users, "email");
        codeLoginByMobile = codeLoginSql(users, "mobile");
        inviteLoginByEmail = inviteLoginSql(users, "email");
        inviteLoginByMobile = inviteLoginSql(users, "mobile");
        this.identities = new PostgresExternalIdentities(jdbc);
    }

    /**
     * {@link #recordCodeLogin} with a new user, in one statement: inserts the user with the login already recorded,
     * or, when an active user holds the login key, records the login on that row ({@code ON CONFLICT DO UPDATE}
     * works on the latest committed row, so a concurrent sign-up of the same key is found, never duplicated). {@code
     * xmax = 0} tells an inserted row from an updated one. An inactive user is left untouched and read as it is.
     *
     * <p>Parameters: the ten inserted values (the email verification time is the login time for an email login, else
     * null), then the tenant and the login key.
     */
    private String codeLoginSql(String users, String keyColumn) {
        return "WITH login AS (INSERT INTO " + users + " AS t"
                + " (id, tenant_id, email, mobile, name, role, permissions, is_active, last_login, created_at,"
                + " updated_at, email_verified_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, to_jsonb(?::text[]), true, ?, ?, ?, ?)"
                + " ON CONFLICT (tenant_id, " + keyColumn + ") WHERE " + keyColumn + " IS NOT NULL DO UPDATE"
                + " SET last_login = EXCLUDED.last_login,"
                + " email_verified_at = COALESCE(EXCLUDED.email_verified_at, t.email_verified_at)"
                + " WHERE t.is_active RETURNING t.*, (t.xmax = 0) AS created)"
                + " SELECT u.created, " + columns + " FROM login u"
                + " UNION ALL " + inactiveSql(users, keyColumn);
    }

    /**
     * {@link #recordCodeLogin} without a new user (invite-only): records the login of the active user holding the key.
     * Parameters: the login time, the email verification time (or null), the tenant and key twice.
     */
    private String inviteLoginSql(String users, String keyColumn) {
        return "WITH login AS (UPDATE " + users + " t SET last_login = ?,"
                + " email_verified_at = COALESCE(?, t.email_verified_at)"
                + " WHERE t.tenant_id = ? AND t." + keyColumn + " = ? AND t.is_active RETURNING t.*)"
                + " SELECT false AS created, " + columns + " FROM login u"
                + " UNION ALL " + inactiveSql(users, keyColumn);
    }

    /** The inactive user holding the key, when the login CTE recorded nothing. Parameters: tenant, key. */
    private String inactiveSql(String users, String keyColumn) {
        return "SELECT false AS created, " + columns + " FROM " + users + " u WHERE u.tenant_id = ? AND u." + keyColumn
                + " = ? AND NOT u.is_active AND NOT EXISTS (SELECT 1 FROM login)";
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
    public void markEmailVerified(String tenantId, UUID id, String email, Instant at) {
        Jdbc.checkText("tenantId", tenantId);
        Jdbc.checkText("email", email);
        jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(markEmailVerified)) {
                Jdbc.setInstant(statement, 1, at);
                statement.setString(2, tenantId);
                statement.setObject(3, id);
                statement.setString(4, email);
                return statement.executeUpdate();
            }
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>One statement, so one round trip and one commit: the user is found or created and the login (and, for an
     * email login, the proof of the address) recorded together. Should a concurrent change hide the row from that
     * statement (a user inserted and disabled meanwhile), the default, step by step, answers instead.
     */
    @Override
    public Optional<UpsertResult> recordCodeLogin(CodeLogin login) {
        Jdbc.checkText("tenantId", login.tenantId());
        Jdbc.checkText("email", login.email());
        Jdbc.checkText("mobile", login.mobile());
        login.newUser()
                .ifPresent(user -> checkUser(
                        user.tenantId(), user.email(), user.mobile(), user.name(), user.role(), user.permissions()));
        boolean byEmail = login.byEmail();
        String key = byEmail ? login.email() : login.mobile();
        Instant at = login.at();
        Optional<UpsertResult> recorded = jdbc.call(STORE, connection -> {
            NewUser user = login.newUser().orElse(null);
            String sql = user != null
                    ? (byEmail ? codeLoginByEmail : codeLoginByMobile)
                    : (byEmail ? inviteLoginByEmail : inviteLoginByMobile);
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                int i = 1;
                if (user != null) {
                    statement.setObject(i++, user.id());
                    statement.setString(i++, user.tenantId());
                    statement.setString(i++, user.email());
                    statement.setString(i++, user.mobile());
                    statement.setString(i++, user.name());
                    statement.setString(i++, user.role());
                    statement.setArray(i++, textArray(connection, user.permissions()));
                    Jdbc.setInstant(statement, i++, at);
                    Jdbc.setInstant(statement, i++, at);
                    Jdbc.setInstant(statement, i++, at);
                    Jdbc.setInstant(statement, i++, byEmail ? at : null);
                } else {
                    Jdbc.setInstant(statement, i++, at);
                    Jdbc.setInstant(statement, i++, byEmail ? at : null);
                    statement.setString(i++, login.tenantId());
                    statement.setString(i++, key);
                }
                statement.setString(i++, login.tenantId());
                statement.setString(i, key);
                try (ResultSet rows = statement.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.<UpsertResult>empty();
                    }
                    return Optional.of(new UpsertResult(readUser(rows), rows.getBoolean("created")));
                }
            }
        });
        if (recorded.isEmpty()) {
            return login.newUser().isPresent() ? UserDatabase.super.recordCodeLogin(login) : recorded;
        }
        UpsertResult result = recorded.get();
        if (!result.user().active()) {
            return recorded;
        }
        // The times as the core passed them (the column keeps microseconds), like the step-by-step default.
        User loggedIn = result.user().withLastLoginAt(at);
        if (byEmail) {
            loggedIn = loggedIn.withEmailVerifiedAt(at);
        }
        return Optional.of(new UpsertResult(loggedIn, result.created()));
    }

    // ---------------------------------------------------------------- ExternalIdentityStore (external_identities)

    @Override
    public Optional<ExternalIdentity> find(String tenantId, String issuer, String subject) {
        return identities.find(tenantId, issuer, subject);
    }

    @Override
    public ExternalIdentity linkIfAbsent(ExternalIdentity link) {
        return identities.linkIfAbsent(link);
    }

    @Override
    public void recordSignIn(
            String tenantId, String issuer, String subject, @Nullable String email, boolean emailVerified, Instant at) {
        identities.recordSignIn(tenantId, issuer, subject, email, emailVerified, at);
    }

    @Override
    public boolean unlink(String tenantId, UUID userId, String issuer, String subject) {
        return identities.unlink(tenantId, userId, issuer, subject);
    }

    @Override
    public List<ExternalIdentity> listForUser(String tenantId, UUID userId) {
        return identities.listForUser(tenantId, userId);
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
                Jdbc.getRequiredInstant(rows, "updated_at"),
                Jdbc.getInstant(rows, "email_verified_at"));
    }
}
