package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.spi.CodeCheck;
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
 * <p>Keys, below the prefix ({@code latchkey:} by default): {@code otp:<key>}, a hash {@code hash, created, expires,
 * attempts, max}, one per pending challenge, with a TTL running until its expiry. (The throttle counters are a
 * {@link RedisRateLimitStore}.)
 *
 * <p>Every operation touches one key, and each one that reads before it writes is a single Lua script, so {@link
 * #verify} compares, counts and consumes in one atomic step on the server (the double-spend of a code that a
 * read-then-delete allows cannot happen; ASVS 5.0 V6.5 asks for single use). Only the keyed hash of a code is ever
 * sent to Redis.
 *
 * <p>Thread-safe. Close it only if it was made by {@link #fromUrl}; a store built on the host's client never closes
 * that client. {@link RedisStores} builds this store together with the others, on one client and one key prefix.
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

    private final RedisAccess redis;

    /**
     * A store on the host's client; the client stays the host's to close.
     *
     * @param keyPrefix prefix of every key, such as {@code latchkey:}; the same for every store of one application
     * @throws dev.latchkey.auth.ConfigurationException naming {@code REDIS_KEY_PREFIX} if the prefix is unsupported
     */
    public RedisOTPStore(UnifiedJedis client, String keyPrefix) {
        this(new RedisAccess(client, false, keyPrefix, "Redis OTP store"));
    }

    private RedisOTPStore(RedisAccess redis) {
        this.redis = redis;
    }

    /**
     * A store with its own client for {@code REDIS_URL}; {@link #close()} closes that client.
     *
     * @throws dev.latchkey.auth.ConfigurationException naming the setting if the URL, a timeout or the prefix is
     *     unsupported
     */
    public static RedisOTPStore fromUrl(
            String redisUrl, Duration connectTimeout, Duration socketTimeout, String keyPrefix) {
        RedisAccess.checkKeyPrefix(keyPrefix);
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
}
