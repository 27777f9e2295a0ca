package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.testkit.SessionStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The full {@link SessionStoreContract} on standalone Redis. */
class StandaloneSessionStoreContractTest extends SessionStoreContract {
    private static final String PREFIX = RedisTestServers.uniquePrefix(StandaloneSessionStoreContractTest.class);
    private static RedisSessionStore store;

    @BeforeAll
    static void connect() {
        store = new RedisSessionStore(RedisTestServers.standalone(), PREFIX);
    }

    @AfterAll
    static void removeTestKeys() {
        RedisTestServers.deleteKeys(RedisTestServers.standalone(), PREFIX);
    }

    @Override
    protected SessionStore sessionStore() {
        return store;
    }
}
