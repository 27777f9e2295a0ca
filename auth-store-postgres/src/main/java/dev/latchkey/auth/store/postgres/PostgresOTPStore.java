package dev.latchkey.auth.store.postgres;

import dev.latchkey.auth.spi.BudgetedCheck;
import dev.latchkey.auth.spi.BudgetedVerification;
import dev.latchkey.auth.spi.ChallengeIssue;
import dev.latchkey.auth.spi.CodeCheck;
import dev.latchkey.auth.spi.Counter;
import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.OtpChallenge;
import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.spi.Throttle;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@link OTPStore} over the {@code otp_challenges} table, for deployments that have PostgreSQL but no Redis (the
 * throttle counters are a {@link PostgresRateLimitStore}). Thread-safe; the data source is never closed here.
 *
 * <p>{@link #verify} is a single statement: it locks the live challenge row ({@code SELECT ... FOR UPDATE}), then
 * either deletes it (hash equal) or counts the attempt (hash different), and reports which branch ran. Concurrent
 * verifications of one key queue on the row lock, and each later one re-reads the row the earlier one left (deleted,
 * or with one more attempt), so a code matches at most once and every wrong guess is counted.
 */
public final class PostgresOTPStore implements OTPStore {

    private static final String STORE = "OTP store";

    private final Jdbc jdbc;
    private final String save;
    private final String find;
    private final String verify;
    private final String delete;
    private final String purge;
    private final String issue;
    private final String verifyWithBudgets;

    /**
     * An OTP store in the default schema ({@code latchkey}), migrating it on first use. Use {@link
     * PostgresStores#builder()} for another schema, a table prefix or manual migrations.
     *
     * @param dataSource the host's data source; never closed by this store
     */
    public PostgresOTPStore(DataSource dataSource) {
        this(PostgresStores.defaultJdbc(dataSource));
    }

    PostgresOTPStore(Jdbc jdbc) {
        this.jdbc = jdbc;
        String challenges = jdbc.layout().table("otp_challenges");
        String columns = "key, code_hash, created_at, expires_at, attempts, max_attempts";
        save = "INSERT INTO " + challenges + " (" + columns + ") VALUES (?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (key) DO UPDATE SET code_hash = EXCLUDED.code_hash, created_at = EXCLUDED.created_at,"
                + " expires_at = EXCLUDED.expires_at, attempts = EXCLUDED.attempts,"
                + " max_attempts = EXCLUDED.max_attempts";
        find = "SELECT " + columns + " FROM " + challenges + " WHERE key = ? AND expires_at > ?";
        // The two data-modifying branches are mutually exclusive (hash equal / not equal), so the row is changed at
        // most once per statement. An expired or locked challenge is left untouched, as the contract requires.
        verify = "WITH challenge AS (SELECT key, code_hash, attempts, max_attempts FROM " + challenges
                + " WHERE key = ? AND expires_at > ? FOR UPDATE),"
                + " consumed AS (DELETE FROM " + challenges + " c USING challenge"
                + " WHERE c.key = challenge.key AND challenge.attempts < challenge.max_attempts"
                + " AND challenge.code_hash = ? RETURNING 1),"
                + " counted AS (UPDATE " + challenges + " c SET attempts = c.attempts + 1 FROM challenge"
                + " WHERE c.key = challenge.key AND challenge.attempts < challenge.max_attempts"
                + " AND challenge.code_hash <> ? RETURNING 1)"
                + " SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM challenge) THEN 'ABSENT'"
                + " WHEN EXISTS (SELECT 1 FROM consumed) THEN 'MATCHED'"
                + " WHEN EXISTS (SELECT 1 FROM counted) THEN 'MISMATCHED' ELSE 'LOCKED' END";
        delete = "DELETE FROM " + challenges + " WHERE key = ?";
        purge = "DELETE FROM " + challenges + " WHERE expires_at <= ?";
        issue = "SELECT refused_by, counter_count, counter_reset FROM "
                + jdbc.layout().table("issue_challenge") + "(?, ?, ?, ?::timestamptz[], ?, ?, ?, ?, ?, ?, ?)";
        verifyWithBudgets = "SELECT verdict, client_count, client_reset, address_count, address_reset FROM "
                + jdbc.layout().table("verify_with_budgets") + "(?, ?, ?, ?, ?, ?, ?, ?, ?)";
    }

    /**
     * One call of the {@code issue_challenge} function (migration V4) when {@code counters} is this bundle's {@link
     * PostgresRateLimitStore} (same data source and tables): all throttles, the delivery budget and the challenge in
     * one round trip and one commit. Otherwise the default, step by step.
     */
    @Override
    public ChallengeIssue issueChallenge(
            RateLimitStore counters,
            List<Throttle> throttlesInOrder,
            String deliveryBudgetKey,
            OtpChallenge challenge,
            Instant now) {
        if (!(counters instanceof PostgresRateLimitStore sibling)
                || !sibling.jdbc().sameTablesAs(jdbc)) {
            return OTPStore.super.issueChallenge(counters, throttlesInOrder, deliveryBudgetKey, challenge, now);
        }
        Jdbc.checkText("key", challenge.key());
        Jdbc.checkText("code hash", challenge.codeHash());
        Jdbc.checkText("key", deliveryBudgetKey);
        // timestamptz holds microseconds: windows are computed from the instant the database will store, as the
        // counter store does.
        Instant nowMicros = now.truncatedTo(ChronoUnit.MICROS);
        String[] keys = new String[throttlesInOrder.size()];
        Long[] maxes = new Long[keys.length];
        String[] resets = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            Throttle throttle = throttlesInOrder.get(i);
            Jdbc.checkText("key", throttle.key());
            keys[i] = throttle.key();
            maxes[i] = throttle.max();
            resets[i] = nowMicros.plus(throttle.window()).toString();
        }
        return jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(issue)) {
                Jdbc.setInstant(statement, 1, nowMicros);
                statement.setArray(2, connection.createArrayOf("text", keys));
                statement.setArray(3, connection.createArrayOf("bigint", maxes));
                statement.setArray(4, connection.createArrayOf("text", resets));
                statement.setString(5, deliveryBudgetKey);
                statement.setString(6, challenge.key());
                statement.setString(7, challenge.codeHash());
                Jdbc.setInstant(statement, 8, challenge.createdAt());
                Jdbc.setInstant(statement, 9, challenge.expiresAt());
                statement.setInt(10, challenge.attempts());
                statement.setInt(11, challenge.maxAttempts());
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    int refusedBy = rows.getInt("refused_by");
                    long count = rows.getLong("counter_count");
                    Counter counter = count == 0
                            ? new Counter(0, now)
                            : new Counter(count, Jdbc.getRequiredInstant(rows, "counter_reset"));
                    return refusedBy == 0
                            ? ChallengeIssue.issued(counter)
                            : ChallengeIssue.refused(throttlesInOrder.get(refusedBy - 1), counter);
                }
            }
        });
    }

    /**
     * One call of the {@code verify_with_budgets} function (migration V4) when {@code counters} is this bundle's
     * {@link PostgresRateLimitStore}: both budgets and the verification in one round trip and one commit, the
     * challenge row locked while it is compared (see {@link #verify}). Otherwise the default, step by step.
     */
    @Override
    public BudgetedCheck verifyWithBudgets(RateLimitStore counters, BudgetedVerification plan, Instant now) {
        if (!(counters instanceof PostgresRateLimitStore sibling)
                || !sibling.jdbc().sameTablesAs(jdbc)) {
            return OTPStore.super.verifyWithBudgets(counters, plan, now);
        }
        Jdbc.checkText("key", plan.challengeKey());
        Jdbc.checkText("code hash", plan.codeHash());
        Jdbc.checkText("key", plan.client().key());
        Jdbc.checkText("key", plan.address().key());
        Instant nowMicros = now.truncatedTo(ChronoUnit.MICROS);
        return jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(verifyWithBudgets)) {
                Jdbc.setInstant(statement, 1, nowMicros);
                statement.setString(2, plan.challengeKey());
                statement.setString(3, plan.codeHash());
                statement.setString(4, plan.client().key());
                statement.setLong(5, plan.client().max());
                Jdbc.setInstant(statement, 6, nowMicros.plus(plan.client().window()));
                statement.setString(7, plan.address().key());
                statement.setLong(8, plan.address().max());
                Jdbc.setInstant(statement, 9, nowMicros.plus(plan.address().window()));
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    return new BudgetedCheck(
                            BudgetedCheck.Verdict.valueOf(rows.getString("verdict")),
                            counter(rows, "client_count", "client_reset", now),
                            counter(rows, "address_count", "address_reset", now));
                }
            }
        });
    }

    /** A counter the function returned; count 0 is reported with {@code resetAt = now}, as {@code peek} does. */
    private static Counter counter(ResultSet rows, String count, String reset, Instant now) throws SQLException {
        long value = rows.getLong(count);
        return value == 0 ? new Counter(0, now) : new Counter(value, Jdbc.getRequiredInstant(rows, reset));
    }

    @Override
    public void saveChallenge(OtpChallenge challenge) {
        Jdbc.checkText("key", challenge.key());
        Jdbc.checkText("code hash", challenge.codeHash());
        jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(save)) {
                statement.setString(1, challenge.key());
                statement.setString(2, challenge.codeHash());
                Jdbc.setInstant(statement, 3, challenge.createdAt());
                Jdbc.setInstant(statement, 4, challenge.expiresAt());
                statement.setInt(5, challenge.attempts());
                statement.setInt(6, challenge.maxAttempts());
                return statement.executeUpdate();
            }
        });
    }

    @Override
    public Optional<OtpChallenge> findChallenge(String key, Instant now) {
        Jdbc.checkText("key", key);
        return jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(find)) {
                statement.setString(1, key);
                Jdbc.setInstant(statement, 2, now);
                try (ResultSet rows = statement.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new OtpChallenge(
                            rows.getString("key"),
                            rows.getString("code_hash"),
                            Jdbc.getRequiredInstant(rows, "created_at"),
                            Jdbc.getRequiredInstant(rows, "expires_at"),
                            rows.getInt("attempts"),
                            rows.getInt("max_attempts")));
                }
            }
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>The hashes are compared by PostgreSQL's ordinary text equality, not in constant time; they are keyed hashes
     * (HMAC) of the code, so timing reveals nothing usable about the code itself.
     */
    @Override
    public CodeCheck verify(String key, String codeHash, Instant now) {
        Jdbc.checkText("key", key);
        Jdbc.checkText("code hash", codeHash);
        return jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(verify)) {
                statement.setString(1, key);
                Jdbc.setInstant(statement, 2, now);
                statement.setString(3, codeHash);
                statement.setString(4, codeHash);
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    return CodeCheck.valueOf(rows.getString(1));
                }
            }
        });
    }

    @Override
    public void deleteChallenge(String key) {
        Jdbc.checkText("key", key);
        jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(delete)) {
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
