package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.spi.AuthStores;
import dev.latchkey.auth.store.memory.MemoryUserDatabase;
import dev.latchkey.auth.testkit.RevocationMirrorContract;
import org.junit.jupiter.api.AfterAll;

/** The revocation mirror over standalone Redis: every instance has its own client, so its own subscriber connection. */
class RedisRevocationMirrorContractTest extends RevocationMirrorContract {
    private static final String PREFIX = RedisTestServers.uniquePrefix(RedisRevocationMirrorContractTest.class);

    @AfterAll
    static void removeTestKeys() {
        RedisTestServers.deleteKeys(RedisTestServers.standalone(), PREFIX);
    }

    @Override
    protected AuthStores newInstance() {
        return RedisStores.builder()
                .redisUrl(RedisTestServers.standaloneUrl())
                .keyPrefix(PREFIX)
                .users(new MemoryUserDatabase())
                .userCacheKeySecret(TestData.KEY_SECRET)
                .build();
    }

    @Override
    protected void killSubscriberConnections() {
        RedisTestServers.killPubSubClients(RedisTestServers.standalone());
    }
}
