package dev.latchkey.auth.store.postgres;

import dev.latchkey.auth.spi.ExternalIdentityStore;
import dev.latchkey.auth.spi.UserDatabase;
import dev.latchkey.auth.testkit.ExternalIdentityStoreContract;
import org.junit.jupiter.api.AfterAll;

/** The external identity store contract against PostgreSQL's user database, in a schema of its own. */
class PostgresExternalIdentityStoreContractTest extends ExternalIdentityStoreContract {
    private static final String SCHEMA = TestPostgres.uniqueSchema("identities");
    private static final PostgresStores STORES = PostgresStores.builder()
            .dataSource(TestPostgres.sharedDataSource())
            .schema(SCHEMA)
            .build();

    @Override
    protected ExternalIdentityStore externalIdentityStore() {
        return STORES.externalIdentities().orElseThrow();
    }

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
