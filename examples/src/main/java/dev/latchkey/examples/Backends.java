package dev.latchkey.examples;

import dev.latchkey.auth.spi.ExternalIdentityStore;
import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.spi.RevocationList;
import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.spi.UserDatabase;
import dev.latchkey.auth.store.memory.MemoryStores;
import dev.latchkey.auth.store.postgres.PostgresStores;
import dev.latchkey.auth.store.redis.RedisStores;
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

/**
 * The stores chosen by the configuration, and the pools and clients the example created for them (closed on
 * shutdown). PostgreSQL, when configured, holds users and sessions (and codes, throttle counters and the revocation
 * list, if there is no Redis); Redis holds codes, throttle counters and the revocation list (and sessions, if there is
 * no PostgreSQL); memory fills the rest.
 */
final class Backends implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

    final UserDatabase users;
    final OTPStore codes;
    final RateLimitStore rateLimits;
    final SessionStore sessions;
    final RevocationList revocations;
    /** Links of external identities to users: kept by whichever database keeps the users. */
    final ExternalIdentityStore identities;

    private final List<AutoCloseable> owned;
    private final @Nullable PostgresStores postgres;
    private final Set<String> onPostgres;

    private Backends(
            UserDatabase users,
            OTPStore codes,
            RateLimitStore rateLimits,
            SessionStore sessions,
            RevocationList revocations,
            ExternalIdentityStore identities,
            List<AutoCloseable> owned,
            @Nullable PostgresStores postgres,
            Set<String> onPostgres) {
        this.users = users;
        this.identities = identities;
        this.codes = codes;
        this.rateLimits = rateLimits;
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
            UserDatabase users = memory.users();
            OTPStore codes = memory.otp();
            RateLimitStore rateLimits = memory.rateLimits();
            SessionStore sessions = memory.sessions();
            RevocationList revocations = memory.revocations().orElseThrow();
            ExternalIdentityStore identities = memory.externalIdentities().orElseThrow();
            PostgresStores postgres = null;
            Set<String> onPostgres = new HashSet<>();
            if (config.databaseUrl().isPresent()) {
                postgres = postgres(config);
                owned.add(postgres);
                onPostgres.addAll(List.of("users", "sessions", "otp", "rateLimits", "revocations"));
                users = postgres.users();
                // Shared by every instance on the database, and mirrored through LISTEN/NOTIFY.
                revocations = postgres.revocations().orElseThrow();
                identities = postgres.externalIdentities().orElseThrow();
                sessions = postgres.sessions();
                codes = postgres.otp();
                rateLimits = postgres.rateLimits();
            }
            if (config.redisUrl().isPresent()) {
                RedisStores redis = redis(config, users);
                owned.add(redis);
                codes = redis.otp();
                rateLimits = redis.rateLimits();
                onPostgres.removeAll(List.of("otp", "rateLimits", "revocations"));
                revocations = redis.revocations().orElseThrow();
                if (config.databaseUrl().isEmpty()) {
                    sessions = redis.sessions();
                }
            }
            return new Backends(
                    users,
                    codes,
                    rateLimits,
                    sessions,
                    revocations,
                    identities,
                    List.copyOf(owned),
                    postgres,
                    Set.copyOf(onPostgres));
        } catch (RuntimeException e) {
            closeAll(owned);
            throw e;
        }
    }

    private static PostgresStores postgres(ExampleConfig config) {
        return PostgresStores.builder()
                .databaseUrl(config.databaseUrl().orElseThrow())
                .schema(config.databaseSchema())
                .build();
    }

    /**
     * Codes, counters, sessions and revocations on one Redis client and one key prefix. Users stay where they are
     * kept (PostgreSQL or memory), without the Redis user cache: this example keeps one source of truth for them.
     */
    private static RedisStores redis(ExampleConfig config, UserDatabase users) {
        return RedisStores.builder()
                .redisUrl(config.redisUrl().orElseThrow())
                .keyPrefix(config.redisKeyPrefix())
                .users(users)
                .cacheUsers(false)
                .build();
    }

    /**
     * The connection pool behind a {@code /health} component ({@code users}, {@code sessions}, {@code otp}, {@code
     * rateLimits}, {@code revocations}) when that store is on the PostgreSQL pool this example created: a pool with threads waiting is the
     * first sign of a database too slow or too small for the load.
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
