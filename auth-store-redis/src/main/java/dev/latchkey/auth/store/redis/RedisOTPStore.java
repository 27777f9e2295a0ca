package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.spi.CodeCheck;
import dev.latchkey.auth.spi.Counter;
import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.OtpChallenge;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@link OTPStore} over Redis, standalone or Cluster.
 *
 * <p>Keys, below the prefix ({@code latchkey:} by default):
 *
 * <ul>
 *   <li>{@code otp:<key>}: hash {@code hash, created, expires, attempts, max}, one per pending challenge, with a TTL
 *       running until its expiry;
 *   <li>{@code counter:<key>}: hash {@code count, reset}, one per throttle counter, with a TTL running until its
 *       window ends.
 * </ul>
 *
 * <p>Every operation touches one key, and each one that reads before it writes is a single Lua script, so {@link
 * #verify} compares, counts and consumes in one atomic step on the server (the double-spend of a code that a
 * read-then-delete allows cannot happen; ASVS 5.0 V6.5 asks for single use). Only the keyed hash of a code is ever
 * sent to Redis.
 *
 * <p>Thread-safe. Close it only if it was made by {@link #fromUrl}; a store built on the host's client never closes
 * that client.
 */
public final class RedisOTPStore implements OTPStore, AutoCloseable {
    private static final LuaScript SAVE = new LuaScript("""
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], 'hash', ARGV[1], 'created', ARGV[2], 'expires', ARGV[3],
              'attempts', ARGV[4], 'max', ARGV[5])
            redis.call('PEXPIRE', KEYS[1], ARGV[6])
            return 1
            """);

    /** Returns 0 MATCHED, 1 MISMATCHED, 2 LOCKED, 3 ABSENT; the order of checks is the one the SPI prescribes. */
    private static final LuaScript VERIFY = new LuaScript("""
            local c = redis.call('HMGET', KEYS[1], 'hash', 'expires', 'attempts', 'max')
            if not c[1] or not before(ARGV[2], c[2]) then return 3 end
            if tonumber(c[3]) >= tonumber(c[4]) then return 2 end
            if same(c[1], ARGV[1]) then
              redis.call('DEL', KEYS[1])
              return 0
            end
            redis.call('HINCRBY', KEYS[1], 'attempts', 1)
            return 1
            """);

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

    private final RedisAccess redis;

    /** A store on the host's client with the default key prefix {@code latchkey:}. */
    public RedisOTPStore(UnifiedJedis client) {
        this(client, RedisAccess.DEFAULT_KEY_PREFIX);
    }

    /** A store on the host's client; the client stays the host's to close. */
    public RedisOTPStore(UnifiedJedis client, String keyPrefix) {
        this(new RedisAccess(client, false, keyPrefix, "Redis OTP store"));
    }

    private RedisOTPStore(RedisAccess redis) {
        this.redis = redis;
    }

    /**
     * A store with its own client for {@code REDIS_URL} (2 s connect and socket timeouts, prefix {@code latchkey:});
     * {@link #close()} closes that client.
     */
    public static RedisOTPStore fromUrl(String redisUrl) {
        return fromUrl(
                redisUrl, RedisClients.DEFAULT_TIMEOUT, RedisClients.DEFAULT_TIMEOUT, RedisAccess.DEFAULT_KEY_PREFIX);
    }

    /** A store with its own client for {@code REDIS_URL}; {@link #close()} closes that client. */
    public static RedisOTPStore fromUrl(
            String redisUrl, Duration connectTimeout, Duration socketTimeout, String keyPrefix) {
        UnifiedJedis client = RedisClients.fromUrl(redisUrl, connectTimeout, socketTimeout);
        return new RedisOTPStore(new RedisAccess(client, true, keyPrefix, "Redis OTP store"));
    }

    @Override
    public void saveChallenge(OtpChallenge challenge) {
        Objects.requireNonNull(challenge, "challenge");
        redis.run(
                SAVE,
                challengeKey(challenge.key()),
                List.of(
                        challenge.codeHash(),
                        RedisTime.encode(challenge.createdAt()),
                        RedisTime.encode(challenge.expiresAt()),
                        Integer.toString(challenge.attempts()),
                        Integer.toString(challenge.maxAttempts()),
                        // The challenge carries no "now"; it was issued at createdAt, so its life is measured from
                        // there.
                        Long.toString(RedisTime.ttlMillis(challenge.createdAt(), challenge.expiresAt()))));
    }

    @Override
    public Optional<OtpChallenge> findChallenge(String key, Instant now) {
        Objects.requireNonNull(now, "now");
        Map<String, String> fields = redis.call(client -> client.hgetAll(challengeKey(key)));
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        OtpChallenge challenge = new OtpChallenge(
                key,
                RedisFields.required(fields, "hash"),
                RedisTime.decode(fields.get("created")),
                RedisTime.decode(fields.get("expires")),
                Integer.parseInt(fields.get("attempts")),
                Integer.parseInt(fields.get("max")));
        return challenge.isLiveAt(now) ? Optional.of(challenge) : Optional.empty();
    }

    @Override
    public CodeCheck verify(String key, String codeHash, Instant now) {
        Objects.requireNonNull(codeHash, "codeHash");
        Object outcome = redis.run(VERIFY, challengeKey(key), List.of(codeHash, RedisTime.encode(now)));
        int code = ((Long) outcome).intValue();
        switch (code) {
            case 0:
                return CodeCheck.MATCHED;
            case 1:
                return CodeCheck.MISMATCHED;
            case 2:
                return CodeCheck.LOCKED;
            case 3:
                return CodeCheck.ABSENT;
            default:
                throw new IllegalStateException("unexpected verification outcome " + code);
        }
    }

    @Override
    public void deleteChallenge(String key) {
        String redisKey = challengeKey(key);
        redis.call(client -> client.del(redisKey));
    }

    @Override
    public Counter increment(String key, Duration window, Instant now) {
        Objects.requireNonNull(window, "window");
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

    private String challengeKey(String key) {
        return redis.key("otp:" + Objects.requireNonNull(key, "key"));
    }

    private String counterKey(String key) {
        return redis.key("counter:" + Objects.requireNonNull(key, "key"));
    }
}
