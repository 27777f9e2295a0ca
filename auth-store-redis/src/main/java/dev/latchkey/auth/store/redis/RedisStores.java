package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.ConfigurationException;
import dev.latchkey.auth.spi.AuthStores;
import dev.latchkey.auth.spi.ExternalIdentityStore;
import dev.latchkey.auth.spi.RevocationList;
import dev.latchkey.auth.spi.UserDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.UnifiedJedis;

/**
 * The Redis stores together, on one client and one key prefix: one-time codes, rate-limit counters, sessions, the
 * revocation list, and a read-through cache in front of the user database the host gives (Redis holds no users of its
 * own).
 *
 * <pre>{@code
 * PostgresStores postgres = PostgresStores.fromEnv(System.getenv());
 * // REDIS_URL, REDIS_KEY_PREFIX, and OTP_HASH_SECRET for the user cache's key names
 * RedisStores redis = RedisStores.fromEnv(System.getenv(), postgres.users());
 * AuthFacade auth = AuthFacade.builder()
 *         .stores(redis) // users cached in Redis, kept in PostgreSQL
 *         ...
 *         .build();
 * }</pre>
 *
 * <p>Every store of the bundle, the user cache included, writes below the same prefix ({@value #DEFAULT_KEY_PREFIX}
 * unless another is given), so applications sharing one Redis stay apart by prefix alone. {@link #close()} closes the
 * client only if this object created it (from a URL); a client given with {@link Builder#client} stays the host's.
 * Building never connects: an unreachable Redis shows up as {@code UNAVAILABLE} on use.
 */
public final class RedisStores implements AuthStores, AutoCloseable {
    /** The key prefix used when none is given. */
    public static final String DEFAULT_KEY_PREFIX = RedisAccess.DEFAULT_KEY_PREFIX;

    /** The variable {@link #fromEnv} takes the user cache's key secret from: the core's hashing secret. */
    private static final String HASH_SECRET_SETTING = "OTP_HASH_SECRET";

    private final @Nullable UnifiedJedis ownedClient;
    private final String keyPrefix;
    private final UserDatabase users;
    private final RedisOTPStore otp;
    private final RedisRateLimitStore rateLimits;
    private final RedisSessionStore sessions;
    private final RedisRevocationList revocations;

    private RedisStores(UnifiedJedis client, boolean ownsClient, String keyPrefix, UserDatabase users) {
        this.ownedClient = ownsClient ? client : null;
        this.keyPrefix = keyPrefix;
        this.users = users;
        this.otp = new RedisOTPStore(client, keyPrefix);
        this.rateLimits = new RedisRateLimitStore(client, keyPrefix);
        this.sessions =
                new RedisSessionStore(client, keyPrefix, users instanceof CachingUserDatabase cache ? cache : null);
        this.revocations = new RedisRevocationList(client, keyPrefix);
    }

    /** Starts a configuration; give it a client or a URL, and the user database to front. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Stores on a new client for {@code redisUrl} (2 s connect and socket timeouts), below {@value
     * #DEFAULT_KEY_PREFIX}, with {@code users} behind the Redis user cache, whose key names are keyed hashes under
     * {@code userCacheKeySecret} (see {@link Builder#userCacheKeySecret}); {@link #close()} closes the client.
     *
     * @throws ConfigurationException naming {@code REDIS_URL} or {@code userCacheKeySecret} if one is missing or
     *     malformed
     */
    public static RedisStores fromUrl(String redisUrl, UserDatabase users, byte[] userCacheKeySecret) {
        return builder()
                .redisUrl(redisUrl)
                .users(users)
                .userCacheKeySecret(userCacheKeySecret)
                .build();
    }

