package dev.latchkey.auth.store.postgres;

import dev.latchkey.auth.spi.ExternalIdentity;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The {@code external_identities} table behind {@link PostgresUserDatabase}'s {@link
 * dev.latchkey.auth.spi.ExternalIdentityStore} methods. Links reference {@code users} with a foreign key (ON DELETE
 * CASCADE), so they live in the user database's schema; {@code created_at} is the first sign-in.
 *
 * <p>{@link #linkIfAbsent} is {@code INSERT ... ON CONFLICT DO NOTHING} on the primary key combined with a read of the
 * existing row; when a concurrent link committed after the statement's snapshot, a second statement reads it. So of N
 * concurrent links of one identity exactly one inserts, and every caller gets that one back.
 */
final class PostgresExternalIdentities {
    private static final String STORE = "external identity store";
    private static final String COLUMNS =
            "tenant_id, provider, issuer, subject, user_id, email, email_verified, created_at, last_sign_in_at";

    private final Jdbc jdbc;
    private final String find;
    private final String link;
    private final String recordSignIn;
    private final String unlink;
    private final String list;

    PostgresExternalIdentities(Jdbc jdbc) {
        this.jdbc = jdbc;
        String table = jdbc.layout().table("external_identities");
        String key = " WHERE tenant_id = ? AND issuer = ? AND subject = ?";
        find = "SELECT " + COLUMNS + " FROM " + table + key;
        link = "WITH inserted AS (INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (tenant_id, issuer, subject) DO NOTHING RETURNING " + COLUMNS + ")"
                + " SELECT " + COLUMNS + " FROM inserted UNION ALL SELECT " + COLUMNS + " FROM " + table + key
                + " AND NOT EXISTS (SELECT 1 FROM inserted)";
        recordSignIn = "UPDATE " + table + " SET email = ?, email_verified = ?, last_sign_in_at = ?" + key;
        unlink = "DELETE FROM " + table + key + " AND user_id = ?";
        list = "SELECT " + COLUMNS + " FROM " + table
                + " WHERE tenant_id = ? AND user_id = ? ORDER BY created_at, issuer, subject";
    }

    Optional<ExternalIdentity> find(String tenantId, String issuer, String subject) {
        checkKey(tenantId, issuer, subject);
        return jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(find)) {
                setKey(statement, 1, tenantId, issuer, subject);
                return readOne(statement);
            }
        });
    }

    ExternalIdentity linkIfAbsent(ExternalIdentity l) {
        checkKey(l.tenantId(), l.issuer(), l.subject());
        Jdbc.checkText("provider", l.provider());
        Jdbc.checkText("email", l.email());
        return jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(link)) {
                int i = 1;
                statement.setString(i++, l.tenantId());
                statement.setString(i++, l.provider());
                statement.setString(i++, l.issuer());
                statement.setString(i++, l.subject());
                statement.setObject(i++, l.userId());
                statement.setString(i++, l.email());
                statement.setBoolean(i++, l.emailVerified());
                Jdbc.setInstant(statement, i++, l.firstSignInAt());
                Jdbc.setInstant(statement, i++, l.lastSignInAt());
                setKey(statement, i, l.tenantId(), l.issuer(), l.subject());
                Optional<ExternalIdentity> stored = readOne(statement);
                if (stored.isPresent()) {
                    return stored.get();
                }
            }
            // A concurrent link committed after this statement's snapshot: a fresh statement sees it.
            try (PreparedStatement statement = connection.prepareStatement(find)) {
                setKey(statement, 1, l.tenantId(), l.issuer(), l.subject());
                return readOne(statement)
                        .orElseThrow(() -> new IllegalStateException("the link vanished while it was being made"));
            }
        });
    }

    void recordSignIn(
            String tenantId, String issuer, String subject, @Nullable String email, boolean emailVerified, Instant at) {
        checkKey(tenantId, issuer, subject);
        Jdbc.checkText("email", email);
        jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(recordSignIn)) {
                statement.setString(1, email);
                statement.setBoolean(2, emailVerified);
                Jdbc.setInstant(statement, 3, at);
                setKey(statement, 4, tenantId, issuer, subject);
                return statement.executeUpdate();
            }
        });
    }

    boolean unlink(String tenantId, UUID userId, String issuer, String subject) {
        checkKey(tenantId, issuer, subject);
        return jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(unlink)) {
                setKey(statement, 1, tenantId, issuer, subject);
                statement.setObject(4, userId);
                return statement.executeUpdate() > 0;
            }
        });
    }

    List<ExternalIdentity> listForUser(String tenantId, UUID userId) {
        Jdbc.checkText("tenantId", tenantId);
        return jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(list)) {
                statement.setString(1, tenantId);
                statement.setObject(2, userId);
                List<ExternalIdentity> links = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        links.add(read(rows));
                    }
                }
                return links;
            }
        });
    }

    private static void checkKey(String tenantId, String issuer, String subject) {
        Jdbc.checkText("tenantId", tenantId);
        Jdbc.checkText("issuer", issuer);
        Jdbc.checkText("subject", subject);
    }

    private static void setKey(PreparedStatement statement, int first, String tenantId, String issuer, String subject)
            throws SQLException {
        statement.setString(first, tenantId);
        statement.setString(first + 1, issuer);
        statement.setString(first + 2, subject);
    }

    private static Optional<ExternalIdentity> readOne(PreparedStatement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            return rows.next() ? Optional.of(read(rows)) : Optional.empty();
        }
    }

    private static ExternalIdentity read(ResultSet rows) throws SQLException {
        return new ExternalIdentity(
                rows.getString("tenant_id"),
                rows.getString("provider"),
                rows.getString("issuer"),
                rows.getString("subject"),
                rows.getObject("user_id", UUID.class),
                rows.getString("email"),
                rows.getBoolean("email_verified"),
                Jdbc.getRequiredInstant(rows, "created_at"),
                Jdbc.getRequiredInstant(rows, "last_sign_in_at"));
    }
}
