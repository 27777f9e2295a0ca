package dev.latchkey.auth.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.latchkey.auth.ConfigurationException;
import dev.latchkey.auth.spi.AuthStores;
import dev.latchkey.auth.spi.ExternalIdentityStore;
import dev.latchkey.auth.spi.RevocationList;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The PostgreSQL stores (users, one-time codes, rate-limit counters, sessions, the revocation list) over one data
 * source and one schema layout, built either on the host's {@link DataSource} or on a HikariCP pool created from a
 * {@code DATABASE_URL}. The revocation list publishes through {@code LISTEN/NOTIFY}, so every facade keeps a local
 * mirror of it; each listening facade holds one more connection (see {@link PostgresRevocationList}).
 *
 * <pre>{@code
 * PostgresStores stores = PostgresStores.fromEnv(System.getenv()); // close() on shutdown
 * AuthFacade auth = AuthFacade.builder()
 *         .settings(AuthSettings.fromEnv(System.getenv()))
 *         .stores(stores)
 *         .otpSender(mySmsAndEmailSender)
 *         .build();
 * }</pre>
 *
 * <p>{@link #close()} closes the pool only if this object created it; a host data source is never closed. Building
 * never connects: migrations run on first use (or on {@link #migrate()}), so an application starts, and reports the
 * store as down, while the database is unreachable.
 */
public final class PostgresStores implements AuthStores, AutoCloseable {

    /** Pool size cap of the original system. */
    public static final int DEFAULT_MAX_POOL_SIZE = 20;

    /** How long a call waits for a connection before failing with {@code UNAVAILABLE}. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(2);

    /**
     * Server-side limit of one statement, so a stuck query cannot hold a login: every statement of the stores is a
     * single-row operation, and a failed call is to be reported within about 2.5 s.
     */
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofMillis(1500);

    /**
     * How much longer than the statement timeout the socket waits by default: long enough for the server's cancel to
     * arrive first (the connection then stays usable), short enough that a silent network fails the call in about 2 s.
     */
    private static final Duration SOCKET_TIMEOUT_MARGIN = Duration.ofMillis(500);

    private static final AtomicInteger POOL_NUMBER = new AtomicInteger();

    private final @Nullable HikariDataSource ownedPool;
    private final Jdbc jdbc;
    private final PostgresUserDatabase users;
    private final PostgresSessionStore sessions;
    private final PostgresOTPStore otp;
    private final PostgresRateLimitStore rateLimits;
    private final PostgresRevocationList revocations;

    private PostgresStores(
            @Nullable HikariDataSource ownedPool,
            Jdbc jdbc,
            PostgresRevocationSubscription.Opener listenerConnections) {
        this.ownedPool = ownedPool;
        this.jdbc = jdbc;
        this.users = new PostgresUserDatabase(jdbc);
        this.sessions = new PostgresSessionStore(jdbc);
        this.otp = new PostgresOTPStore(jdbc);
        this.rateLimits = new PostgresRateLimitStore(jdbc);
        this.revocations = new PostgresRevocationList(jdbc, listenerConnections);
    }

    /** Starts a configuration; give it a data source or a database URL. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Stores on a new pool for {@code databaseUrl}, with every default.
     *
     * @throws ConfigurationException naming {@code DATABASE_URL} if the URL is missing or malformed
     */
    public static PostgresStores fromDatabaseUrl(String databaseUrl) {
        return builder().databaseUrl(databaseUrl).build();
    }

    /**
     * Stores on a new pool for the variables of {@code env} (pass {@code System.getenv()}): {@code DATABASE_URL}
     * (required) and {@code DATABASE_SCHEMA} (default {@code latchkey}).
     *
     * @throws ConfigurationException naming the variable if one is missing or malformed
     */
    public static PostgresStores fromEnv(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        String url = env.get(DatabaseUrl.SETTING);
        if (url == null || url.isBlank()) {
            throw new ConfigurationException(DatabaseUrl.SETTING, "is not set", DatabaseUrl.EXPECTED);
        }
        Builder builder = builder().databaseUrl(url);
        String schema = env.get(Layout.SCHEMA_SETTING);
        if (schema != null && !schema.isBlank()) {
            builder.schema(schema.strip());
        }
        return builder.build();
    }

    static Jdbc defaultJdbc(DataSource dataSource) {
        return new Jdbc(dataSource, Layout.DEFAULT, true, DEFAULT_CONNECTION_TIMEOUT, false);
    }

    /** The user database; the same instance on every call. */
    @Override
    public PostgresUserDatabase users() {
        return users;
    }

    /** The one-time-code store; the same instance on every call. */
    @Override
    public PostgresOTPStore otp() {
        return otp;
    }

    /** The throttle and failure-budget counters; the same instance on every call. */
    @Override
    public PostgresRateLimitStore rateLimits() {
        return rateLimits;
    }

    /** The refresh-session store; the same instance on every call. */
    @Override
    public PostgresSessionStore sessions() {
        return sessions;
    }

    /** The revocation list, with its {@code LISTEN/NOTIFY} feed; always present. */
    @Override
    public Optional<RevocationList> revocations() {
        return Optional.of(revocations);
    }

    /** The revocation list itself; the same instance on every call. */
    public PostgresRevocationList revocationList() {
        return revocations;
    }

    /** The links of external identities to users, kept by the user database; always present. */
    @Override
    public Optional<ExternalIdentityStore> externalIdentities() {
        return Optional.of(users());
    }

    /**
     * Applies pending schema migrations now, for hosts that prefer to fail at start-up rather than on first use (or
     * that switched automatic migration off and migrate from a deployment step).
     *
     * @throws dev.latchkey.auth.AuthException with {@code UNAVAILABLE} if the database cannot be reached or migrated
     */
    public void migrate() {
        jdbc.migrate("schema migration");
    }

    /**
     * A bounded {@code SELECT 1}.
     *
     * @return how long the round trip took, including borrowing a connection
     * @throws dev.latchkey.auth.AuthException with {@code UNAVAILABLE} if the database does not answer in time
     */
    public Duration ping() {
        long start = System.nanoTime();
        jdbc.ping("database");
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Connection counts of the pool this object created; empty when the stores use the host's data source. */
    public Optional<PoolUsage> poolUsage() {
        if (ownedPool == null) {
            return Optional.empty();
        }
        HikariPoolMXBean pool = ownedPool.getHikariPoolMXBean();
        if (pool == null) {
            return Optional.of(new PoolUsage(0, 0, 0, 0));
        }
        return Optional.of(new PoolUsage(
                pool.getActiveConnections(),
                pool.getIdleConnections(),
                pool.getTotalConnections(),
                pool.getThreadsAwaitingConnection()));
    }

    /**
     * Ends the revocation list's subscriptions, and closes the pool if this object created it; a host's data source
     * is left open. Returns once every subscription's connection is back (at most about 1.5 s, two polls of the
     * feed), so a host may close its data source right after. Idempotent.
     */
    @Override
    public void close() {
        revocations.closeSubscriptions();
        if (ownedPool != null) {
            ownedPool.close();
        }
    }

    /**
     * Connection counts of a pool.
     *
     * @param active connections lent out
     * @param idle connections ready in the pool
     * @param total all connections the pool holds
     * @param waiting threads waiting for a connection
     */
    public record PoolUsage(int active, int idle, int total, int waiting) {}

    /** Configures {@link PostgresStores}; give exactly one of {@link #dataSource} and {@link #databaseUrl}. */
    public static final class Builder {
        private @Nullable DataSource dataSource;
        private @Nullable String databaseUrl;
        private @Nullable String username;
        private @Nullable String password;
        private String schema = Layout.DEFAULT.schema();
        private String tablePrefix = Layout.DEFAULT.prefix();
        private boolean autoMigrate = true;
        private int maxPoolSize = DEFAULT_MAX_POOL_SIZE;
        private int minIdle = 2;
        private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
        private Duration statementTimeout = DEFAULT_STATEMENT_TIMEOUT;
        private @Nullable Duration socketTimeout;

        private Builder() {}

        /**
         * Use the host's data source (its pool, its timeouts). It is never closed by the stores. Give it a
         * statement timeout and a socket timeout of its own, e.g. pgjdbc's {@code options=-c statement_timeout=1500}
         * and {@code socketTimeout=2} (as strings: pgjdbc ignores properties of other types).
         */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /**
         * Build a HikariCP pool for this URL: {@code postgresql://user:password@host:5432/db?sslmode=require}
         * ({@code postgres://} too) or {@code jdbc:postgresql://host:5432/db?...}. Query parameters go to pgjdbc. The URL
         * is parsed by {@link #build()}; its errors name {@code DATABASE_URL}.
         *
         * @throws ConfigurationException naming {@code DATABASE_URL} if the URL is null or blank
         */
        public Builder databaseUrl(String databaseUrl) {
            if (databaseUrl == null || databaseUrl.isBlank()) {
                throw new ConfigurationException(DatabaseUrl.SETTING, "is not set", DatabaseUrl.EXPECTED);
            }
            this.databaseUrl = databaseUrl;
            return this;
        }

        /** User name for the pool, overriding one given in the URL. */
        public Builder username(String username) {
            this.username = Objects.requireNonNull(username, "username");
            return this;
        }

        /** Password for the pool, overriding one given in the URL. */
        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * Schema of the tables (default {@code latchkey}); created by the migration if missing. Lower-case letters,
         * digits and underscores only, since it is written into SQL text; {@link #build()} rejects anything else with a
         * {@link ConfigurationException} naming {@code DATABASE_SCHEMA}, the variable {@link #fromEnv} reads it from.
         */
        public Builder schema(String schema) {
            this.schema = schema;
            return this;
        }

        /** Prefix of every table and index name (default none), e.g. {@code auth_}; same character rules. */
        public Builder tablePrefix(String tablePrefix) {
            this.tablePrefix = tablePrefix;
            return this;
        }

        /** Whether the schema is migrated on first use (default {@code true}). */
        public Builder autoMigrate(boolean autoMigrate) {
            this.autoMigrate = autoMigrate;
            return this;
        }

        /** Most connections the pool opens (default 20). */
        public Builder maxPoolSize(int maxPoolSize) {
            if (maxPoolSize < 1) {
                throw new ConfigurationException("maxPoolSize", "is below 1", "a whole number of at least 1");
            }
            this.maxPoolSize = maxPoolSize;
            return this;
        }

        /** Idle connections the pool keeps open (default 2, capped by the maximum). */
        public Builder minIdle(int minIdle) {
            if (minIdle < 0) {
                throw new ConfigurationException("minIdle", "is negative", "a whole number of at least 0");
            }
            this.minIdle = minIdle;
            return this;
        }

        /**
         * How long a call waits for a connection, including opening one, before failing with {@code UNAVAILABLE}
         * (default 2 s, at least 250 ms). Also bounds {@code ping()}.
         */
        public Builder connectionTimeout(Duration connectionTimeout) {
            if (connectionTimeout == null || connectionTimeout.toMillis() < 250) {
                throw new ConfigurationException("connectionTimeout", "is missing or too short", "at least 250 ms");
            }
            this.connectionTimeout = connectionTimeout;
            return this;
        }

        /** Server-side {@code statement_timeout} of the pool's connections (default 1.5 s). */
        public Builder statementTimeout(Duration statementTimeout) {
            if (statementTimeout == null || statementTimeout.toMillis() < 1) {
                throw new ConfigurationException("statementTimeout", "is missing or too short", "at least 1 ms");
            }
            this.statementTimeout = statementTimeout;
            return this;
        }

        /**
         * How long a connection may wait for bytes from the server before it is dropped (default: the statement
         * timeout plus 0.5 s, rounded up to whole seconds: 2 s with the default statement timeout). The backstop for a
         * network that silently stops delivering (packets dropped without a reset), where the server cannot enforce its
         * statement timeout on us. Schema migration waits longer (see {@link #autoMigrate}).
         */
        public Builder socketTimeout(Duration socketTimeout) {
            if (socketTimeout == null || socketTimeout.toMillis() < 1000) {
                throw new ConfigurationException("socketTimeout", "is missing or too short", "at least 1 s");
            }
            this.socketTimeout = socketTimeout;
            return this;
        }

        /**
         * Builds the stores. Never connects: an unreachable database shows up as {@code UNAVAILABLE} on use.
         *
         * @throws ConfigurationException naming the setting, for a missing or malformed one
         */
        public PostgresStores build() {
            if ((dataSource == null) == (databaseUrl == null)) {
                throw new ConfigurationException(
                        "dataSource/databaseUrl",
                        dataSource == null ? "neither is given" : "both are given",
                        "exactly one of dataSource and databaseUrl");
            }
            Layout layout = new Layout(schema, tablePrefix);
            if (dataSource != null) {
                if (username != null || password != null) {
                    throw new ConfigurationException(
                            "username/password",
                            "is given with a dataSource",
                            "credentials only with a databaseUrl; a dataSource carries its own");
                }
                DataSource host = dataSource;
                return new PostgresStores(
                        null, new Jdbc(host, layout, autoMigrate, connectionTimeout, false), host::getConnection);
            }
            HikariConfig config = poolConfig(DatabaseUrl.parse(databaseUrl));
            HikariDataSource pool = new HikariDataSource(config);
            return new PostgresStores(
                    pool, new Jdbc(pool, layout, autoMigrate, connectionTimeout, true), () -> unpooled(config));
        }

        /**
         * A connection of its own for the revocation listener, with the pool's settings: it is held for as long as
         * the subscription lasts, which a pool would count as a leak.
         */
        private static Connection unpooled(HikariConfig config) throws SQLException {
            Properties properties = new Properties();
            properties.putAll(config.getDataSourceProperties());
            if (config.getUsername() != null) {
                properties.setProperty("user", config.getUsername());
            }
            if (config.getPassword() != null) {
                properties.setProperty("password", config.getPassword());
            }
            properties.setProperty("ApplicationName", "latchkey-listener");
            Connection connection = new org.postgresql.Driver().connect(config.getJdbcUrl(), properties);
            if (connection == null) {
                throw new SQLException("the PostgreSQL driver does not accept the database URL");
            }
            return connection;
        }

        HikariConfig poolConfig(DatabaseUrl url) {
            HikariConfig config = new HikariConfig();
            config.setPoolName("latchkey-postgres-" + POOL_NUMBER.incrementAndGet());
            config.setDriverClassName("org.postgresql.Driver");
            config.setJdbcUrl(url.jdbcUrl());
            String user = username != null ? username : url.user();
            String secret = password != null ? password : url.password();
            if (user != null) {
                config.setUsername(user);
            }
            if (secret != null) {
                config.setPassword(secret);
            }
            // Pinned here so that Jdbc need not ask each connection; overrides a default_transaction_isolation
            // set through the URL's options.
            config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
            config.setMaximumPoolSize(maxPoolSize);
            config.setMinimumIdle(Math.min(minIdle, maxPoolSize));
            config.setConnectionTimeout(connectionTimeout.toMillis());
            config.setValidationTimeout(Math.max(250, Math.min(1000, connectionTimeout.toMillis())));
            // Start without the database: the stores report UNAVAILABLE until it is reachable.
            config.setInitializationFailTimeout(-1);
            Duration socket = socketTimeout != null ? socketTimeout : statementTimeout.plus(SOCKET_TIMEOUT_MARGIN);
            // Properties below are pgjdbc defaults for the pool; parameters in the URL take precedence over them.
            // statement_timeout is enforced by the server, which cancels the query and keeps the connection
            // usable; pgjdbc's client-side query timeout would need a timer task and a cancel connection per call.
            // Every value is a String: HikariCP hands these properties to the driver as they are, and pgjdbc reads
            // them with Properties.getProperty, which returns null for any other type, so a number or a boolean here
            // is silently ignored (that left the pool without a socket timeout: a black-holed network hung calls).
            config.addDataSourceProperty("options", "-c statement_timeout=" + statementTimeout.toMillis());
            config.addDataSourceProperty("connectTimeout", Integer.toString(Jdbc.wholeSeconds(connectionTimeout)));
            config.addDataSourceProperty("socketTimeout", Integer.toString(Jdbc.wholeSeconds(socket)));
            config.addDataSourceProperty("tcpKeepAlive", "true");
            config.addDataSourceProperty("ApplicationName", "latchkey");
            // Server error details quote the offending values (emails, hashes); keep them out of exception messages
            // and so out of logs. OWASP ASVS 5.0 V16 (security logging): no sensitive data in logs.
            config.addDataSourceProperty("logServerErrorDetail", "false");
            return config;
        }
    }
}
