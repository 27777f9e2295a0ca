package dev.latchkey.auth.store.postgres;

import dev.latchkey.auth.spi.RevocationFeed;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code LISTEN} on a connection of its own, read by a daemon thread with {@link
 * PGConnection#getNotifications(int)}.
 *
 * <p>A listening connection sends nothing, so one that silently stops delivering would look alive forever: when no
 * notification arrived for {@link #HEARTBEAT_MILLIS}, the thread runs {@code SELECT 1} under a network timeout of
 * {@link #NETWORK_TIMEOUT_MILLIS}, and a connection that does not answer ends the subscription (the facade then asks
 * the store until it has subscribed again).
 */
final class PostgresRevocationSubscription implements RevocationFeed.Subscription {
    static final int POLL_MILLIS = 250;
    static final long HEARTBEAT_MILLIS = 1_000;
    static final int NETWORK_TIMEOUT_MILLIS = 3_000;

    /** What the listener's session is called in {@code pg_stat_activity}; the channel tells deployments apart. */
    static String applicationName(String channel) {
        return "latchkey-listener-" + channel.substring(channel.length() - 16);
    }

    private static final Logger LOG = LoggerFactory.getLogger(PostgresRevocationSubscription.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    /** Opens the listener's own connection. */
    @FunctionalInterface
    interface Opener {
        Connection open() throws SQLException;
    }

    private final Opener opener;
    private final String channel;
    private final RevocationFeed.Listener listener;
    private final Consumer<PostgresRevocationSubscription> onEnd;
    private volatile boolean closed;
    /** Set when the stores close under a facade still subscribed: the end is reported, so its mirror stops answering. */
    private volatile boolean stopped;

    private volatile @Nullable Thread thread;

    PostgresRevocationSubscription(
            Opener opener,
            String channel,
            RevocationFeed.Listener listener,
            Consumer<PostgresRevocationSubscription> onEnd) {
        this.opener = opener;
        this.channel = channel;
        this.listener = listener;
        this.onEnd = onEnd;
    }

    /** {@code <expiresAt epoch microseconds>:<id>}; ids are ours (UUIDs) or a host's jti, far below NOTIFY's 8000 bytes. */
    static String payload(String id, Instant expiresAt) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, expiresAt) + ":" + id;
    }

    void start() {
        Thread feed = new Thread(this::run, "latchkey-postgres-revocation-feed-" + THREADS.incrementAndGet());
        feed.setDaemon(true);
        thread = feed;
        feed.start();
    }

    @Override
    public void close() {
        // The thread sees the flag within one poll and closes the connection itself.
        closed = true;
        onEnd.accept(this);
    }

    /** Ends the subscription from the store's side; unlike {@link #close()}, the listener is told it is lost. */
    void stop() {
        stopped = true;
    }

    /**
     * Waits until the feed's thread has given its connection back, at most until {@code deadlineNanos} ({@link
     * System#nanoTime()}): a host closes its data source right after the stores, and a connection still in use then
     * is torn from under the thread (the pool logs it as broken) instead of being handed back clean.
     */
    void awaitEnd(long deadlineNanos) throws InterruptedException {
        Thread feed = thread;
        long left = deadlineNanos - System.nanoTime();
        if (feed != null && feed != Thread.currentThread() && left > 0) {
            feed.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
    }

    private void run() {
        Throwable failure = null;
        try (Connection connection = opener.open()) {
            try {
                listen(connection);
            } finally {
                forget(connection);
            }
        } catch (SQLException | RuntimeException e) {
            failure = e;
        }
        onEnd.accept(this);
        if (!closed) {
            listener.lost(
                    failure != null ? failure : new IllegalStateException("the revocation list's stores were closed"));
        }
    }

    private void listen(Connection connection) throws SQLException {
        connection.setAutoCommit(true);
        connection.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MILLIS);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET application_name = '" + applicationName(channel) + "'");
            // The channel is our own hex name, so quoting it is all the escaping it needs.
            statement.execute("LISTEN \"" + channel + "\"");
        }
        if (closed) {
            return;
        }
        PGConnection notifications = connection.unwrap(PGConnection.class);
        listener.subscribed();
        long quietSince = System.nanoTime();
        while (!closed && !stopped) {
            PGNotification[] received = notifications.getNotifications(POLL_MILLIS);
            if (received != null && received.length > 0) {
                quietSince = System.nanoTime();
                for (PGNotification notification : received) {
                    deliver(notification.getParameter());
                }
            } else if (System.nanoTime() - quietSince > TimeUnit.MILLISECONDS.toNanos(HEARTBEAT_MILLIS)) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SELECT 1");
                }
                quietSince = System.nanoTime();
            }
        }
    }

    private void deliver(String payload) {
        int colon = payload.indexOf(':');
        long micros;
        try {
            micros = colon <= 0 ? -1 : Long.parseLong(payload, 0, colon, 10);
        } catch (NumberFormatException e) {
            micros = -1;
        }
        if (micros < 0) {
            LOG.warn("ignoring a malformed notification on the revocation channel");
            return;
        }
        listener.revoked(payload.substring(colon + 1), Instant.EPOCH.plus(micros, ChronoUnit.MICROS));
    }

    /** A connection borrowed from a host's pool goes back without our LISTEN and name; a broken one is dropped anyway. */
    private static void forget(Connection connection) {
        try {
            if (connection.isClosed()) {
                return; // closed under us (the pool shut down): nothing to reset, and nothing to log
            }
        } catch (SQLException e) {
            return;
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("UNLISTEN *");
            statement.execute("RESET application_name");
        } catch (SQLException e) {
            LOG.debug("resetting the revocation listener's connection failed", e);
        }
    }
}
