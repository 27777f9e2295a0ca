package dev.latchkey.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.AuthSettings;
import dev.latchkey.auth.spi.AuthStores;
import dev.latchkey.auth.store.memory.MemoryStores;
import dev.latchkey.auth.store.postgres.PostgresStores;
import dev.latchkey.auth.store.redis.RedisStores;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * One backend configuration the harness drives: memory, PostgreSQL only (the module's own pool), PostgreSQL through a
 * host {@code DataSource} (a plain Hikari pool, as a Spring or Jakarta application has), and PostgreSQL + Redis.
 * Every facade built here has its own stores (its own connections), all on one schema and key prefix.
 */
enum Backend {
    MEMORY("memory"),
    POSTGRES("pg"),
    POSTGRES_HOST_DATASOURCE("pg-host-ds"),
    POSTGRES_REDIS("pg+redis");

    final String label;

    Backend(String label) {
        this.label = label;
    }

    boolean usesPostgres() {
        return this != MEMORY;
    }

    boolean usesRedis() {
        return this == POSTGRES_REDIS;
    }

    static Backend byLabel(String label) {
        for (Backend b : values()) {
            if (b.label.equals(label)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown backend " + label);
    }

    /** Where the servers are, possibly through counting proxies, and the run's own schema and key prefix. */
    record Endpoints(
            String pgHost,
            int pgPort,
            String pgDatabase,
            String pgUser,
            String redisHost,
            int redisPort,
            String schema,
            String keyPrefix,
            int pgPoolSize) {
        String jdbcUrl() {
            return "jdbc:postgresql://" + pgHost + ":" + pgPort + "/" + pgDatabase
                    + "?sslmode=disable&gssEncMode=disable";
        }

        String redisUrl() {
            return "redis://" + redisHost + ":" + redisPort;
        }

        Endpoints via(@Nullable CountingProxy pg, @Nullable CountingProxy redis) {
            return new Endpoints(
                    pg == null ? pgHost : "127.0.0.1",
                    pg == null ? pgPort : pg.port(),
                    pgDatabase,
                    pgUser,
                    redis == null ? redisHost : "127.0.0.1",
                    redis == null ? redisPort : redis.port(),
                    schema,
                    keyPrefix,
                    pgPoolSize);
        }
    }

    /** A facade and what must be closed with it; codes sent land in {@link #codes}. */
    static final class Instance implements AutoCloseable {
        final AuthFacade facade;
        final Map<String, String> codes = new ConcurrentHashMap<>();
        private final List<AutoCloseable> closeables;

        Instance(AuthSettings settings, AuthStores stores, List<AutoCloseable> closeables) {
            this.closeables = closeables;
            this.facade = AuthFacade.builder()
                    .settings(settings)
                    .stores(stores)
                    .otpSender(message -> codes.put(message.destination().value(), message.code()))
                    .eventListener(event -> {})
                    .build();
        }

        @Override
        public void close() {
            facade.close();
            for (AutoCloseable c : closeables) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing " + c, e);
                }
            }
        }
    }

    Instance open(AuthSettings settings, Endpoints at, @Nullable MemoryStores shared) {
        List<AutoCloseable> closeables = new ArrayList<>();
        switch (this) {
            case MEMORY:
                return new Instance(settings, shared != null ? shared : MemoryStores.create(), closeables);
            case POSTGRES: {
                PostgresStores pg = ownPool(at);
                closeables.add(pg);
                return new Instance(settings, pg, closeables);
            }
            case POSTGRES_HOST_DATASOURCE: {
                HikariDataSource host = hostPool(at, at.pgPoolSize());
                closeables.add(host);
                PostgresStores pg = PostgresStores.builder()
                        .dataSource(host)
                        .schema(at.schema())
                        .build();
                return new Instance(settings, pg, closeables);
            }
            case POSTGRES_REDIS: {
                PostgresStores pg = ownPool(at);
                closeables.add(pg);
                RedisStores redis = RedisStores.builder()
                        .redisUrl(at.redisUrl())
                        .keyPrefix(at.keyPrefix())
                        .users(pg.users())
                        .userCacheKeySecret(settings.hashSecret())
                        .build();
                closeables.add(0, redis);
                return new Instance(settings, redis, closeables);
            }
            default:
                throw new IllegalStateException();
        }
    }

    private static PostgresStores ownPool(Endpoints at) {
        return PostgresStores.builder()
                .databaseUrl(at.jdbcUrl())
                .username(at.pgUser())
                .schema(at.schema())
                .maxPoolSize(at.pgPoolSize())
                .build();
    }

    static HikariDataSource hostPool(Endpoints at, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(at.jdbcUrl());
        config.setUsername(at.pgUser());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        return new HikariDataSource(config);
    }
}
