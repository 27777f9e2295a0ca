package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.spi.RevocationFeed;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One subscription to the revocation channel, on a connection borrowed from the client for as long as it lasts and a
 * daemon thread of its own that reads it.
 *
 * <p>A subscribed Jedis connection waits for messages without a timeout, so a connection that silently stops
 * delivering (a network that drops packets instead of resetting) would look alive forever. A heartbeat therefore
 * sends {@code PING} on it every {@link #HEARTBEAT_MILLIS}; when no pong has come back for {@link #DEAD_AFTER_MILLIS},
 * the subscription is reported lost, so the facade stops trusting its mirror within that bound.
 */
final class RedisRevocationSubscription implements RevocationFeed.Subscription {
    static final long HEARTBEAT_MILLIS = 1_000;
    static final long DEAD_AFTER_MILLIS = 3_000;

    private static final Logger LOG = LoggerFactory.getLogger(RedisRevocationSubscription.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    /** One daemon thread sends the heartbeats of every subscription in the JVM. */
    private static final ScheduledExecutorService HEARTBEATS = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "latchkey-redis-revocation-heartbeat");
        thread.setDaemon(true);
        return thread;
    });

    private final UnifiedJedis client;
    private final String channel;
    private final RevocationFeed.Listener listener;
    private final Consumer<RedisRevocationSubscription> onEnd;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean closed;
    private volatile long lastPongNanos;
    private volatile @Nullable ScheduledFuture<?> heartbeat;

    private final JedisPubSub pubSub = new JedisPubSub() {
        @Override
        public void onSubscribe(String subscribed, int count) {
            if (closed) {
                unsubscribeQuietly();
                return;
            }
            lastPongNanos = System.nanoTime();
            heartbeat = HEARTBEATS.scheduleWithFixedDelay(
                    RedisRevocationSubscription.this::beat, HEARTBEAT_MILLIS, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
            listener.subscribed();
        }

        @Override
        public void onMessage(String from, String message) {
            if (ended.get()) {
                return; // reported lost by the heartbeat: nothing more goes to the listener
            }
            int colon = message.indexOf(':');
            if (colon <= 0) {
                LOG.warn("ignoring a malformed message on the revocation channel");
                return;
            }
            long expiresAt;
            try {
                expiresAt = Long.parseLong(message, 0, colon, 10);
            } catch (NumberFormatException e) {
                LOG.warn("ignoring a malformed message on the revocation channel");
                return;
            }
            listener.revoked(message.substring(colon + 1), Instant.ofEpochMilli(expiresAt));
        }

        @Override
        public void onPong(String pattern) {
            lastPongNanos = System.nanoTime();
        }
    };

    RedisRevocationSubscription(
            UnifiedJedis client,
            String channel,
            RevocationFeed.Listener listener,
            Consumer<RedisRevocationSubscription> onEnd) {
        this.client = client;
        this.channel = channel;
        this.listener = listener;
        this.onEnd = onEnd;
    }

    void start() {
        Thread thread = new Thread(this::run, "latchkey-redis-revocation-feed-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        RuntimeException failure = null;
        try {
            // Blocks until unsubscribed or the connection fails.
            client.subscribe(pubSub, channel);
        } catch (RuntimeException e) {
            failure = e;
        }
        end(failure != null ? failure : new IllegalStateException("the revocation subscription ended"));
    }

    /** Runs on the heartbeat thread. */
    private void beat() {
        if (System.nanoTime() - lastPongNanos > TimeUnit.MILLISECONDS.toNanos(DEAD_AFTER_MILLIS)) {
            end(new IllegalStateException(
                    "no answer to PING on the revocation subscription for " + DEAD_AFTER_MILLIS + " ms"));
            unsubscribeQuietly();
            return;
        }
        try {
            pubSub.ping();
        } catch (JedisException e) {
            // The reading thread sees the broken connection too and ends the subscription.
            LOG.debug("heartbeat on the revocation subscription failed", e);
        }
    }

    /** Reports the end once, unless the subscription was closed on purpose. */
    private void end(Throwable cause) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        ScheduledFuture<?> beating = heartbeat;
        if (beating != null) {
            beating.cancel(false);
        }
        onEnd.accept(this);
        if (!closed) {
            listener.lost(cause);
        }
    }

    /** Ends the subscription from the store's side; unlike {@link #close()}, the listener is told it is lost. */
    void stop() {
        unsubscribeQuietly();
        end(new IllegalStateException("the revocation list was closed"));
    }

    @Override
    public void close() {
        closed = true;
        unsubscribeQuietly();
        ScheduledFuture<?> beating = heartbeat;
        if (beating != null) {
            beating.cancel(false);
        }
        onEnd.accept(this);
    }

    private void unsubscribeQuietly() {
        try {
            if (pubSub.isSubscribed()) {
                pubSub.unsubscribe();
            }
        } catch (RuntimeException e) {
            // Not yet connected (onSubscribe unsubscribes then) or already broken (the thread ends on its own).
            LOG.debug("unsubscribing from the revocation channel failed", e);
        }
    }
}
