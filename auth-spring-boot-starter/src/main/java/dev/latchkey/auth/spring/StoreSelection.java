package dev.latchkey.auth.spring;

import dev.latchkey.auth.AuthSettings;
import dev.latchkey.auth.spi.AuthStores;
import dev.latchkey.auth.spi.UserDatabase;
import dev.latchkey.auth.store.memory.MemoryStores;
import dev.latchkey.auth.store.postgres.PostgresStores;
import dev.latchkey.auth.store.redis.RedisStores;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import redis.clients.jedis.UnifiedJedis;

/**
 * Chooses the stores from what the application has: users in PostgreSQL when there is a {@code DataSource}; codes,
 * counters, sessions and the revocation list in Redis when there is a {@code UnifiedJedis} bean or {@value
 * LatchkeyProperties#REDIS_URL}, else in PostgreSQL too; whatever has no backend, in memory, with a warning.
 */
final class StoreSelection {
    private static final Logger LOG = LoggerFactory.getLogger(StoreSelection.class);

    private StoreSelection() {}

    static AuthStores choose(
            @Nullable DataSource dataSource,
            @Nullable UnifiedJedis redis,
            AuthSettings settings,
            Environment environment) {
        @Nullable PostgresStores postgres = dataSource == null ? null : postgres(dataSource, environment);
        String redisUrl = environment.getProperty(LatchkeyProperties.REDIS_URL);
        boolean hasRedis = redis != null || (redisUrl != null && !redisUrl.isBlank());
        if (!hasRedis) {
            if (postgres != null) {
                LOG.info("Latchkey stores: PostgreSQL (the application's DataSource)");
                return postgres;
            }
            LOG.warn("Latchkey stores: in memory, because the application has neither a DataSource nor a Redis"
                    + " client: users and sessions are lost on restart and not shared between instances");
            return MemoryStores.create();
        }
        UserDatabase users;
        if (postgres != null) {
            users = postgres.users();
            LOG.info("Latchkey stores: users in PostgreSQL, codes, counters and sessions in Redis");
        } else {
            users = MemoryStores.create().users();
            LOG.warn("Latchkey stores: codes, counters and sessions in Redis, but users in memory because the"
                    + " application has no DataSource: users are lost on restart and not shared between instances");
        }
        // The user cache keys its key names with a key derived from the hashing secret: no address in Redis keys.
        RedisStores.Builder builder = RedisStores.builder().users(users).userCacheKeySecret(settings.hashSecret());
        if (redis != null) {
            builder.client(redis);
        } else {
            builder.redisUrl(redisUrl);
        }
        String prefix = environment.getProperty(LatchkeyProperties.REDIS_KEY_PREFIX);
        if (prefix != null && !prefix.isBlank()) {
            builder.keyPrefix(prefix.strip());
        }
        return builder.build();
    }

    private static PostgresStores postgres(DataSource dataSource, Environment environment) {
        PostgresStores.Builder builder = PostgresStores.builder().dataSource(dataSource);
        String schema = environment.getProperty(LatchkeyProperties.DATABASE_SCHEMA);
        if (schema != null && !schema.isBlank()) {
            builder.schema(schema.strip());
        }
        return builder.build();
    }
}
