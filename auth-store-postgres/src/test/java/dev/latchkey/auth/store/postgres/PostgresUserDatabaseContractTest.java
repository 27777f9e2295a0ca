package dev.latchkey.auth.store.postgres;

import dev.latchkey.auth.spi.UserDatabase;
import dev.latchkey.auth.testkit.UserDatabaseContract;
import org.junit.jupiter.api.AfterAll;

/** The user database contract against PostgreSQL, on the host's data source, in a schema of its own. */
class PostgresUserDatabaseContractTest extends UserDatabaseContract {
    private static final String SCHEMA = TestPostgres.uniqueSchema("users");
    private static final PostgresStores STORES = PostgresStores.builder()
            .dataSource(TestPostgres.sharedDataSource())
            .schema(SCHEMA)
            .build();

    @Override
    protected UserDatabase userDatabase() {
        return STORES.users();
    }

    @AfterAll
    static void dropSchema() {
        STORES.close();
        TestPostgres.dropSchema(SCHEMA);
    }
}
