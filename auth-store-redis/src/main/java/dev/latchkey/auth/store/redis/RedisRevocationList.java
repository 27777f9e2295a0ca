package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.spi.RevocationList;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * A deny list for access tokens, by session id or {@code jti}, shared by every instance of an application.
 *
 * <p>Access tokens are self-contained and stay valid until they expire; signing out must stop them sooner (ASVS 5.0
 * V7.4, session termination). An entry lives only as long as a token carrying the id could still be accepted: until
 * the {@code expiresAt} the caller passes (for the core, the access-token lifetime plus its clock-skew leeway). Redis
 * then drops it, so the list never holds more than the tokens still in circulation. Each check is one {@code EXISTS}:
 * one round trip.
 *
 * <p>Keys, below the prefix ({@code latchkey:} by default): {@code revoked:{<id>}}, a string {@code 1} with a TTL.
 *
 * <p>Thread-safe. Close it only if it was made by {@link #fromUrl}; a list built on the host's client never closes
 * that client.
 */
public final class RedisRevocationList implements RevocationList, AutoCloseable {
    private final RedisAccess redis;

    /**
     * A list on the host's client; the client stays the host's to close.
     *
     * @param keyPrefix prefix of every key, such as {@code latchkey:}; the same for every store of one application
     * @throws dev.latchkey.auth.ConfigurationException naming {@code REDIS_KEY_PREFIX} if the prefix is unsupported
     */
    public RedisRevocationList(UnifiedJedis client, String keyPrefix) {
        this(new RedisAccess(client, false, keyPrefix, "Redis revocation list"));
    }

    private RedisRevocationList(RedisAccess redis) {
        this.redis = redis;
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
        return new RedisRevocationList(new RedisAccess(client, true, keyPrefix, "Redis revocation list"));
    }

    /**
     * Denies every token carrying {@code id} (a session id or a {@code jti}) until {@code expiresAt}, the latest moment
     * such a token could still be accepted. Does nothing when that moment has already passed.
     *
     * @param now the current time, from the clock the tokens are checked against
     */
    @Override
    public void revoke(String id, Instant expiresAt, Instant now) {
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(now, "now");
        String key = key(id);
        if (!expiresAt.isAfter(now)) {
            return;
        }
        long ttl = RedisTime.ttlMillis(now, expiresAt);
        redis.call(client -> client.set(key, "1", SetParams.setParams().px(ttl)));
    }

    /** {@code true} if a token carrying {@code id} has been revoked and could still be presented. One round trip. */
    @Override
    public boolean isRevoked(String id) {
        String key = key(id);
        return redis.call(client -> client.exists(key));
    }

    /** {@code PING}; throws {@code UNAVAILABLE} when Redis does not answer within the client's timeout. */
    @Override
    public void ping() {
        redis.ping();
    }

    /** Closes the client if this list created it ({@link #fromUrl}); otherwise does nothing. */
    @Override
    public void close() {
        redis.close();
    }

    private String key(String id) {
        return redis.key("revoked:{" + Objects.requireNonNull(id, "id") + "}");
    }
}
