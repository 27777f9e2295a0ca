package dev.latchkey.auth.store.postgres;

import dev.latchkey.auth.spi.AuthStores;
import dev.latchkey.auth.testkit.RevocationMirrorContract;
import org.junit.jupiter.api.AfterAll;

/**
 * The revocation mirror over PostgreSQL alone: every instance has its own pool and its own unpooled listener
 * connection, and {@code pg_terminate_backend} ends the listeners of this test's schema.
 */
class PostgresRevocationMirrorContractTest extends RevocationMirrorContract {
    private static final String SCHEMA = TestPostgres.uniqueSchema("mirror");

    @AfterAll
    static void dropSchema() {
        TestPostgres.dropSchema(SCHEMA);
    }

    @Override
    protected AuthStores newInstance() {
        return TestPostgres.ownPool().schema(SCHEMA).maxPoolSize(4).build();
    }

    @Override
    protected void killSubscriberConnections() {
        String name =
                PostgresRevocationSubscription.applicationName(PostgresRevocationList.channel(new Layout(SCHEMA, "")));
        TestPostgres.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" + name + "'");
    }
}
