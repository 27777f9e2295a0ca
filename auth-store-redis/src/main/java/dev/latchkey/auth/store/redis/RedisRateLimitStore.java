package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.spi.Counter;
import dev.latchkey.auth.spi.RateLimitStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@link RateLimitStore} over Redis, standalone or Cluster.
 *
 * <p>Keys, below the prefix (such as {@code latchkey:}): {@code counter:<key>}, a hash {@code count, reset}, one per
 * counter, with a TTL running until its window ends. The layout is the one {@link RedisOTPStore} used before the
 * counters had a store of their own, so live counters carry over an upgrade.
 *
 * <p>{@link #increment} is one Lua script on one key, so it is atomic on the server and runs unchanged on Redis
 * Cluster (the key's slot holds the whole counter): N concurrent increments see the counts 1..N once each. The window
 * decision compares the instants the core passes, never the server's clock.
 *
 * <p>Thread-safe. Close it only if it was made by {@link #fromUrl}; a store built on the host's client never closes
 * that client. {@link RedisStores} builds this store together with the others, on one client and one key prefix.
 */
public final class RedisRateLimitStore implements RateLimitStore, AutoCloseable {
    /** A live window (reset after now) grows by one; otherwise a new window starts at 1. Returns {count, reset}. */
    private static final LuaScript INCREMENT = new LuaScript("""
            local w = redis.call('HMGET', KEYS[1], 'count', 'reset')
            if w[1] and before(ARGV[1], w[2]) then
              return {redis.call('HINCRBY', KEYS[1], 'count', 1), w[2]}
            end
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], 'count', 1, 'reset', ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return {1, ARGV[2]}
            """);

    /**
     * The counter primitives as Lua functions, for the scripts that fuse counting with other work ({@link
     * RedisOTPStore}'s login steps): {@code hit} is {@link #INCREMENT}, {@code peek} is {@link #peek}; both return
     * count and reset ({@code ''} when there is no live window).
     */
    static final String LUA_COUNTERS = """
            local function hit(key, now, reset, ttl)
              local w = redis.call('HMGET', key, 'count', 'reset')
              if w[1] and before(now, w[2]) then
                return redis.call('HINCRBY', key, 'count', 1), w[2]
              end
              redis.call('DEL', key)
              redis.call('HSET', key, 'count', 1, 'reset', reset)
              redis.call('PEXPIRE', key, ttl)
              return 1, reset
            end
            local function peek(key, now)
              local w = redis.call('HMGET', key, 'count', 'reset')
              if w[1] and before(now, w[2]) then return tonumber(w[1]), w[2] end
              return 0, ''
            end
            """;

    private static final String COMPONENT = "Redis rate-limit store";

    private final RedisAccess redis;

    /**
     * A store on the host's client; the client stays the host's to close.
     *
     * @param keyPrefix prefix of every key, such as {@code latchkey:}; the same for every store of one application
     * @throws dev.latchkey.auth.ConfigurationException naming {@code REDIS_KEY_PREFIX} if the prefix is unsupported
     */
    public RedisRateLimitStore(UnifiedJedis client, String keyPrefix) {
        this(new RedisAccess(client, false, keyPrefix, COMPONENT));
    }

    private RedisRateLimitStore(RedisAccess redis) {
        this.redis = redis;
    }

    /**
     * A store with its own client for {@code REDIS_URL}; {@link #close()} closes that client.
     *
     * @throws dev.latchkey.auth.ConfigurationException naming the setting if the URL, a timeout or the prefix is
     *     unsupported
     */
    public static RedisRateLimitStore fromUrl(
            String redisUrl, Duration connectTimeout, Duration socketTimeout, String keyPrefix) {
        RedisAccess.checkKeyPrefix(keyPrefix);
        UnifiedJedis client = RedisClients.fromUrl(redisUrl, connectTimeout, socketTimeout);
        return new RedisRateLimitStore(new RedisAccess(client, true, keyPrefix, COMPONENT));
    }

    @Override
    public Counter increment(String key, Duration window, Instant now) {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(now, "now");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive");
        }
        Instant resetAt = now.plus(window);
        Object reply = redis.run(
                INCREMENT,
                counterKey(key),
                List.of(
                        RedisTime.encode(now),
                        RedisTime.encode(resetAt),
                        Long.toString(RedisTime.ttlMillis(now, resetAt))));
        List<?> state = (List<?>) reply;
        return new Counter((Long) state.get(0), RedisTime.decode((String) state.get(1)));
    }

    @Override
    public Counter peek(String key, Instant now) {
        Objects.requireNonNull(now, "now");
        String redisKey = counterKey(key);
        List<String> fields = redis.call(client -> client.hmget(redisKey, "count", "reset"));
        if (fields.get(0) == null) {
            return new Counter(0, now);
        }
        Instant resetAt = RedisTime.decode(fields.get(1));
        return now.isBefore(resetAt) ? new Counter(Long.parseLong(fields.get(0)), resetAt) : new Counter(0, now);
    }

    @Override
    public void reset(String key) {
        String redisKey = counterKey(key);
        redis.call(client -> client.del(redisKey));
    }

    /** {@code PING}; throws {@code UNAVAILABLE} when Redis does not answer within the client's timeout. */
    @Override
    public void ping() {
        redis.ping();
    }

    /** Closes the client if this store created it ({@link #fromUrl}); otherwise does nothing. */
    @Override
    public void close() {
        redis.close();
    }

    /** The client and prefix, so a sibling store can tell whether these counters are in its own key space. */
    RedisAccess access() {
        return redis;
    }

    /** The Redis key of a counter. */
    String counterKey(String key) {
        return redis.key("counter:" + Objects.requireNonNull(key, "key"));
    }
}
