package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.AuthException;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * What every Redis-backed class shares: the client (and whether this object must close it), the key prefix, and the
 * translation of driver failures into {@link AuthException#unavailable}.
 */
final class RedisAccess implements AutoCloseable {
    static final String DEFAULT_KEY_PREFIX = "latchkey:";

    private final UnifiedJedis client;
    private final boolean ownsClient;
    private final String keyPrefix;
    private final String unavailableMessage;

    RedisAccess(UnifiedJedis client, boolean ownsClient, String keyPrefix, String component) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
        this.unavailableMessage = component + " unavailable";
    }

    /** The full Redis key for a key below the prefix. */
    String key(String suffix) {
        return keyPrefix + suffix;
    }

    String keyPrefix() {
        return keyPrefix;
    }

    /** Runs one or more commands; a driver failure becomes UNAVAILABLE. */
    <T> T call(Function<UnifiedJedis, T> commands) {
        try {
            return commands.apply(client);
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    /** Runs one script on one key; a driver failure becomes UNAVAILABLE. */
    Object run(LuaScript script, String key, List<String> args) {
        return call(redis -> script.run(redis, key, args));
    }

    void ping() {
        String reply = call(UnifiedJedis::ping);
        if (!"PONG".equals(reply)) {
            throw AuthException.unavailable(unavailableMessage + ": unexpected PING reply", null);
        }
    }

    AuthException unavailable(RuntimeException cause) {
        return AuthException.unavailable(unavailableMessage, cause);
    }

    /** Closes the client only when it was created for this object; the host's client is the host's to close. */
    @Override
    public void close() {
        if (ownsClient) {
            call(redis -> {
                redis.close();
                return null;
            });
        }
    }
}
