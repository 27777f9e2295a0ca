package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.User;
import dev.latchkey.auth.spi.SessionRecord;
import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.spi.SessionWithUser;
import dev.latchkey.auth.spi.UserDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@link SessionStore} over Redis, standalone or Cluster.
 *
 * <p>Keys, below the prefix ({@code latchkey:} by default):
 *
 * <ul>
 *   <li>{@code session:{<sessionId>}}: hash {@code tenant, user, token, previous, generation, created, rotated, idle,
 *       absolute}, and in a {@link RedisStores} bundle {@code ukey}, the key of the user's record in the bundle's
 *       user cache, so that {@link #findWithUser} reads both in one script; with a TTL running until the session's
 *       earlier expiry (refreshed on every rotation);
 *   <li>{@code user:{<tenantId>:<userId>}:sessions}: sorted set of the user's session ids, scored by absolute expiry
 *       (epoch milliseconds), with a TTL running until the latest absolute expiry among them.
 * </ul>
 *
 * <p>Why two places: {@link #find}, {@link #rotate} and {@link #revoke} receive only the session id, and {@link
 * #find} runs on every session check, so a session must be one key found by its id alone: one round trip, one slot.
 * The per-user index exists for {@link #listForUser} and {@link #revokeAllForUser}. The two keys live in different
 * Cluster slots, so there nothing updates both atomically (on a standalone server {@link #create} writes both in one
 * script); instead the index is written after the session (and the session
 * taken back if that fails) and cleaned lazily: an id whose session is gone (revoked, expired, evicted) is ignored and removed when next read, and ids past
 * their absolute expiry are dropped whenever the user logs in again. Every read-then-write on a session (rotation,
 * revocation) is one Lua script on the session's key.
 *
 * <p>Refresh tokens reach Redis only as the hashes the core computes.
 *
 * <p>Thread-safe. Close it only if it was made by {@link #fromUrl}; a store built on the host's client never closes
 * that client.
 */
public final class RedisSessionStore implements SessionStore, AutoCloseable {
    private static final LuaScript CREATE = new LuaScript("""
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], 'tenant', ARGV[1], 'user', ARGV[2], 'token', ARGV[3], 'generation', ARGV[4],
              'created', ARGV[5], 'rotated', ARGV[6], 'idle', ARGV[7], 'absolute', ARGV[8])
            if ARGV[10] ~= '' then redis.call('HSET', KEYS[1], 'previous', ARGV[10]) end
            if ARGV[11] ~= '' then redis.call('HSET', KEYS[1], 'ukey', ARGV[11]) end
            redis.call('PEXPIRE', KEYS[1], ARGV[9])
            return 1
            """);

    /**
     * Adds a session id to the user's index, drops ids whose absolute expiry has passed, and extends the index's TTL
     * so it outlives its longest session.
     */
    private static final LuaScript INDEX = new LuaScript("""
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
            redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
            if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
            return 1
            """);

    /**
     * {@link #CREATE} and {@link #INDEX} in one atomic step, where both keys are on one node (a standalone server).
     * KEYS: session, index. ARGV: CREATE's eleven, then INDEX's four.
     */
    private static final LuaScript CREATE_INDEXED = new LuaScript("""
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], 'tenant', ARGV[1], 'user', ARGV[2], 'token', ARGV[3], 'generation', ARGV[4],
              'created', ARGV[5], 'rotated', ARGV[6], 'idle', ARGV[7], 'absolute', ARGV[8])
            if ARGV[10] ~= '' then redis.call('HSET', KEYS[1], 'previous', ARGV[10]) end
            if ARGV[11] ~= '' then redis.call('HSET', KEYS[1], 'ukey', ARGV[11]) end
            redis.call('PEXPIRE', KEYS[1], ARGV[9])
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[14])
            redis.call('ZADD', KEYS[2], ARGV[13], ARGV[12])
            if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[15]) then redis.call('PEXPIRE', KEYS[2], ARGV[15]) end
            return 1
            """);

    /**
     * The session and, when it names the key of its user's cached record ({@code ukey}), that record, in one step:
     * {@code {fields, json}} (an empty json when not cached: no nil, whose reply type differs between RESP2 and RESP3),
     * or an empty reply when there is no session. The record's key is read from the
     * session, so it is not among KEYS; this runs only where every key lives on one node (see {@link
     * #readsUserWithSession}).
     */
    private static final LuaScript FIND_WITH_CACHED_USER = new LuaScript("""
            local s = redis.call('HGETALL', KEYS[1])
            if #s == 0 then return {} end
            local user = ''
            for i = 1, #s, 2 do
              if s[i] == 'ukey' then user = redis.call('HGET', s[i + 1], 'json') or '' end
            end
            return {s, user}
            """);

    /** The compare-and-set of the SPI: rotates only a live session whose current hash is the expected one. */
    private static final LuaScript ROTATE = new LuaScript("""
            local s = redis.call('HMGET', KEYS[1], 'token', 'idle', 'absolute', 'generation')
            if not s[1] or not same(s[1], ARGV[1]) then return 0 end
            if not (before(ARGV[3], s[2]) and before(ARGV[3], s[3])) then return 0 end
            redis.call('HSET', KEYS[1], 'previous', ARGV[1], 'token', ARGV[2], 'generation', tonumber(s[4]) + 1,
              'rotated', ARGV[3], 'idle', ARGV[4])
            redis.call('PEXPIRE', KEYS[1], ARGV[5])
            return 1
            """);

    /** Deletes the session and returns its tenant and user (to clean the index), or nil if there was none. */
    private static final LuaScript REVOKE = new LuaScript("""
            local s = redis.call('HMGET', KEYS[1], 'tenant', 'user')
            if not s[1] then return nil end
            redis.call('DEL', KEYS[1])
            return s
            """);

    private static final Logger LOG = LoggerFactory.getLogger(RedisSessionStore.class);

    private final RedisAccess redis;
    /** The bundle's user cache, whose records a session read returns with the session; null outside a bundle. */
    private final @Nullable CachingUserDatabase userCache;

    /**
     * A store on the host's client; the client stays the host's to close.
     *
     * @param keyPrefix prefix of every key, such as {@code latchkey:}; the same for every store of one application
     * @throws dev.latchkey.auth.ConfigurationException naming {@code REDIS_KEY_PREFIX} if the prefix is unsupported
     */
    public RedisSessionStore(UnifiedJedis client, String keyPrefix) {
        this(new RedisAccess(client, false, keyPrefix, "Redis session store"), null);
    }

    /** The store of a {@link RedisStores} bundle, whose user cache shares this store's client and prefix. */
    RedisSessionStore(UnifiedJedis client, String keyPrefix, @Nullable CachingUserDatabase userCache) {
        this(new RedisAccess(client, false, keyPrefix, "Redis session store"), userCache);
    }

    private RedisSessionStore(RedisAccess redis, @Nullable CachingUserDatabase userCache) {
        this.redis = redis;
        // Only where a session and every cached user record share a node can one script read both: a standalone
        // server, or a Cluster under a hash-tagged prefix such as {latchkey}: (every key then has one slot).
        this.userCache = userCache != null
                        && redis.oneNode(List.of(sessionKey("probe"), userCache.recordKeyOf("probe", new UUID(0, 0))))
                ? userCache
                : null;
    }

    /**
     * A store with its own client for {@code REDIS_URL}; {@link #close()} closes that client.
     *
     * @throws dev.latchkey.auth.ConfigurationException naming the setting if the URL, a timeout or the prefix is
     *     unsupported
     */
    public static RedisSessionStore fromUrl(
            String redisUrl, Duration connectTimeout, Duration socketTimeout, String keyPrefix) {
        RedisAccess.checkKeyPrefix(keyPrefix);
        UnifiedJedis client = RedisClients.fromUrl(redisUrl, connectTimeout, socketTimeout);
        return new RedisSessionStore(new RedisAccess(client, true, keyPrefix, "Redis session store"), null);
    }

    @Override
    public void create(SessionRecord session) {
        Objects.requireNonNull(session, "session");
        // The record's latest known time; the TTLs count from there.
        Instant reference = session.lastRotatedAt();
        String sessionKey = sessionKey(session.id());
        String indexKey = indexKey(session.tenantId(), session.userId());
        List<String> createArgs = List.of(
                session.tenantId(),
                session.userId().toString(),
                session.tokenHash(),
                Long.toString(session.generation()),
                RedisTime.encode(session.createdAt()),
                RedisTime.encode(session.lastRotatedAt()),
                RedisTime.encode(session.idleExpiresAt()),
                RedisTime.encode(session.absoluteExpiresAt()),
                Long.toString(RedisTime.ttlMillis(reference, session.expiresAt())),
                session.previousTokenHash() == null ? "" : session.previousTokenHash(),
                userCache == null ? "" : userCache.recordKeyOf(session.tenantId(), session.userId()));
        List<String> indexArgs = List.of(
                session.id(),
                Long.toString(RedisTime.scoreMillis(session.absoluteExpiresAt())),
                Long.toString(RedisTime.scoreMillis(reference)),
                Long.toString(RedisTime.ttlMillis(reference, session.absoluteExpiresAt())));
        List<String> keys = List.of(sessionKey, indexKey);
        if (redis.oneNode(keys)) {
            // Both keys on one node: one script, one round trip, and the session never exists without its index entry.
            List<String> args = new ArrayList<>(createArgs.size() + indexArgs.size());
            args.addAll(createArgs);
            args.addAll(indexArgs);
            redis.run(CREATE_INDEXED, keys, args);
            return;
        }
        // On a Cluster the two keys live in different slots: session first, index second. A revokeAllForUser running
        // meanwhile then either finds the id and deletes a session that already exists, or misses it and leaves it
        // listed for the next sign-out. The other order could let it delete a session not yet written, drop the id,
        // and leave a live session no index knows.
        redis.run(CREATE, sessionKey, createArgs);
        try {
            redis.run(INDEX, indexKey, indexArgs);
        } catch (AuthException indexNotWritten) {
            // A session missing from its user's index would escape "sign out everywhere": take it back. The login
            // fails, so nobody holds its refresh token even if this deletion fails too.
            try {
                redis.call(client -> client.del(sessionKey));
            } catch (AuthException alsoFailed) {
                indexNotWritten.addSuppressed(alsoFailed);
            }
            throw indexNotWritten;
        }
    }

    @Override
    public Optional<SessionRecord> find(String sessionId) {
        String key = sessionKey(sessionId);
        Map<String, String> fields = redis.call(client -> client.hgetAll(key));
        return fields.isEmpty() ? Optional.empty() : Optional.of(toRecord(sessionId, fields));
    }

    /**
     * With the bundle's own user cache as {@code users}: the session and its user's cached record in one script, one
     * round trip (the database is asked only when the record is not cached). Otherwise the default's two lookups.
     */
    @Override
    public Optional<SessionWithUser> findWithUser(String sessionId, UserDatabase users) {
        if (!readsUserWithSession(users)) {
            return SessionStore.super.findWithUser(sessionId, users);
        }
        CachingUserDatabase cache = Objects.requireNonNull(userCache);
        List<?> reply = (List<?>) redis.run(FIND_WITH_CACHED_USER, List.of(sessionKey(sessionId)), List.of());
        if (reply.isEmpty()) {
            return Optional.empty();
        }
        List<?> flat = (List<?>) reply.get(0);
        Map<String, String> fields = new HashMap<>(flat.size());
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            fields.put((String) flat.get(i), (String) flat.get(i + 1));
        }
        SessionRecord session = toRecord(sessionId, fields);
        String json = (String) reply.get(1);
        User user = cache.fromRecordOrDatabase(json.isEmpty() ? null : json, session.tenantId(), session.userId())
                .orElse(null);
        return Optional.of(new SessionWithUser(session, user));
    }

    /** Whether {@link #findWithUser} can read the user with the session: {@code users} is this bundle's cache. */
    boolean readsUserWithSession(UserDatabase users) {
        return userCache != null && users == userCache;
    }

    @Override
    public boolean rotate(
            String sessionId, String expectedTokenHash, String newTokenHash, Instant now, Instant newIdleExpiresAt) {
        Objects.requireNonNull(expectedTokenHash, "expectedTokenHash");
        Objects.requireNonNull(newTokenHash, "newTokenHash");
        Object rotated = redis.run(
                ROTATE,
                sessionKey(sessionId),
                List.of(
                        expectedTokenHash,
                        newTokenHash,
                        RedisTime.encode(now),
                        RedisTime.encode(newIdleExpiresAt),
                        // The core never passes an idle expiry past the absolute one, so it bounds the session's life.
                        Long.toString(RedisTime.ttlMillis(now, newIdleExpiresAt))));
        return ((Long) rotated) == 1L;
    }

    @Override
    public boolean revoke(String sessionId) {
        Object owner = redis.run(REVOKE, sessionKey(sessionId), List.of());
        if (owner == null) {
            return false;
        }
        List<?> tenantAndUser = (List<?>) owner;
        String indexKey = indexKey((String) tenantAndUser.get(0), UUID.fromString((String) tenantAndUser.get(1)));
        try {
            redis.call(client -> client.zrem(indexKey, sessionId));
        } catch (AuthException indexNotCleaned) {
            // The session is gone, which is what the caller asked; a stale id left in the index is ignored and
            // removed by the next read of the index, so failing the revocation here would only mislead.
            LOG.debug("session index not cleaned after revocation; it will be cleaned lazily", indexNotCleaned);
        }
        return true;
    }

    @Override
    public int revokeAllForUser(String tenantId, UUID userId, @Nullable String exceptSessionId) {
        String indexKey = indexKey(tenantId, userId);
        List<String> ids = redis.call(client -> client.zrange(indexKey, 0, -1));
        List<String> targets = new ArrayList<>(ids);
        targets.remove(exceptSessionId);
        if (targets.isEmpty()) {
            return 0;
        }
        return redis.call(client -> {
            List<Response<Long>> deletions = new ArrayList<>(targets.size());
            try (AbstractPipeline pipeline = client.pipelined()) {
                for (String id : targets) {
                    deletions.add(pipeline.del(sessionKey(id)));
                }
                pipeline.zrem(indexKey, targets.toArray(String[]::new));
                pipeline.sync();
            }
            int deleted = 0;
            for (Response<Long> deletion : deletions) {
                deleted += deletion.get().intValue();
            }
            return deleted;
        });
    }

    @Override
    public List<SessionRecord> listForUser(String tenantId, UUID userId, Instant now) {
        Objects.requireNonNull(now, "now");
        String indexKey = indexKey(tenantId, userId);
        List<String> ids = redis.call(client -> client.zrange(indexKey, 0, -1));
        if (ids.isEmpty()) {
            return List.of();
        }
        List<Map<String, String>> rows = redis.call(client -> {
            List<Response<Map<String, String>>> reads = new ArrayList<>(ids.size());
            try (AbstractPipeline pipeline = client.pipelined()) {
                for (String id : ids) {
                    reads.add(pipeline.hgetAll(sessionKey(id)));
                }
                pipeline.sync();
            }
            List<Map<String, String>> values = new ArrayList<>(reads.size());
            for (Response<Map<String, String>> read : reads) {
                values.add(read.get());
            }
            return values;
        });
        List<SessionRecord> live = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            Map<String, String> fields = rows.get(i);
            if (fields.isEmpty()) {
                gone.add(ids.get(i));
                continue;
            }
            SessionRecord session = toRecord(ids.get(i), fields);
            if (session.tenantId().equals(tenantId) && session.userId().equals(userId) && session.isLiveAt(now)) {
                live.add(session);
            }
        }
        if (!gone.isEmpty()) {
            redis.call(client -> client.zrem(indexKey, gone.toArray(String[]::new)));
        }
        live.sort(Comparator.comparing(SessionRecord::createdAt).thenComparing(SessionRecord::id));
        return live;
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

    private static SessionRecord toRecord(String sessionId, Map<String, String> fields) {
        return new SessionRecord(
                sessionId,
                RedisFields.required(fields, "tenant"),
                UUID.fromString(fields.get("user")),
                RedisFields.required(fields, "token"),
                fields.get("previous"),
                Long.parseLong(fields.get("generation")),
                RedisTime.decode(fields.get("created")),
                RedisTime.decode(fields.get("rotated")),
                RedisTime.decode(fields.get("idle")),
                RedisTime.decode(fields.get("absolute")));
    }

    private String sessionKey(String sessionId) {
        return redis.key("session:{" + Objects.requireNonNull(sessionId, "sessionId") + "}");
    }

    private String indexKey(String tenantId, UUID userId) {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(userId, "userId");
        return redis.key("user:{" + tenantId + ":" + userId + "}:sessions");
    }
}
