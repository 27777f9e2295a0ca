package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ConfigurationException;
import dev.latchkey.auth.spi.StoreUnavailableException;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * What every Redis-backed class shares: the client (and whether this object must close it), the key prefix, and the
 * translation of driver failures into {@link AuthException#unavailable}.
 */
final class RedisAccess implements AutoCloseable {
    static final String DEFAULT_KEY_PREFIX = "latchkey:";

    /** The variable every prefix error names. */
    static final String KEY_PREFIX_SETTING = "REDIS_KEY_PREFIX";

    /**
     * Printable characters only, so that keys stay readable in {@code redis-cli} and no prefix can smuggle a control
     * character into a key; braces are allowed for hosts that pin their keys to one Cluster slot on purpose.
     */
    private static final Pattern KEY_PREFIX = Pattern.compile("[A-Za-z0-9:_.{}-]{1,128}");

    private final UnifiedJedis client;
    private final boolean ownsClient;
    private final String keyPrefix;
    private final String unavailableMessage;
    /** Whether keys are spread over the slots of a Redis Cluster, so a script may only touch keys of one slot. */
    private final boolean clustered;

    @SuppressWarnings("deprecation") // JedisCluster: the older cluster client, which hosts may still pass
    RedisAccess(UnifiedJedis client, boolean ownsClient, String keyPrefix, String component) {
        this.client = Objects.requireNonNull(client, "client");
        this.clustered = client instanceof RedisClusterClient || client instanceof redis.clients.jedis.JedisCluster;
        this.ownsClient = ownsClient;
        this.keyPrefix = checkKeyPrefix(keyPrefix);
        this.unavailableMessage = component + " unavailable";
    }

    /**
     * Returns the prefix if it is acceptable.
     *
     * @throws ConfigurationException naming {@code REDIS_KEY_PREFIX} otherwise
     */
    static String checkKeyPrefix(String keyPrefix) {
        if (keyPrefix == null || !KEY_PREFIX.matcher(keyPrefix).matches()) {
            throw new ConfigurationException(
                    KEY_PREFIX_SETTING,
                    keyPrefix == null || keyPrefix.isEmpty() ? "is empty" : "has unsupported characters or length",
                    "1 to 128 letters, digits and the characters : _ . - { }, such as latchkey:");
        }
        return keyPrefix;
    }

    /** The full Redis key for a key below the prefix. */
    String key(String suffix) {
        return keyPrefix + suffix;
    }

    String keyPrefix() {
        return keyPrefix;
    }

    /** Whether {@code other} reaches the same keys: the same client and prefix (sibling stores of one bundle). */
    boolean sameKeySpaceAs(RedisAccess other) {
        return other == this || (other.client == client && other.keyPrefix.equals(keyPrefix));
    }

    /**
     * Whether one script may touch all these keys: always on a standalone server; on a Cluster only when they hash
     * to one slot (for example below a prefix with a hash tag, such as {@code {latchkey}:}).
     */
    boolean oneNode(List<String> keys) {
        if (!clustered || keys.isEmpty()) {
            return true;
        }
        int slot = JedisClusterCRC16.getSlot(keys.get(0));
        for (int i = 1; i < keys.size(); i++) {
            if (JedisClusterCRC16.getSlot(keys.get(i)) != slot) {
                return false;
            }
        }
        return true;
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

    /** Runs one script on keys that {@link #oneNode} accepted; a driver failure becomes UNAVAILABLE. */
    Object run(LuaScript script, List<String> keys, List<String> args) {
        return call(redis -> script.run(redis, keys, args));
    }

    void ping() {
        String reply = call(UnifiedJedis::ping);
        if (!"PONG".equals(reply)) {
            throw AuthException.unavailable(unavailableMessage + ": unexpected PING reply", null);
        }
    }

    AuthException unavailable(RuntimeException cause) {
        return new StoreUnavailableException(reason(cause), unavailableMessage, cause);
    }

    /**
     * The cause class, for health reports and logs: the server's own refusals by their error text (Jedis has no
     * distinct types for them), then the socket errors Jedis wraps in {@code JedisConnectionException}.
     */
    static StoreUnavailableException.Reason reason(RuntimeException failure) {
        if (failure instanceof JedisAccessControlException) {
            return StoreUnavailableException.Reason.AUTHENTICATION_FAILED;
        }
        int depth = 0;
        for (@Nullable Throwable t = failure; t != null && depth < 20; t = t.getCause(), depth++) {
            String message = Objects.requireNonNullElse(t.getMessage(), "");
            if (message.startsWith("WRONGPASS")
                    || message.startsWith("NOAUTH")
                    || message.contains("invalid password")) {
                return StoreUnavailableException.Reason.AUTHENTICATION_FAILED;
            }
            if (message.contains("DB index is out of range")) {
                return StoreUnavailableException.Reason.DATABASE_MISSING;
            }
        }
        return StoreUnavailableException.reasonOf(failure);
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
