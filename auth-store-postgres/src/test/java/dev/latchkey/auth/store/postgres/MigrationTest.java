package dev.latchkey.auth.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.spi.OtpChallenge;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MigrationTest {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private final List<String> schemas = new ArrayList<>();

    @AfterEach
    void dropSchemas() {
        schemas.forEach(TestPostgres::dropSchema);
    }

    private String newSchema() {
        String schema = TestPostgres.uniqueSchema("mig");
        schemas.add(schema);
        return schema;
    }

    @Test
    void fourInstancesMigratingOneEmptySchemaAtOnceAllSucceed() throws Exception {
        String schema = newSchema();
        int instances = 4;
        List<PostgresStores> stores = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            stores.add(TestPostgres.ownPool().schema(schema).maxPoolSize(2).build());
        }
        ExecutorService pool = Executors.newFixedThreadPool(instances);
        try {
            CyclicBarrier start = new CyclicBarrier(instances);
            List<Future<?>> results = new ArrayList<>();
            for (PostgresStores instance : stores) {
                results.add(pool.submit(() -> {
                    start.await();
                    // First use migrates, as a freshly started application instance would.
                    instance.otp().saveChallenge(new OtpChallenge("k-" + instance.hashCode(), "h", NOW, NOW, 0, 5));
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            stores.forEach(PostgresStores::close);
        }

        assertThat(query("SELECT count(*) || ':' || max(version) FROM \"" + schema + "\".schema_version"))
                .containsExactly(Migrator.SCRIPTS.size() + ":" + Migrator.latestVersion());
        assertThat(tables(schema))
                .containsExactlyInAnyOrder(
                        "users",
                        "sessions",
                        "otp_challenges",
                        "throttle_counters",
                        "external_identities",
                        "revocations",
                        "schema_version");
        assertThat(query("SELECT count(*) FROM \"" + schema + "\".otp_challenges"))
                .containsExactly(String.valueOf(instances));
    }

    @Test
    void schemaHasTheOriginalUserColumnsAndAnIndexForEveryLookup() {
        String schema = newSchema();
        try (PostgresStores stores = TestPostgres.ownPool().schema(schema).build()) {
            stores.migrate();
        }

        assertThat(query("SELECT column_name || ' ' || data_type || ' ' || is_nullable"
                        + " FROM information_schema.columns WHERE table_schema = '" + schema
                        + "' AND table_name = 'users'"))
                .containsExactlyInAnyOrder(
                        "id uuid NO",
                        "tenant_id text NO",
                        "email text YES",
                        "name text YES",
                        "role text NO",
                        "mobile text YES",
                        "permissions jsonb NO",
                        "last_login timestamp with time zone YES",
                        "is_active boolean NO",
                        "created_at timestamp with time zone NO",
                        "updated_at timestamp with time zone NO",
                        "email_verified_at timestamp with time zone YES");
        assertThat(query("SELECT indexdef FROM pg_indexes WHERE schemaname = '" + schema + "'"))
                .anySatisfy(d -> assertThat(d)
                        .contains("UNIQUE INDEX users_tenant_email_key")
                        .contains("(tenant_id, email) WHERE (email IS NOT NULL)"))
                .anySatisfy(d -> assertThat(d)
                        .contains("UNIQUE INDEX users_tenant_mobile_key")
                        .contains("(tenant_id, mobile) WHERE (mobile IS NOT NULL)"))
                .anySatisfy(
                        d -> assertThat(d).contains("sessions_user_idx").contains("(tenant_id, user_id, created_at)"))
                .anySatisfy(d -> assertThat(d).contains("sessions_expiry_idx"))
                .anySatisfy(d -> assertThat(d).contains("otp_challenges_expiry_idx"))
                .anySatisfy(d -> assertThat(d).contains("throttle_counters_expiry_idx"))
                .anySatisfy(d ->
                        assertThat(d).contains("external_identities_pkey").contains("(tenant_id, issuer, subject)"))
                .anySatisfy(d -> assertThat(d).contains("external_identities_user_idx"))
                .anySatisfy(d -> assertThat(d)
                        .contains("external_identities_tenant_user_idx")
                        .contains("(tenant_id, user_id, created_at)"));
    }

    @Test
    void version2KeepsTheLinksOfAVersion1DatabaseAndTakesTheirCreationAsLastSignIn() throws Exception {
        String schema = newSchema();
        java.util.UUID user = java.util.UUID.randomUUID();
        try (var connection = TestPostgres.sharedDataSource().getConnection();
                var statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA \"" + schema + "\"");
            String v1 = Migrator.read("db/latchkey/V1__init.sql")
                    .replace("${schema}", "\"" + schema + "\"")
                    .replace("${prefix}", "");
            statement.execute(v1);
            statement.execute("CREATE TABLE \"" + schema + "\".schema_version (version integer PRIMARY KEY,"
                    + " description text NOT NULL, checksum text NOT NULL, installed_at timestamptz NOT NULL DEFAULT"
                    + " now())");
            statement.execute("INSERT INTO \"" + schema + "\".schema_version (version, description, checksum)"
                    + " VALUES (1, 'init', 'v1')");
            statement.execute("INSERT INTO \"" + schema + "\".users (id, tenant_id, email, role, created_at,"
                    + " updated_at) VALUES ('" + user + "', 't', 'a@example.com', 'member', now(), now())");
            statement.execute("INSERT INTO \"" + schema + "\".external_identities (tenant_id, issuer, subject,"
                    + " user_id, created_at) VALUES ('t', 'https://accounts.google.com', 's-1', '" + user
                    + "', '2030-01-01T00:00:00Z')");
        }

        try (PostgresStores stores = TestPostgres.ownPool().schema(schema).build()) {
            stores.migrate();
            var link = stores.externalIdentities()
                    .orElseThrow()
                    .find("t", "https://accounts.google.com", "s-1")
                    .orElseThrow();
            assertThat(link.userId()).isEqualTo(user);
            assertThat(link.lastSignInAt()).isEqualTo(java.time.Instant.parse("2030-01-01T00:00:00Z"));
            assertThat(link.emailVerified()).isFalse();
            assertThat(stores.users().findById("t", user).orElseThrow().emailVerifiedAt())
                    .isNull();
        }
    }

    @Test
    void migratingAgainChangesNothing() {
        String schema = newSchema();
        try (PostgresStores first = TestPostgres.ownPool().schema(schema).build();
                PostgresStores second = TestPostgres.ownPool().schema(schema).build()) {
            first.migrate();
            first.migrate();
            second.migrate();
        }

        assertThat(query("SELECT count(*) FROM \"" + schema + "\".schema_version"))
                .containsExactly(String.valueOf(Migrator.SCRIPTS.size()));
    }

    @Test
    void initScriptItselfIsIdempotentForTeamsRunningItTwice() {
        String schema = newSchema();
        TestPostgres.execute("CREATE SCHEMA \"" + schema + "\"");
        String script = new Layout(schema, "")
                .render(Migrator.read(Migrator.SCRIPTS.get(0).resource()));

        TestPostgres.execute(script);
        TestPostgres.execute(script);

        assertThat(tables(schema)).hasSize(5);
    }

    @Test
    void tablePrefixInTheSameSchemaKeepsLayoutsApart() {
        String schema = newSchema();
        try (PostgresStores plain = TestPostgres.ownPool().schema(schema).build();
                PostgresStores prefixed = TestPostgres.ownPool()
                        .schema(schema)
                        .tablePrefix("auth_")
                        .build()) {
            plain.otp().saveChallenge(new OtpChallenge("same-key", "plain", NOW, NOW.plusSeconds(60), 0, 5));
            prefixed.otp().saveChallenge(new OtpChallenge("same-key", "prefixed", NOW, NOW.plusSeconds(60), 0, 5));

            assertThat(plain.otp().findChallenge("same-key", NOW).orElseThrow().codeHash())
                    .isEqualTo("plain");
            assertThat(prefixed.otp()
                            .findChallenge("same-key", NOW)
                            .orElseThrow()
                            .codeHash())
                    .isEqualTo("prefixed");
        }
        assertThat(tables(schema)).contains("auth_users", "auth_otp_challenges", "auth_schema_version", "users");
    }

    @Test
    void withAutoMigrateOffNothingIsCreatedAndCallsFailUnavailable() {
        String schema = newSchema();
        try (PostgresStores stores =
                TestPostgres.ownPool().schema(schema).autoMigrate(false).build()) {
            assertThatThrownBy(() -> stores.otp().findChallenge("k", NOW))
                    .isInstanceOfSatisfying(
                            AuthException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE));
            assertThat(query("SELECT count(*) FROM pg_namespace WHERE nspname = '" + schema + "'"))
                    .containsExactly("0");

            stores.migrate();

            assertThat(stores.otp().findChallenge("k", NOW)).isEmpty();
        }
    }

    @Test
    void hostDataSourceStoresMigrateTheDefaultLayoutOnFirstUse() {
        // The public constructors use the fixed default schema "latchkey": drop it afterwards only if this test
        // created it, so a database that already had it keeps it.
        if (query("SELECT count(*) FROM pg_namespace WHERE nspname = 'latchkey'")
                .equals(List.of("0"))) {
            schemas.add("latchkey");
        }
        PostgresOTPStore otp = new PostgresOTPStore(TestPostgres.sharedDataSource());

        assertThat(otp.findChallenge("no-such-key-" + System.nanoTime(), NOW)).isEmpty();
        assertThat(query("SELECT max(version) FROM latchkey.schema_version"))
                .containsExactly(String.valueOf(Migrator.latestVersion()));
    }

    private static List<String> tables(String schema) {
        return query("SELECT table_name FROM information_schema.tables WHERE table_schema = '" + schema + "'");
    }

    private static List<String> query(String sql) {
        try (Connection connection = TestPostgres.connect();
                PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet rows = statement.executeQuery()) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        } catch (SQLException e) {
            throw new AssertionError(sql, e);
        }
    }
}
