package dev.latchkey.auth.store.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script over one key (or several that live on one node), called by its SHA-1 (EVALSHA) so only the digest crosses the network.
 *
 * <p>The digest is computed locally, so building a script needs no connection. The first call on a server that does not
 * know the script (a fresh server, one that restarted, or one after SCRIPT FLUSH) gets NOSCRIPT, which means nothing
 * ran; the call is then made once with EVAL, which runs the script and caches it on that server (on Redis Cluster: on
 * the node owning the key) for every later EVALSHA.
 */
final class LuaScript {
    private final String source;
    private final String sha;

    LuaScript(String body) {
        this.source = RedisTime.LUA_HELPERS + body;
        this.sha = sha1Hex(source);
    }

    Object run(UnifiedJedis client, String key, List<String> args) {
        return run(client, List.of(key), args);
    }

    /**
     * Runs the script on several keys; on Redis Cluster they must share one slot (the caller checks, see {@link
     * RedisAccess#oneNode}).
     */
    Object run(UnifiedJedis client, List<String> keys, List<String> args) {
        try {
            return client.evalsha(sha, keys, args);
        } catch (JedisNoScriptException notCached) {
            return client.eval(source, keys, args);
        }
    }

    private static String sha1Hex(String text) {
        try {
            // SHA-1 is what Redis names scripts by; it identifies a script here and protects nothing.
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", e);
        }
    }
}
