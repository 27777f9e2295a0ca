package dev.latchkey.auth.store.postgres;

import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.testkit.RateLimitStoreContract;
import org.junit.jupiter.api.AfterAll;

/** The rate-limit store contract against PostgreSQL, on a pool of its own built from a URL, in a schema of its own. */
class PostgresRateLimitStoreContractTest extends RateLimitStoreContract {
    private static final String SCHEMA = TestPostgres.uniqueSchema("rate");
    private static final PostgresStores STORES =
            TestPostgres.ownPool().schema(SCHEMA).build();

    @Override
    protected RateLimitStore rateLimitStore() {
        return STORES.rateLimits();
    }

    @AfterAll
    static void dropSchema() {
        STORES.close();
        TestPostgres.dropSchema(SCHEMA);
    }
}
