package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.testkit.SessionStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The full {@link SessionStoreContract} on cluster Redis. */
class ClusterSessionStoreContractTest extends SessionStoreContract {
    private static final String PREFIX = RedisTestServers.uniquePrefix(ClusterSessionStoreContractTest.class);
    private static RedisSessionStore store;

    @BeforeAll
    static void connect() {
        store = new RedisSessionStore(RedisTestServers.cluster(), PREFIX);
    }

    @AfterAll
    static void removeTestKeys() {
        RedisTestServers.deleteClusterKeys(RedisTestServers.cluster(), PREFIX);
    }

    @Override
    protected SessionStore sessionStore() {
        return store;
    }
}
