package dev.latchkey.auth.store.postgres;

import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.testkit.SessionStoreContract;
import org.junit.jupiter.api.AfterAll;

/**
 * The session store contract on a host data source whose connections default to SERIALIZABLE: concurrent rotations
 * of one session must still have exactly one winner and no serialization errors.
 */
class SerializableHostSessionStoreContractTest extends SessionStoreContract {
    private static final String SCHEMA = TestPostgres.uniqueSchema("sessions_serializable");
    private static final PostgresStores STORES = PostgresStores.builder()
            .dataSource(TestPostgres.serializableDataSource())
            .schema(SCHEMA)
            .build();

    @Override
    protected SessionStore sessionStore() {
        return STORES.sessions();
    }

    @AfterAll
    static void dropSchema() {
        TestPostgres.dropSchema(SCHEMA);
    }
}
