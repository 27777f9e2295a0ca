package dev.latchkey.auth.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ConfigurationException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.spi.OtpChallenge;
import dev.latchkey.auth.spi.RevocationFeed;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PostgresStoresTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private final String schema = TestPostgres.uniqueSchema("conv");

    @AfterEach
    void dropSchema() {
        TestPostgres.dropSchema(schema);
    }

    @Test
    void poolDefaultsAreThoseOfTheOriginalSystemPlusAStatementTimeout() {
        HikariConfig config = PostgresStores.builder().poolConfig(DatabaseUrl.parse("postgresql://u:pw@h:5432/db"));

        assertThat(config.getMaximumPoolSize()).isEqualTo(20);
        assertThat(config.getConnectionTimeout()).isEqualTo(2000);
        assertThat(config.getJdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/db");
        assertThat(config.getUsername()).isEqualTo("u");
        assertThat(config.getPassword()).isEqualTo("pw");
        assertThat(config.getDataSourceProperties())
                .containsEntry("options", "-c statement_timeout=1500")
                .containsEntry("connectTimeout", "2")
                .containsEntry("socketTimeout", "2")
                .containsEntry("tcpKeepAlive", "true")
                .containsEntry("logServerErrorDetail", "false");
    }

    /**
     * Regression: HikariCP passes the data source properties to pgjdbc as they are, and pgjdbc ignores any value that
     * is not a String. The pool once set the socket timeout as a number, so its connections had none, and a network
     * that silently dropped packets hung a login forever instead of failing it in about 2 s (found by the fault
     * injection suite in auth-reliability-tests).
     */
    @Test
    void thePoolsConnectionsReallyCarryTheSocketTimeoutAndTheOtherDriverSettings() throws Exception {
        PostgresStores.Builder builder = TestPostgres.ownPool().schema(schema);
        try (com.zaxxer.hikari.HikariDataSource pool =
                        new com.zaxxer.hikari.HikariDataSource(builder.poolConfig(TestPostgres.server()));
                Connection connection = pool.getConnection();
                Statement statement = connection.createStatement()) {
            assertThat(connection.getNetworkTimeout()).isEqualTo(2000);
            try (ResultSet rows = statement.executeQuery("SHOW statement_timeout")) {
                rows.next();
                assertThat(rows.getString(1)).isEqualTo("1500ms");
            }
            // logServerErrorDetail=false keeps the value of a failed row out of the message.
            statement.execute("CREATE TEMP TABLE secret_probe (email text PRIMARY KEY)");
            statement.execute("INSERT INTO secret_probe VALUES ('someone@example.com')");
            assertThatThrownBy(() -> statement.execute("INSERT INTO secret_probe VALUES ('someone@example.com')"))
                    .hasMessageNotContaining("someone@example.com");
        }
    }

    @Test
    void everyPoolSettingIsConfigurable() {
        HikariConfig config = PostgresStores.builder()
                .maxPoolSize(7)
                .minIdle(1)
                .connectionTimeout(Duration.ofMillis(1500))
                .statementTimeout(Duration.ofSeconds(3))
                .socketTimeout(Duration.ofSeconds(30))
                .username("other")
                .password("secret")
                .poolConfig(DatabaseUrl.parse("postgresql://u:pw@h:5432/db"));

        assertThat(config.getMaximumPoolSize()).isEqualTo(7);
        assertThat(config.getMinimumIdle()).isEqualTo(1);
        assertThat(config.getConnectionTimeout()).isEqualTo(1500);
        assertThat(config.getUsername()).isEqualTo("other");
        assertThat(config.getPassword()).isEqualTo("secret");
        assertThat(config.getDataSourceProperties())
                .containsEntry("options", "-c statement_timeout=3000")
                .containsEntry("connectTimeout", "2")
                .containsEntry("socketTimeout", "30");
    }

    @Test
    void statementTimeoutIsEnforcedByTheServerAndReportedUnavailable() throws Exception {
        try (PostgresStores stores = TestPostgres.ownPool()
                .schema(schema)
                .statementTimeout(Duration.ofMillis(300))
                .build()) {
            stores.migrate();
            String key = "locked-" + schema;
            stores.otp().saveChallenge(new OtpChallenge(key, "h", NOW, NOW.plusSeconds(60), 0, 5));
            try (Connection blocker = TestPostgres.connect();
                    Statement statement = blocker.createStatement()) {
                blocker.setAutoCommit(false);
                statement.execute(
                        "SELECT 1 FROM \"" + schema + "\".otp_challenges WHERE key = '" + key + "' FOR UPDATE");

                long start = System.nanoTime();
                assertThatThrownBy(() -> stores.otp().verify(key, "h", NOW))
                        .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.getMessage())
                                .contains("57014"));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
                blocker.rollback();
            }
            // The cancelled statement left its connection usable.
            assertThat(stores.otp().findChallenge(key, NOW)).isPresent();
        }
    }

    @Test
    void pingReportsLatencyAndPoolUsageIsExposedForAnOwnedPool() {
        try (PostgresStores stores =
                TestPostgres.ownPool().schema(schema).maxPoolSize(3).build()) {
            Duration latency = stores.ping();

            assertThat(latency).isPositive().isLessThan(Duration.ofSeconds(2));
            PostgresStores.PoolUsage usage = stores.poolUsage().orElseThrow();
            assertThat(usage.total()).isBetween(1, 3);
            assertThat(usage.active()).isZero();
            assertThat(usage.idle()).isEqualTo(usage.total());
            assertThat(usage.waiting()).isZero();
        }
    }

    @Test
    void closeClosesOnlyThePoolItCreated() {
        PostgresStores hosted = PostgresStores.builder()
                .dataSource(TestPostgres.sharedDataSource())
                .schema(schema)
                .build();
        hosted.ping();
        hosted.close();
        assertThat(TestPostgres.sharedDataSource().isClosed()).isFalse();
        assertThat(hosted.poolUsage()).isEmpty();
        hosted.ping();

        PostgresStores owning = TestPostgres.ownPool().schema(schema).build();
        owning.ping();
        owning.close();
        owning.close();
        assertThatThrownBy(owning::ping).isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.errorCode())
                .isEqualTo(ErrorCode.UNAVAILABLE));
    }

    @Test
    void closeHandsTheRevocationListenersConnectionBackToTheHostBeforeReturning() throws Exception {
        HikariConfig config = manualCommitConfig();
        config.setAutoCommit(true);
        config.setMaximumPoolSize(4);
        try (var pool = new com.zaxxer.hikari.HikariDataSource(config)) {
            PostgresStores stores =
                    PostgresStores.builder().dataSource(pool).schema(schema).build();
            awaitSubscribed(stores);
            assertThat(pool.getHikariPoolMXBean().getActiveConnections())
                    .as("the listener holds one of the host's connections")
                    .isEqualTo(1);

            stores.close();

            // The host closes its pool next; a connection still held would be torn from the feed's thread.
            assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
        }
    }

    @Test
    void theRevocationListenerOfAnOwnPoolConnectsWithThePoolsUser() throws Exception {
        try (PostgresStores stores = TestPostgres.ownPool().schema(schema).build()) {
            awaitSubscribed(stores);
            // Its connection is opened outside the pool: without the pool's user it would be the OS user's role.
            String name = PostgresRevocationSubscription.applicationName(
                    PostgresRevocationList.channel(new Layout(schema, "")));
            try (Connection connection = TestPostgres.connect();
                    java.sql.PreparedStatement statement = connection.prepareStatement(
                            "SELECT usename FROM pg_stat_activity WHERE application_name = ?")) {
                statement.setString(1, name);
                try (ResultSet rows = statement.executeQuery()) {
                    assertThat(rows.next()).as("the listener's session").isTrue();
                    assertThat(rows.getString(1))
                            .isEqualTo(TestPostgres.server().user());
                }
            }
        }
    }

    @Test
    void storesUseTheAutocommitModeTheyNeedAndGiveTheHostsModeBack() throws Exception {
        try (var pool = new com.zaxxer.hikari.HikariDataSource(manualCommitConfig())) {
            PostgresStores stores =
                    PostgresStores.builder().dataSource(pool).schema(schema).build();
            stores.otp().saveChallenge(new OtpChallenge("k", "h", NOW, NOW.plusSeconds(60), 0, 5));

            try (Connection other = TestPostgres.connect();
                    Statement statement = other.createStatement();
                    ResultSet rows = statement.executeQuery(
                            "SELECT count(*) FROM \"" + schema + "\".otp_challenges WHERE key = 'k'")) {
                rows.next();
                assertThat(rows.getInt(1))
                        .as("committed, visible to another session")
                        .isEqualTo(1);
            }
            try (Connection borrowed = pool.getConnection()) {
                assertThat(borrowed.getAutoCommit()).isFalse();
            }
        }
    }

    @Test
    void fromEnvNeedsDatabaseUrlAndBuilderNeedsExactlyOneSource() {
        assertConfigurationError(() -> PostgresStores.fromEnv(Map.of()), "DATABASE_URL");
        assertConfigurationError(() -> PostgresStores.fromEnv(Map.of("DATABASE_URL", " ")), "DATABASE_URL");
        assertConfigurationError(() -> PostgresStores.fromDatabaseUrl(null), "DATABASE_URL");
        assertConfigurationError(
                () -> PostgresStores.fromEnv(Map.of("DATABASE_URL", "mysql://u:topsecret@h/db")), "DATABASE_URL");
        assertConfigurationError(
                () -> PostgresStores.fromEnv(
                        Map.of("DATABASE_URL", "postgresql://u:pw@127.0.0.1:1/db", "DATABASE_SCHEMA", "Bad-Schema")),
                "DATABASE_SCHEMA");
        assertConfigurationError(() -> PostgresStores.builder().build(), "dataSource/databaseUrl");
        assertConfigurationError(
                () -> PostgresStores.builder()
                        .dataSource(TestPostgres.sharedDataSource())
                        .databaseUrl("postgresql://h/db")
                        .build(),
                "dataSource/databaseUrl");
        assertConfigurationError(
                () -> PostgresStores.builder()
                        .dataSource(TestPostgres.sharedDataSource())
                        .password("x")
                        .build(),
                "username/password");
        assertThatCode(() -> PostgresStores.builder().schema("bad-name")).doesNotThrowAnyException();
        assertConfigurationError(
                () -> PostgresStores.builder()
                        .dataSource(TestPostgres.sharedDataSource())
                        .schema("bad-name")
                        .build(),
                "DATABASE_SCHEMA");
        assertConfigurationError(
                () -> PostgresStores.builder().connectionTimeout(Duration.ofMillis(10)), "connectionTimeout");
        assertConfigurationError(() -> PostgresStores.builder().statementTimeout(Duration.ZERO), "statementTimeout");
        assertConfigurationError(() -> PostgresStores.builder().socketTimeout(Duration.ofMillis(10)), "socketTimeout");
        assertConfigurationError(() -> PostgresStores.builder().maxPoolSize(0), "maxPoolSize");
        assertConfigurationError(() -> PostgresStores.builder().minIdle(-1), "minIdle");
    }

    @Test
    void fromEnvReadsTheSchema() {
        // A JDBC URL is used unchanged, so the test server's credentials ride along as pgjdbc parameters.
        StringBuilder url = new StringBuilder(TestPostgres.server().jdbcUrl());
        url.append(url.indexOf("?") < 0 ? '?' : '&')
                .append("user=")
                .append(encode(TestPostgres.server().user()));
        if (TestPostgres.server().password() != null) {
            url.append("&password=").append(encode(TestPostgres.server().password()));
        }
        try (PostgresStores stores =
                PostgresStores.fromEnv(Map.of("DATABASE_URL", url.toString(), "DATABASE_SCHEMA", schema))) {
            stores.migrate();
        }
        TestPostgres.execute("SELECT 1 FROM \"" + schema + "\".throttle_counters");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void eachPoolSettingAcceptsItsSmallestAllowedValue() {
        HikariConfig config = PostgresStores.builder()
                .maxPoolSize(1)
                .minIdle(0)
                .connectionTimeout(Duration.ofMillis(250))
                .statementTimeout(Duration.ofMillis(1))
                .socketTimeout(Duration.ofMillis(1000))
                .poolConfig(DatabaseUrl.parse("postgresql://u:pw@h:5432/db"));

        assertThat(config.getMaximumPoolSize()).isEqualTo(1);
        assertThat(config.getMinimumIdle()).isZero();
        assertThat(config.getConnectionTimeout()).isEqualTo(250);
        assertConfigurationError(
                () -> PostgresStores.builder().connectionTimeout(Duration.ofMillis(249)), "connectionTimeout");
        assertConfigurationError(() -> PostgresStores.builder().socketTimeout(Duration.ofMillis(999)), "socketTimeout");
    }

    @Test
    void aUserNameAloneIsRefusedWithAHostDataSourceToo() {
        assertConfigurationError(
                () -> PostgresStores.builder()
                        .dataSource(TestPostgres.sharedDataSource())
                        .username("someone")
                        .build(),
                "username/password");
    }

    @Test
    void theSourceErrorSaysWhetherNeitherOrBothWereGiven() {
        assertThatThrownBy(() -> PostgresStores.builder().build()).hasMessageContaining("neither is given");
        assertThatThrownBy(() -> PostgresStores.builder()
                        .dataSource(TestPostgres.sharedDataSource())
                        .databaseUrl("postgresql://h/db")
                        .build())
                .hasMessageContaining("both are given");
    }

    @Test
    void fromEnvWithoutDatabaseUrlAtAllNamesTheVariable() {
        assertConfigurationError(() -> PostgresStores.fromEnv(Map.of()), "DATABASE_URL");
    }

    @Test
    void aHostDataSourceHasNoPoolUsageToReport() {
        PostgresStores stores = PostgresStores.builder()
                .dataSource(TestPostgres.sharedDataSource())
                .schema(schema)
                .build();

        assertThat(stores.poolUsage()).isEmpty();
    }

    @Test
    void fromDatabaseUrlBuildsStoresThatReachTheServer() {
        DatabaseUrl server = TestPostgres.server();
        // A JDBC URL is taken unchanged; the driver reads the credentials from its parameters.
        String url = server.jdbcUrl() + (server.jdbcUrl().contains("?") ? "&" : "?") + "user="
                + URLEncoder.encode(String.valueOf(server.user()), StandardCharsets.UTF_8)
                + (server.password() == null
                        ? ""
                        : "&password=" + URLEncoder.encode(server.password(), StandardCharsets.UTF_8));
        try (PostgresStores stores = PostgresStores.fromDatabaseUrl(url)) {
            assertThatCode(stores::ping).doesNotThrowAnyException();
        }
    }

    private static void assertConfigurationError(ThrowingCallable call, String setting) {
        assertThatThrownBy(call)
                .as("a configuration error naming %s", setting)
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo(setting))
                .hasMessageStartingWith(setting + ": ")
                .hasMessageNotContaining("topsecret");
    }

    @Test
    void fromEnvBuildsWithoutConnecting() {
        try (PostgresStores stores =
                PostgresStores.fromEnv(Map.of("DATABASE_URL", "postgresql://u:pw@127.0.0.1:1/db"))) {
            assertThat(stores.poolUsage()).isPresent();
        }
    }

    private static HikariConfig manualCommitConfig() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestPostgres.server().jdbcUrl());
        if (TestPostgres.server().user() != null) {
            config.setUsername(TestPostgres.server().user());
        }
        if (TestPostgres.server().password() != null) {
            config.setPassword(TestPostgres.server().password());
        }
        config.setAutoCommit(false);
        config.setMaximumPoolSize(1);
        return config;
    }

    /** Subscribes to the bundle's revocation feed and waits until the subscription is live. */
    private static void awaitSubscribed(PostgresStores stores) throws InterruptedException {
        CountDownLatch subscribed = new CountDownLatch(1);
        stores.revocationList().feed().orElseThrow().subscribe(new RevocationFeed.Listener() {
            @Override
            public void subscribed() {
                subscribed.countDown();
            }

            @Override
            public void revoked(String id, Instant expiresAt) {}

            @Override
            public void lost(Throwable cause) {}
        });
        assertThat(subscribed.await(10, TimeUnit.SECONDS)).isTrue();
    }
}
