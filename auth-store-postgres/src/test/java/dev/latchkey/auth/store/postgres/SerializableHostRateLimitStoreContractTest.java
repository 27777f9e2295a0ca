package dev.latchkey.auth.store.postgres;

import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.testkit.RateLimitStoreContract;
import org.junit.jupiter.api.AfterAll;

/**
 * The rate-limit store contract on a host data source whose connections default to SERIALIZABLE: concurrent
 * increments must still all be counted, not fail with serialization errors.
 */
class SerializableHostRateLimitStoreContractTest extends RateLimitStoreContract {
    private static final String SCHEMA = TestPostgres.uniqueSchema("rate_serializable");
    private static final PostgresStores STORES = PostgresStores.builder()
            .dataSource(TestPostgres.serializableDataSource())
            .schema(SCHEMA)
            .build();

    @Override
    protected RateLimitStore rateLimitStore() {
        return STORES.rateLimits();
    }

    @AfterAll
    static void dropSchema() {
        TestPostgres.dropSchema(SCHEMA);
    }
}
