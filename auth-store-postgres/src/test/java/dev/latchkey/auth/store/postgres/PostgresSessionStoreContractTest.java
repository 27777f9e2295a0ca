package dev.latchkey.auth.store.postgres;

import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.testkit.SessionStoreContract;
import org.junit.jupiter.api.AfterAll;

/** The session store contract against PostgreSQL, with a table prefix in a schema of its own. */
class PostgresSessionStoreContractTest extends SessionStoreContract {
    private static final String SCHEMA = TestPostgres.uniqueSchema("sessions");
    private static final PostgresStores STORES = PostgresStores.builder()
            .dataSource(TestPostgres.sharedDataSource())
            .schema(SCHEMA)
            .tablePrefix("lk_")
            .build();

    @Override
    protected SessionStore sessionStore() {
        return STORES.sessions();
    }

    @AfterAll
    static void dropSchema() {
        STORES.close();
        TestPostgres.dropSchema(SCHEMA);
    }
}