    /**
     * Stores on a new client for the variables of {@code env} (pass {@code System.getenv()}): {@code REDIS_URL}
     * (required), {@code REDIS_KEY_PREFIX} (default {@value #DEFAULT_KEY_PREFIX}) and {@code OTP_HASH_SECRET}
     * (required, the core's own setting: the user cache derives the key of its key names from it), with {@code users}
     * behind the Redis user cache; {@link #close()} closes the client.
     *
     * @throws ConfigurationException naming the variable if one is missing or malformed
     */
    public static RedisStores fromEnv(Map<String, String> env, UserDatabase users) {
        Objects.requireNonNull(env, "env");
        Builder builder = builder().redisUrl(env.get(RedisClients.URL_SETTING)).users(users);
        String prefix = env.get(RedisAccess.KEY_PREFIX_SETTING);
        if (prefix != null && !prefix.isBlank()) {
            builder.keyPrefix(prefix.strip());
        }
        String secret = env.get(HASH_SECRET_SETTING);
        if (secret != null && !secret.isEmpty()) {
            // The same bytes as the core reads from this variable (its UTF-8 encoding).
            builder.userCacheKeySecret(secret.getBytes(StandardCharsets.UTF_8));
        }
        builder.keySecretSetting = HASH_SECRET_SETTING;
        return builder.build();
    }

    /**
     * The user database given to the builder, behind a {@link CachingUserDatabase} with this bundle's key prefix
     * (unless the cache was switched off); the same instance on every call.
     */
    @Override
    public UserDatabase users() {
        return users;
    }

    /** The one-time-code store; the same instance on every call. */
    @Override
    public RedisOTPStore otp() {
        return otp;
    }

    /** The throttle and failure-budget counters; the same instance on every call. */
    @Override
    public RedisRateLimitStore rateLimits() {
        return rateLimits;
    }

    /** The refresh-session store; the same instance on every call. */
    @Override
    public RedisSessionStore sessions() {
        return sessions;
    }

    /** The access-token deny-list, always present; the same instance on every call. */
    @Override
    public Optional<RevocationList> revocations() {
        return Optional.of(revocations);
    }

    /**
     * The user database's links of external identities, when it keeps them (the memory and PostgreSQL databases do);
     * links are not cached in Redis.
     */
    @Override
    public Optional<ExternalIdentityStore> externalIdentities() {
        UserDatabase database = users instanceof CachingUserDatabase cache ? cache.delegate() : users;
        return database instanceof ExternalIdentityStore links ? Optional.of(links) : Optional.empty();
    }

    /** The prefix every key of these stores starts with. */
    public String keyPrefix() {
        return keyPrefix;
    }

    /**
     * Ends the revocation list's subscriptions, and closes the client if this object created it (from a URL); a
     * host's client is left open. Idempotent.
     */
    @Override
    public void close() {
        revocations.close();
        if (ownedClient != null) {
            ownedClient.close();
        }
    }

    /** Configures {@link RedisStores}; give exactly one of {@link #client} and {@link #redisUrl}, and the users. */
    public static final class Builder {
        private @Nullable UnifiedJedis client;
        private @Nullable String redisUrl;
        private Duration connectTimeout = RedisClients.DEFAULT_TIMEOUT;
        private Duration socketTimeout = RedisClients.DEFAULT_TIMEOUT;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private @Nullable UserDatabase users;
        private boolean cacheUsers = true;
        private Duration userCacheTtl = CachingUserDatabase.DEFAULT_TTL;
        private byte @Nullable [] userCacheKeySecret;
        /** What a key secret error names: the variable when {@link #fromEnv} read it. */
        private String keySecretSetting = "userCacheKeySecret";

        private Builder() {}

