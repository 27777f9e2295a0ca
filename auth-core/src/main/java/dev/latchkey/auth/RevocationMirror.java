package dev.latchkey.auth;

import dev.latchkey.auth.spi.RevocationFeed;
import dev.latchkey.auth.spi.RevocationList;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local copy of a shared revocation list, fed by the list's {@link RevocationFeed}, so that the route guard answers
 * without a round trip (issue 10, target 3) while still refusing a session signed out on any other instance.
 *
 * <p>The guarantee: the mirror answers only while it is <em>live</em>, that is after its subscription was confirmed
 * active and a catch-up read of every live revocation then completed. Anything revoked before the subscription is in
 * the catch-up read, anything after it arrives as a message. While the subscription is down or catching up, every
 * check goes to the store itself (fail closed: a store failure is {@code UNAVAILABLE}), never to a possibly stale
 * copy. OWASP ASVS 5.0 V7.4.1: a terminated session's tokens must stop working on every instance, not just the one
 * that ended it.
 *
 * <p>It holds only ids whose access tokens could still be accepted (their {@code expiresAt} has not passed) and prunes
 * the rest every {@link #PRUNE_EVERY}, so its size is the sign-outs of one access-token lifetime. Subscribing starts
 * on the first check, so a facade that never guards a route holds no subscription; it ends with {@link #close()}.
 */
final class RevocationMirror implements RevocationList, AutoCloseable {
    static final Duration FIRST_RETRY = Duration.ofMillis(100);
    static final Duration MAX_RETRY = Duration.ofSeconds(5);
    static final Duration PRUNE_EVERY = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(RevocationMirror.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    /** The list itself, wrapped by {@link FailClosed}: the fallback while the mirror is not live. */
    private final RevocationList store;

    private final RevocationFeed feed;
    private final Clock clock;
    private final Map<String, Instant> entries = new ConcurrentHashMap<>();

    /** Read on every check without a lock; written only under {@link #lock}. */
    private volatile boolean live;

    private volatile boolean started;
    private final Object lock = new Object();

    /** The current subscription attempt; callbacks of any earlier one are ignored. Guarded by {@link #lock}. */
    private int generation;

    private RevocationFeed.@Nullable Subscription subscription;
    private int failures;
    private boolean closed;
    private @Nullable ScheduledExecutorService scheduler;

    RevocationMirror(RevocationList store, RevocationFeed feed, Clock clock) {
        this.store = store;
        this.feed = feed;
        this.clock = clock;
    }

    /** The hot path: one volatile read and one map lookup while live. */
    @Override
    public boolean isRevoked(String sessionId) {
        if (live) {
            return entries.containsKey(sessionId);
        }
        if (!started) {
            start();
        }
        return store.isRevoked(sessionId);
    }

    /**
     * Revokes in the store (which publishes to every mirror) and here at once, so this instance refuses the session
     * without waiting for its own message to come back.
     */
    @Override
    public void revoke(String sessionId, Instant expiresAt, Instant now) {
        store.revoke(sessionId, expiresAt, now);
        if (expiresAt.isAfter(now)) {
            add(sessionId, expiresAt);
        }
    }

    @Override
    public void ping() {
        store.ping();
    }

    /** Whether checks are answered locally right now. */
    boolean isLive() {
        return live;
    }

    /** A short, secret-free state for the health report. */
    String state() {
        if (live) {
            return "mirror live";
        }
        return started ? "mirror down: checking the store on every call" : "mirror not started";
    }

    int size() {
        return entries.size();
    }

    /** Drops the entries whose tokens can no longer be accepted anyway. */
    void prune() {
        Instant now = clock.instant();
        entries.values().removeIf(expiresAt -> expiresAt.isBefore(now));
    }

    void start() {
        synchronized (lock) {
            if (started || closed) {
                return;
            }
            ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "latchkey-revocation-mirror-" + THREADS.incrementAndGet());
                // Never keeps the host's JVM alive; the facade's close() stops it earlier.
                thread.setDaemon(true);
                return thread;
            });
            long prune = PRUNE_EVERY.toMillis();
            executor.scheduleWithFixedDelay(this::pruneQuietly, prune, prune, TimeUnit.MILLISECONDS);
            scheduler = executor;
            started = true;
            subscribe();
        }
    }

    @Override
    public void close() {
        RevocationFeed.@Nullable Subscription ending;
        synchronized (lock) {
            closed = true;
            live = false;
            ending = subscription;
            subscription = null;
            generation++;
            if (scheduler != null) {
                scheduler.shutdownNow();
            }
        }
        if (ending != null) {
            ending.close();
        }
    }

    private void pruneQuietly() {
        try {
            prune();
        } catch (RuntimeException e) {
            LOG.warn("pruning the revocation mirror failed", e);
        }
    }

    /** Called under {@link #lock}. */
    private void subscribe() {
        if (closed) {
            return;
        }
        int attempt = ++generation;
        try {
            subscription = feed.subscribe(new Attempt(attempt));
        } catch (RuntimeException e) {
            LOG.warn("revocation feed: subscribing failed ({}); retrying", e.toString());
            retryLater();
        }
    }

    /** Called under {@link #lock}: exponential backoff with jitter, so many instances do not reconnect in step. */
    private void retryLater() {
        ScheduledExecutorService executor = scheduler;
        if (closed || executor == null) {
            return;
        }
        long base = Math.min(MAX_RETRY.toMillis(), FIRST_RETRY.toMillis() << Math.min(failures, 16));
        failures++;
        long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        executor.schedule(
                () -> {
                    synchronized (lock) {
                        subscribe();
                    }
                },
                delay,
                TimeUnit.MILLISECONDS);
    }

    private void add(String id, Instant expiresAt) {
        entries.merge(id, expiresAt, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** The callbacks of one subscription attempt. */
    private final class Attempt implements RevocationFeed.Listener {
        private final int attempt;

        Attempt(int attempt) {
            this.attempt = attempt;
        }

        @Override
        public void subscribed() {
            Map<String, Instant> all;
            try {
                all = feed.live(clock.instant());
            } catch (RuntimeException e) {
                // Subscribed but not caught up: not live. Start over, so the catch-up follows a fresh subscription.
                RevocationFeed.@Nullable Subscription failed;
                synchronized (lock) {
                    if (attempt != generation) {
                        return;
                    }
                    failed = subscription;
                    subscription = null;
                    generation++;
                    retryLater();
                }
                if (failed != null) {
                    failed.close();
                }
                LOG.warn("revocation feed: catch-up read failed ({}); retrying", e.toString());
                return;
            }
            synchronized (lock) {
                if (attempt != generation) {
                    return;
                }
                all.forEach(RevocationMirror.this::add);
                failures = 0;
                live = true;
            }
            LOG.info("revocation mirror live with {} entries", all.size());
        }

        @Override
        public void revoked(String id, Instant expiresAt) {
            // A revocation is true whichever subscription brought it; adding it late or twice is harmless.
            add(id, expiresAt);
        }

        @Override
        public void lost(Throwable cause) {
            synchronized (lock) {
                if (attempt != generation) {
                    return;
                }
                // First of all: from here on every check asks the store.
                live = false;
                subscription = null;
                retryLater();
            }
            LOG.warn("revocation feed lost ({}); authenticate checks the store until it is back", cause.toString());
        }
    }
}
