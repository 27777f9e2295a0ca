package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ConfigurationException;
import dev.latchkey.auth.User;
import dev.latchkey.auth.spi.CodeLogin;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.UpsertResult;
import dev.latchkey.auth.spi.UserDatabase;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * A read-through cache in Redis in front of any {@link UserDatabase}, for lookups by id, email and mobile.
 *
 * <p>Keys, below the prefix shared with the other Redis stores (such as {@code latchkey:}), all with the cache TTL (60
 * s by default):
 *
 * <ul>
 *   <li>{@code user:v2:{<userId>}:<h(tenantId)>}: hash with {@code json}, the user record as JSON, and, for one TTL
 *       after a change, {@code fence};
 *   <li>{@code user-email:v2:<h(tenantId, email)>} and {@code user-mobile:v2:<h(tenantId, mobile)>}: the id of the
 *       user last seen with that email or mobile.
 * </ul>
 *
 * <p>{@code h} is HMAC-SHA256, keyed with a key derived from the secret given to the constructor, in unpadded
 * base64url. No email address or phone number appears in a key name, so none shows in {@code SCAN}, {@code MONITOR},
 * slow logs or snapshots; an unkeyed hash would not do, since the few billion phone numbers can be hashed in minutes.
 * Nothing a client sends reaches a key in readable form either, so an email such as {@code {evil}@example.com} cannot
 * choose a Redis Cluster slot: the only hash tag is the user id, which the core generates. Each key is used alone (the fence
 * and the record share their one key), so spreading the keys over slots costs no guarantee below.
 *
 * <p>Only the record is authoritative; an email or mobile entry just points to it, and a hit counts only if the
 * record it points to still has that email or mobile, so a changed email can never resolve to its former owner.
 * {@link #update} and {@link #disable} evict the record and set the fence before the database is written; the fence
 * stops every reader from caching that user again until the TTL ends. Without it, a reader that fetched the old
 * record just before the change could put it back just after, and a disabled user would look active for a whole TTL
 * (ASVS 5.0 V7.4: a disabled account must stop working). {@link #recordLogin} only evicts, after the write: a stale
 * last-login time is harmless. A change made to the database behind this cache's back shows after at most one TTL.
 *
 * <p>Lookups never fail because of the cache: when Redis fails, reads go to the database and the failure is logged,
 * and {@link #ping()} checks the database only. Changes fail closed instead: if the eviction and fence cannot be
 * written, {@link #update} and {@link #disable} throw {@code UNAVAILABLE} without touching the database, since
 * otherwise other instances would keep serving the old (say, still active) record for up to one TTL; the caller
 * retries once Redis is back.
 *
 * <p>Thread-safe; never closes the client it is given.
 */
public final class CachingUserDatabase implements UserDatabase {
    /** How long an entry lives when no TTL is given. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(CachingUserDatabase.class);

    /** Caches the record unless a fence says the user changed within the last TTL. */
    private static final LuaScript PUT_UNLESS_FENCED = new LuaScript("""
            if redis.call('HEXISTS', KEYS[1], 'fence') == 1 then return 0 end
            redis.call('HSET', KEYS[1], 'json', ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1
            """);

    private static final LuaScript FENCE = new LuaScript("""
            redis.call('HDEL', KEYS[1], 'json')
            redis.call('HSET', KEYS[1], 'fence', '1')
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return 1
            """);

    /** The shortest key secret accepted: 256 bits, like the core's {@code OTP_HASH_SECRET}. */
    static final int MIN_SECRET_BYTES = 32;

    private static final String HMAC = "HmacSHA256";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /** Domain separation: the key secret may be the host's {@code OTP_HASH_SECRET}, which the core also derives from. */
    private static final String KEY_PURPOSE = "latchkey redis user-cache key names v2";

    private final UserDatabase delegate;
    private final RedisAccess redis;
    private final long ttlMillis;
    /** Keyed once per thread: {@code Mac.getInstance} and {@code init} on every key name cost more than the hash. */
    private final ThreadLocal<Mac> nameMac;

    /**
     * A cache in front of {@code delegate}. {@link RedisStores} builds one with the prefix of its other stores; build
     * one directly only with that same prefix.
     *
     * @param delegate the database that holds the users
     * @param client the host's client; never closed by the cache
     * @param ttl how long an entry lives ({@link #DEFAULT_TTL} is 60 s); also the longest a change made behind the
     *     cache's back stays invisible
     * @param keyPrefix prefix of every key, the same as the other Redis stores' (such as {@code latchkey:})
     * @param keySecret at least 32 random bytes, the same on every instance sharing the cache (the host's {@code
     *     OTP_HASH_SECRET} will do: a separate key is derived from it); key names are keyed hashes of the tenant and
     *     the email or mobile, so changing it only makes the entries already cached unreachable until they expire
     * @throws dev.latchkey.auth.ConfigurationException naming {@code REDIS_KEY_PREFIX}, {@code userCacheTtl} or {@code
     *     userCacheKeySecret} if one is unsupported
     */
    public CachingUserDatabase(
            UserDatabase delegate, UnifiedJedis client, Duration ttl, String keyPrefix, byte[] keySecret) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.redis = new RedisAccess(client, false, keyPrefix, "Redis user cache");
        if (ttl == null || ttl.toMillis() < 1) {
            throw new ConfigurationException(
                    "userCacheTtl", "is missing or shorter than 1 ms", "a duration of at least 1 ms, such as 60 s");
        }
        this.ttlMillis = ttl.toMillis();
        checkKeySecret(keySecret, "userCacheKeySecret");
        SecretKeySpec nameKey = new SecretKeySpec(hmac(new SecretKeySpec(keySecret, HMAC), KEY_PURPOSE), HMAC);
        this.nameMac = ThreadLocal.withInitial(() -> keyedMac(nameKey));
    }

    /**
     * Returns {@code secret} if it has at least {@value #MIN_SECRET_BYTES} bytes.
     *
     * @throws ConfigurationException naming {@code setting} otherwise
     */
    static byte[] checkKeySecret(byte @Nullable [] secret, String setting) {
        if (secret == null || secret.length < MIN_SECRET_BYTES) {
            throw new ConfigurationException(
                    setting,
                    secret == null ? "is not given" : "is shorter than " + MIN_SECRET_BYTES + " bytes",
                    "at least 32 random bytes, the same on every instance, such as OTP_HASH_SECRET");
        }
        return secret;
    }

    @Override
    public UpsertResult upsert(NewUser user, Instant now) {
        // Nothing to evict: misses are never cached, and an existing user comes back unchanged.
        return delegate.upsert(user, now);
    }

    @Override
    public Optional<User> findById(String tenantId, UUID id) {
        Optional<User> cached = cachedRecord(tenantId, id);
        if (cached.isPresent()) {
            return cached;
        }
        return remember(delegate.findById(tenantId, id));
    }

    @Override
    public Optional<User> findByEmail(String tenantId, String email) {
        Objects.requireNonNull(email, "email");
        Optional<User> cached =
                viaPointer(emailKey(tenantId, email), tenantId).filter(user -> email.equals(user.email()));
        return cached.isPresent() ? cached : remember(delegate.findByEmail(tenantId, email));
    }

    @Override
    public Optional<User> findByMobile(String tenantId, String mobile) {
        Objects.requireNonNull(mobile, "mobile");
        Optional<User> cached =
                viaPointer(mobileKey(tenantId, mobile), tenantId).filter(user -> mobile.equals(user.mobile()));
        return cached.isPresent() ? cached : remember(delegate.findByMobile(tenantId, mobile));
    }

    @Override
    public Optional<User> update(User user, Instant now) {
        fence(user.tenantId(), user.id());
        return delegate.update(user, now);
    }

    @Override
    public boolean disable(String tenantId, UUID id, Instant now) {
        fence(tenantId, id);
        return delegate.disable(tenantId, id, now);
    }

    @Override
    public void recordLogin(String tenantId, UUID id, Instant at) {
        delegate.recordLogin(tenantId, id, at);
        // Only the last-login time changed; a plain eviction suffices, the next read caches the new record.
        String key = recordKey(tenantId, id);
        bestEffort("evict", () -> redis.call(client -> client.hdel(key, "json")));
    }

    @Override
    public void markEmailVerified(String tenantId, UUID id, String email, Instant at) {
        delegate.markEmailVerified(tenantId, id, email, at);
        // Only the verification time changed; as for recordLogin, an eviction suffices.
        String key = recordKey(tenantId, id);
        bestEffort("evict", () -> redis.call(client -> client.hdel(key, "json")));
    }

    /**
     * The database records the login (for PostgreSQL in one statement); a user this call created was never cached (a
     * miss is never cached, and the new row already holds the login), so only an existing active user's record, with
     * its older login and email verification times, is evicted.
     */
    @Override
    public Optional<UpsertResult> recordCodeLogin(CodeLogin login) {
        Optional<UpsertResult> result = delegate.recordCodeLogin(login);
        if (result.isPresent() && !result.get().created() && result.get().user().active()) {
            String key = recordKey(login.tenantId(), result.get().user().id());
            bestEffort("evict", () -> redis.call(client -> client.hdel(key, "json")));
        }
        return result;
    }

    /** The database behind the cache. */
    UserDatabase delegate() {
        return delegate;
    }

    /** Checks the database only: the cache being down slows lookups but does not stop them. */
    @Override
    public void ping() {
        delegate.ping();
    }

    /** The key of this user's cached record: a session keeps it, so that one script reads the session and its user. */
    String recordKeyOf(String tenantId, UUID id) {
        return recordKey(tenantId, id);
    }

    /**
     * The user, from a cached record read together with a session (null when there was none) if it is this user's,
     * otherwise from the database, and then cached.
     */
    Optional<User> fromRecordOrDatabase(@Nullable String json, String tenantId, UUID id) {
        Optional<User> cached = ownRecord(json, tenantId, id);
        return cached.isPresent() ? cached : remember(delegate.findById(tenantId, id));
    }

    private Optional<User> cachedRecord(String tenantId, UUID id) {
        String key = recordKey(tenantId, id);
        return ownRecord(bestEffort("read", () -> redis.call(client -> client.hget(key, "json"))), tenantId, id);
    }

    private static Optional<User> ownRecord(@Nullable String json, String tenantId, UUID id) {
        return decode(json)
                .filter(user -> user.tenantId().equals(tenantId) && user.id().equals(id));
    }

    private Optional<User> viaPointer(String pointerKey, String tenantId) {
        String id = bestEffort("read", () -> redis.call(client -> client.get(pointerKey)));
        if (id == null) {
            return Optional.empty();
        }
        try {
            return cachedRecord(tenantId, UUID.fromString(id));
        } catch (IllegalArgumentException notAnId) {
            return Optional.empty();
        }
    }

    private Optional<User> remember(Optional<User> found) {
        found.ifPresent(user -> bestEffort("write", () -> {
            String id = user.id().toString();
            SetParams expiry = SetParams.setParams().px(ttlMillis);
            redis.call(client -> {
                try (AbstractPipeline pipeline = client.pipelined()) {
                    if (user.email() != null) {
                        pipeline.set(emailKey(user.tenantId(), user.email()), id, expiry);
                    }
                    if (user.mobile() != null) {
                        pipeline.set(mobileKey(user.tenantId(), user.mobile()), id, expiry);
                    }
                    pipeline.sync();
                }
                return null;
            });
            return redis.run(
                    PUT_UNLESS_FENCED,
                    recordKey(user.tenantId(), user.id()),
                    List.of(UserJson.write(user), Long.toString(ttlMillis)));
        }));
        return found;
    }

    /**
     * Evicts the record and fences it, or throws {@code UNAVAILABLE}: a change the cache could not be told about must
     * not reach the database (ASVS 5.0 V7.4: a disabled account must stop working at once, on every instance).
     */
    private void fence(String tenantId, UUID id) {
        String key = recordKey(tenantId, id);
        redis.run(FENCE, key, List.of(Long.toString(ttlMillis)));
    }

    private static Optional<User> decode(@Nullable String json) {
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(UserJson.read(json));
        } catch (RuntimeException unreadable) {
            // Written by another version or damaged: a miss, and the database answers.
            return Optional.empty();
        }
    }

    private static <T> @Nullable T bestEffort(String action, Supplier<T> cacheOperation) {
        try {
            return cacheOperation.get();
        } catch (AuthException cacheDown) {
            // One line, no stack trace (so the cause goes in as text): during an outage every lookup comes here.
            LOG.warn(
                    "user cache {} failed, using the database directly: {}",
                    action,
                    String.valueOf(cacheDown.getCause()));
            return null;
        }
    }

    /** The record and its fence: tagged by the core-generated user id, so a tenant id's braces cannot pick the slot. */
    private String recordKey(String tenantId, UUID id) {
        return redis.key("user:v2:{" + Objects.requireNonNull(id, "id") + "}:" + name("tenant", tenantId, ""));
    }

    private String emailKey(String tenantId, String email) {
        return redis.key("user-email:v2:" + name("email", tenantId, email));
    }

    private String mobileKey(String tenantId, String mobile) {
        return redis.key("user-mobile:v2:" + name("mobile", tenantId, mobile));
    }

    /** A keyed hash of the fields, length-prefixed so that no two different inputs share one message. */
    private String name(String kind, String tenantId, String value) {
        Objects.requireNonNull(tenantId, "tenantId");
        String message = kind + ":" + tenantId.length() + ":" + tenantId + ":" + value;
        return B64.encodeToString(nameMac.get().doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] hmac(SecretKeySpec key, String message) {
        return keyedMac(key).doFinal(message.getBytes(StandardCharsets.UTF_8));
    }

    private static Mac keyedMac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException missing) {
            // Every Java SE implementation must provide HmacSHA256.
            throw new IllegalStateException(missing);
        }
    }
}
