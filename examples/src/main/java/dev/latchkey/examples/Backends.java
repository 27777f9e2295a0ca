package dev.latchkey.examples;

import dev.latchkey.auth.ConfigurationException;
import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.RevocationList;
import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.spi.UserDatabase;
import dev.latchkey.auth.store.memory.MemoryStores;
import dev.latchkey.auth.store.postgres.PostgresStores;
import dev.latchkey.auth.store.redis.RedisClients;
import dev.latchkey.auth.store.redis.RedisOTPStore;
import dev.latchkey.auth.store.redis.RedisRevocationList;
import dev.latchkey.auth.store.redis.RedisSessionStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * The stores chosen by the configuration, and the pools and clients the example created for them (closed on
 * shutdown). PostgreSQL, when configured, holds users and sessions (and codes, if there is no Redis); Redis holds
 * codes, throttle counters and the revocation list (and sessions, if there is no PostgreSQL); memory fills the rest.
 */
final class Backends implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

    final UserDatabase users;
    final OTPStore codes;
    final SessionStore sessions;
    final RevocationList revocations;
    private final List<AutoCloseable> owned;
    private final @Nullable PostgresStores postgres;
    private final Set<String> onPostgres;

    private Backends(
            UserDatabase users,
            OTPStore codes,
            SessionStore sessions,
            RevocationList revocations,
            List<AutoCloseable> owned,
            @Nullable PostgresStores postgres,
            Set<String> onPostgres) {
        this.users = users;
        this.codes = codes;
        this.sessions = sessions;
        this.revocations = revocations;
        this.owned = owned;
        this.postgres = postgres;
        this.onPostgres = onPostgres;
    }

    /**
     * Builds the stores. Nothing connects yet: an unreachable database or Redis shows up in {@code /health} and as
     * {@code 503 unavailable}, so the server starts (and can report it) while a backend is down.
     */
    static Backends open(ExampleConfig config) {
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            MemoryStores memory = MemoryStores.create();
            UserDatabase users = memory.userDatabase();
            OTPStore codes = memory.otpStore();
            SessionStore sessions = memory.sessionStore();
            RevocationList revocations = memory.revocationList();
            PostgresStores postgres = null;
            Set<String> onPostgres = new HashSet<>();
            if (config.databaseUrl().isPresent()) {
                postgres = postgres(config);
                owned.add(postgres);
                onPostgres.addAll(List.of("users", "sessions", "otp"));
                users = postgres.users();
                sessions = postgres.sessions();
                codes = postgres.otp();
            }
            if (config.redisUrl().isPresent()) {
                UnifiedJedis client = redis(config);
                owned.add(client);
                String prefix = config.redisKeyPrefix();
                codes = new RedisOTPStore(client, prefix);
                onPostgres.remove("otp");
                revocations = new RedisRevocationList(client, prefix);
                if (config.databaseUrl().isEmpty()) {
                    sessions = new RedisSessionStore(client, prefix);
                }
            }
            return new Backends(
                    users, codes, sessions, revocations, List.copyOf(owned), postgres, Set.copyOf(onPostgres));
        } catch (RuntimeException e) {
            closeAll(owned);
            throw e;
        }
    }

    private static PostgresStores postgres(ExampleConfig config) {
        try {
            return PostgresStores.builder()
                    .databaseUrl(config.databaseUrl().orElseThrow())
                    .schema(config.databaseSchema())
                    .build();
        } catch (IllegalArgumentException e) {
            throw refused("DATABASE_URL", "a PostgreSQL URL, such as postgresql://user:password@host:5432/app", e);
        }
    }

    private static UnifiedJedis redis(ExampleConfig config) {
        try {
            return RedisClients.fromUrl(config.redisUrl().orElseThrow());
        } catch (RuntimeException e) {
            throw refused("REDIS_URL", "a Redis URL, such as redis://user:password@host:6379/0", e);
        }
    }

    /**
     * A store module's refusal of its URL, as the configuration error the rest of start-up reports. The stores'
     * messages never repeat the URL (it may hold a password), so theirs is kept as the problem.
     */
    private static ConfigurationException refused(String variable, String expected, RuntimeException e) {
        if (e instanceof ConfigurationException alreadyNamed) {
            return alreadyNamed;
        }
        return new ConfigurationException(variable, "was refused: " + e.getMessage(), expected, e);
    }

    /**
     * The connection pool behind a {@code /health} component ({@code users}, {@code sessions}, {@code otp}) when that
     * store is on the PostgreSQL pool this example created: a pool with threads waiting is the first sign of a
     * database too slow or too small for the load.
     */
    Optional<Map<String, Integer>> poolUsage(String component) {
        if (postgres == null || !onPostgres.contains(component)) {
            return Optional.empty();
        }
        return postgres.poolUsage().map(usage -> {
            Map<String, Integer> pool = new LinkedHashMap<>();
            pool.put("active", usage.active());
            pool.put("idle", usage.idle());
            pool.put("total", usage.total());
            pool.put("waiting", usage.waiting());
            return pool;
        });
    }

    @Override
    public void close() {
        closeAll(owned);
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", resource.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
