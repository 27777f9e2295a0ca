package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.testkit.RateLimitStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The full {@link RateLimitStoreContract} on standalone Redis. */
class StandaloneRateLimitStoreContractTest extends RateLimitStoreContract {
    private static final String PREFIX = RedisTestServers.uniquePrefix(StandaloneRateLimitStoreContractTest.class);
    private static RedisRateLimitStore store;

    @BeforeAll
    static void connect() {
        store = new RedisRateLimitStore(RedisTestServers.standalone(), PREFIX);
    }

    @AfterAll
    static void removeTestKeys() {
        RedisTestServers.deleteKeys(RedisTestServers.standalone(), PREFIX);
    }

    @Override
    protected RateLimitStore rateLimitStore() {
        return store;
    }
}
