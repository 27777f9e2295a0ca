package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.testkit.RateLimitStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The full {@link RateLimitStoreContract} on cluster Redis. */
class ClusterRateLimitStoreContractTest extends RateLimitStoreContract {
    private static final String PREFIX = RedisTestServers.uniquePrefix(ClusterRateLimitStoreContractTest.class);
    private static RedisRateLimitStore store;

    @BeforeAll
    static void connect() {
        store = new RedisRateLimitStore(RedisTestServers.cluster(), PREFIX);
    }

    @AfterAll
    static void removeTestKeys() {
        RedisTestServers.deleteClusterKeys(RedisTestServers.cluster(), PREFIX);
    }

    @Override
    protected RateLimitStore rateLimitStore() {
        return store;
    }
}