        /**
         * Use the host's client: any {@link UnifiedJedis}, such as {@code RedisClient} or {@code RedisClusterClient}
         * (or the older {@code JedisPooled} and {@code JedisCluster}). It is never closed by the stores.
         */
        public Builder client(UnifiedJedis client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * Create a client for this URL, {@code redis://[user:password@]host[:port][/db]} or {@code rediss://...}; the
         * stores close it. The URL is parsed by {@link #build()}, and its errors name {@code REDIS_URL}.
         */
        public Builder redisUrl(@Nullable String redisUrl) {
            this.redisUrl = redisUrl == null ? "" : redisUrl;
            return this;
        }

        /** Connect and socket timeouts of a client created from the URL (default 2 s each). */
        public Builder timeouts(Duration connectTimeout, Duration socketTimeout) {
            this.connectTimeout = connectTimeout;
            this.socketTimeout = socketTimeout;
            return this;
        }

        /**
         * Prefix of every key of every store, the user cache included (default {@value #DEFAULT_KEY_PREFIX}): 1 to 128
         * letters, digits and {@code : _ . - { }}. Errors name {@code REDIS_KEY_PREFIX}.
         */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
            return this;
        }

        /** The database that holds the users (required), for example {@code PostgresStores.users()}. */
        public Builder users(UserDatabase users) {
            this.users = users;
            return this;
        }

        /**
         * Whether lookups of users go through a {@link CachingUserDatabase} in Redis (default {@code true}); without
         * it, {@link RedisStores#users()} is the database given to {@link #users} itself.
         */
        public Builder cacheUsers(boolean cacheUsers) {
            this.cacheUsers = cacheUsers;
            return this;
        }

        /** How long a cached user lives (default 60 s); the longest a change made behind the cache stays unseen. */
        public Builder userCacheTtl(Duration userCacheTtl) {
            this.userCacheTtl = userCacheTtl;
            return this;
        }

        /**
         * The secret the user cache keys its key names with (required while the cache is on): at least 32 random
         * bytes, the same on every instance; the host's {@code OTP_HASH_SECRET} will do, as a separate key is derived
         * from it. Key names then hold keyed hashes, never an email address or phone number. Copied.
         */
        public Builder userCacheKeySecret(byte[] userCacheKeySecret) {
            this.userCacheKeySecret = Objects.requireNonNull(userCacheKeySecret, "userCacheKeySecret")
                    .clone();
            return this;
        }

        /**
         * Builds the stores. Every setting is checked before a client is created; nothing connects yet.
         *
         * @throws ConfigurationException naming the setting, for a missing or malformed one
         */
        public RedisStores build() {
            if ((client == null) == (redisUrl == null)) {
                throw new ConfigurationException(
                        "client/redisUrl",
                        client == null ? "neither is given" : "both are given",
                        "exactly one of client and redisUrl");
            }
            if (users == null) {
                throw new ConfigurationException(
                        "users",
                        "is not given",
                        "the UserDatabase the Redis stores front, such as PostgresStores.users()");
            }
            RedisAccess.checkKeyPrefix(keyPrefix);
            if (cacheUsers && (userCacheTtl == null || userCacheTtl.toMillis() < 1)) {
                throw new ConfigurationException(
                        "userCacheTtl", "is missing or shorter than 1 ms", "a duration of at least 1 ms, such as 60 s");
            }
            UnifiedJedis given = client;
            boolean ownsClient = given == null;
            UnifiedJedis jedis = given != null
                    ? given
                    : RedisClients.fromUrl(Objects.requireNonNull(redisUrl), connectTimeout, socketTimeout);
            if (!cacheUsers) {
                return new RedisStores(jedis, ownsClient, keyPrefix, users);
            }
            try {
                // Checked after the URL so that a missing REDIS_URL is reported first; creating a client never
                // connects, and a client created here is closed again.
                byte[] secret = CachingUserDatabase.checkKeySecret(userCacheKeySecret, keySecretSetting);
                return new RedisStores(
                        jedis,
                        ownsClient,
                        keyPrefix,
                        new CachingUserDatabase(users, jedis, userCacheTtl, keyPrefix, secret));
            } catch (ConfigurationException badSecret) {
                if (ownsClient) {
                    jedis.close();
                }
                throw badSecret;
            }
        }
    }
}
