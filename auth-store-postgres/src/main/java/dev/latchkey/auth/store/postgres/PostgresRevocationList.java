package dev.latchkey.auth.store.postgres;

import dev.latchkey.auth.spi.RevocationFeed;
import dev.latchkey.auth.spi.RevocationList;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A deny list for access tokens in PostgreSQL, by session id or {@code jti}, with a change feed through {@code
 * LISTEN/NOTIFY}, for deployments without Redis.
 *
 * <p>Access tokens stay valid until they expire; signing out must stop them sooner (ASVS 5.0 V7.4). A row matters only
 * until the {@code expiresAt} the caller passes (for the core, the access-token lifetime plus its clock-skew leeway);
 * every revocation deletes the rows that expired before its {@code now}. A revocation is one statement: it prunes,
 * inserts (keeping the later expiry of a repeated one) and calls {@code pg_notify} in the same transaction, so the
 * notification goes out exactly when the row is committed, never without it. A check is one indexed lookup, made only
 * while the facade's mirror is not live.
 *
 * <p>Each subscription of the {@linkplain #feed() feed} listens on a connection of its own: a new, unpooled one when
 * {@link PostgresStores} built the pool, otherwise one borrowed from the host's data source and held for as long as
 * the subscription lasts. A connection pooler in transaction mode (PgBouncer) cannot carry {@code LISTEN}: give such
 * deployments a direct connection, or Redis. {@link PostgresStores#close()} ends every subscription.
 */
public final class PostgresRevocationList implements RevocationList {
    private static final String STORE = "revocation list";

    private final Jdbc jdbc;
    private final PostgresRevocationSubscription.Opener listenerConnections;
    private final String channel;
    private final String revoke;
    private final String check;
    private final String live;
    private final Set<PostgresRevocationSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final RevocationFeed feed = new Feed();
    private volatile boolean closed;

    PostgresRevocationList(Jdbc jdbc, PostgresRevocationSubscription.Opener listenerConnections) {
        this.jdbc = jdbc;
        this.listenerConnections = listenerConnections;
        this.channel = channel(jdbc.layout());
        String table = jdbc.layout().table("revocations");
        // The id is excluded from the prune so that the delete and the upsert never touch the same row in one
        // statement; the data-modifying CTE runs even though nothing reads it.
        revoke = "WITH pruned AS (DELETE FROM " + table + " WHERE expires_at < ? AND id <> ?),"
                + " upserted AS (INSERT INTO " + table + " AS r (id, expires_at) VALUES (?, ?)"
                + " ON CONFLICT (id) DO UPDATE SET expires_at = GREATEST(r.expires_at, EXCLUDED.expires_at)"
                + " RETURNING id)"
                + " SELECT pg_notify(?, ?) FROM upserted";
        check = "SELECT 1 FROM " + table + " WHERE id = ?";
        live = "SELECT id, expires_at FROM " + table + " WHERE expires_at > ?";
    }

    /**
     * The notification channel of a layout: derived from schema and prefix, so deployments sharing a database stay
     * apart, and hashed, so it fits PostgreSQL's 63-byte identifiers whatever their length.
     */
    static String channel(Layout layout) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((layout.schema() + "." + layout.prefix()).getBytes(StandardCharsets.UTF_8));
            return "latchkey_revocations_" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /**
     * Denies every token carrying {@code id} until {@code expiresAt} and notifies every listener; does nothing when
     * that moment has already passed. One round trip.
     *
     * @param now the current time, from the clock the tokens are checked against
     */
    @Override
    public void revoke(String id, Instant expiresAt, Instant now) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(now, "now");
        Jdbc.checkText("id", id);
        if (!expiresAt.isAfter(now)) {
            return;
        }
        // Rounded up to PostgreSQL's microseconds: a denial may end a microsecond late, never early.
        Instant stored = expiresAt.truncatedTo(ChronoUnit.MICROS).equals(expiresAt)
                ? expiresAt
                : expiresAt.truncatedTo(ChronoUnit.MICROS).plus(1, ChronoUnit.MICROS);
        String payload = PostgresRevocationSubscription.payload(id, stored);
        jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(revoke)) {
                Jdbc.setInstant(statement, 1, now);
                statement.setString(2, id);
                statement.setString(3, id);
                Jdbc.setInstant(statement, 4, stored);
                statement.setString(5, channel);
                statement.setString(6, payload);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next();
                }
            }
        });
    }

    /** {@code true} if a token carrying {@code id} has been revoked and could still be presented. One round trip. */
    @Override
    public boolean isRevoked(String id) {
        Objects.requireNonNull(id, "id");
        Jdbc.checkText("id", id);
        return jdbc.call(STORE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(check)) {
                statement.setString(1, id);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next();
                }
            }
        });
    }

    /** The {@code LISTEN/NOTIFY} feed of this list; always present. */
    @Override
    public Optional<RevocationFeed> feed() {
        return Optional.of(feed);
    }

    /** A bounded {@code SELECT 1}. */
    @Override
    public void ping() {
        jdbc.ping(STORE);
    }

    /**
     * Ends every subscription of the feed (their facades are told, so their mirrors stop answering) and refuses new
     * ones; their listener connections close.
     */
    void closeSubscriptions() {
        closed = true;
        List<PostgresRevocationSubscription> ending = List.copyOf(subscriptions);
        for (PostgresRevocationSubscription subscription : ending) {
            subscription.stop();
        }
        // A feed thread sees the stop within one poll; then its connection is back (or closed), so the caller may
        // close the pool or the host's data source next.
        long deadline = System.nanoTime()
                + TimeUnit.MILLISECONDS.toNanos(2L * PostgresRevocationSubscription.POLL_MILLIS + 1_000);
        try {
            for (PostgresRevocationSubscription subscription : ending) {
                subscription.awaitEnd(deadline);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Feed implements RevocationFeed {
        @Override
        public Subscription subscribe(Listener listener) {
            if (closed) {
                throw new IllegalStateException("the PostgreSQL stores are closed");
            }
            PostgresRevocationSubscription subscription =
                    new PostgresRevocationSubscription(listenerConnections, channel, listener, subscriptions::remove);
            subscriptions.add(subscription);
            subscription.start();
            return subscription;
        }

        @Override
        public Map<String, Instant> live(Instant now) {
            return jdbc.call(STORE, connection -> {
                Map<String, Instant> entries = new HashMap<>();
                try (PreparedStatement statement = connection.prepareStatement(live)) {
                    Jdbc.setInstant(statement, 1, now);
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            entries.put(rows.getString("id"), Jdbc.getRequiredInstant(rows, "expires_at"));
                        }
                    }
                }
                return entries;
            });
        }
    }
}
