package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.spi.RevocationFeed;
import dev.latchkey.auth.spi.RevocationList;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.Tuple;

/**
 * A deny list for access tokens, by session id or {@code jti}, shared by every instance of an application, with a
 * change feed (Redis Pub/Sub) so that each facade can keep a local mirror of it.
 *
 * <p>Access tokens are self-contained and stay valid until they expire; signing out must stop them sooner (ASVS 5.0
 * V7.4, session termination). An entry matters only as long as a token carrying the id could still be accepted: until
 * the {@code expiresAt} the caller passes (for the core, the access-token lifetime plus its clock-skew leeway). Every
 * revocation drops the entries that expired before its {@code now}, so the list never holds much more than the tokens
 * still in circulation. A check is one {@code ZSCORE}: one round trip, made only while the facade's mirror is not
 * live.
 *
 * <p>Keys, below the prefix ({@code latchkey:} by default): {@code revocations}, a sorted set of ids scored by their
 * {@code expiresAt} in epoch milliseconds (one key, so the catch-up read is one command on Redis Cluster too).
 * Channel: {@code <prefix>revocations}, messages {@code <expiresAt millis>:<id>}. A revocation adds the entry and
 * publishes it in one Lua script, so no instance can see one without the other. {@code PUBLISH} reaches subscribers on
 * every node of a Redis Cluster.
 *
 * <p>Each subscription of the {@linkplain #feed() feed} holds one connection of the client's pool while it lasts.
 *
 * <p>Thread-safe. Close it only if it was made by {@link #fromUrl}; a list built on the host's client never closes
 * that client. Closing ends every subscription of its feed either way (their facades then ask the list directly,
 * and fail as {@code UNAVAILABLE} once its client is closed).
 */
public final class RedisRevocationList implements RevocationList, AutoCloseable {
    /** KEYS[1] the sorted set; ARGV id, expiresAt millis, now millis, key TTL millis, channel. */
    private static final LuaScript REVOKE = new LuaScript("""
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
            redis.call('ZADD', KEYS[1], 'GT', ARGV[2], ARGV[1])
            local ttl = tonumber(ARGV[4])
            if redis.call('PTTL', KEYS[1]) < ttl then
              redis.call('PEXPIRE', KEYS[1], ttl)
            end
            redis.call('PUBLISH', ARGV[5], ARGV[2] .. ':' .. ARGV[1])
            return 1
            """);

    private final RedisAccess redis;
    /** The same client {@link #redis} wraps: subscriptions borrow a connection of their own from it. */
    private final UnifiedJedis client;

    private final String key;
    private final String channel;
    private final Set<RedisRevocationSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final RevocationFeed feed = new Feed();
    private volatile boolean closed;

    /**
     * A list on the host's client; the client stays the host's to close.
     *
     * @param keyPrefix prefix of every key, such as {@code latchkey:}; the same for every store of one application
     * @throws dev.latchkey.auth.ConfigurationException naming {@code REDIS_KEY_PREFIX} if the prefix is unsupported
     */
    public RedisRevocationList(UnifiedJedis client, String keyPrefix) {
        this(new RedisAccess(client, false, keyPrefix, "Redis revocation list"), client);
    }

    private RedisRevocationList(RedisAccess redis, UnifiedJedis client) {
        this.redis = redis;
        this.key = redis.key("revocations");
        this.channel = redis.key("revocations");
        this.client = client;
    }

    /**
     * A list with its own client for {@code REDIS_URL}; {@link #close()} closes that client.
     *
     * @throws dev.latchkey.auth.ConfigurationException naming the setting if the URL, a timeout or the prefix is
     *     unsupported
     */
    public static RedisRevocationList fromUrl(
            String redisUrl, Duration connectTimeout, Duration socketTimeout, String keyPrefix) {
        RedisAccess.checkKeyPrefix(keyPrefix);
        UnifiedJedis client = RedisClients.fromUrl(redisUrl, connectTimeout, socketTimeout);
        return new RedisRevocationList(new RedisAccess(client, true, keyPrefix, "Redis revocation list"), client);
    }

    /**
     * Denies every token carrying {@code id} (a session id or a {@code jti}) until {@code expiresAt}, the latest moment
     * such a token could still be accepted, and publishes the revocation. Does nothing when that moment has already
     * passed. One round trip.
     *
     * @param now the current time, from the clock the tokens are checked against
     */
    @Override
    public void revoke(String id, Instant expiresAt, Instant now) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(now, "now");
        if (!expiresAt.isAfter(now)) {
            return;
        }
        List<String> args = List.of(
                id,
                Long.toString(ceilMillis(expiresAt)),
                Long.toString(now.toEpochMilli()),
                Long.toString(RedisTime.ttlMillis(now, expiresAt)),
                channel);
        redis.run(REVOKE, key, args);
    }

    /** {@code true} if a token carrying {@code id} has been revoked and could still be presented. One round trip. */
    @Override
    public boolean isRevoked(String id) {
        Objects.requireNonNull(id, "id");
        return redis.call(client -> client.zscore(key, id)) != null;
    }

    /** The Pub/Sub feed of this list; always present. */
    @Override
    public Optional<RevocationFeed> feed() {
        return Optional.of(feed);
    }

    /** {@code PING}; throws {@code UNAVAILABLE} when Redis does not answer within the client's timeout. */
    @Override
    public void ping() {
        redis.ping();
    }

    /**
     * Ends every subscription of the feed and refuses new ones, and closes the client if this list created it ({@link
     * #fromUrl}).
     */
    @Override
    public void close() {
        closed = true;
        for (RedisRevocationSubscription subscription : List.copyOf(subscriptions)) {
            subscription.stop();
        }
        redis.close();
    }

    /** Rounded up: a denial may end a millisecond late, never early. */
    private static long ceilMillis(Instant instant) {
        long millis = instant.toEpochMilli();
        return instant.getNano() % 1_000_000 == 0 ? millis : millis + 1;
    }

    private final class Feed implements RevocationFeed {
        @Override
        public Subscription subscribe(Listener listener) {
            if (closed) {
                throw new IllegalStateException("the Redis revocation list is closed");
            }
            RedisRevocationSubscription subscription =
                    new RedisRevocationSubscription(client, channel, listener, subscriptions::remove);
            subscriptions.add(subscription);
            subscription.start();
            return subscription;
        }

        @Override
        public Map<String, Instant> live(Instant now) {
            List<Tuple> entries =
                    redis.call(client -> client.zrangeByScoreWithScores(key, "(" + now.toEpochMilli(), "+inf"));
            Map<String, Instant> live = new HashMap<>();
            for (Tuple entry : entries) {
                live.put(entry.getElement(), Instant.ofEpochMilli((long) entry.getScore()));
            }
            return live;
        }
    }
}
