package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.spi.UserDatabase;
import dev.latchkey.auth.store.memory.MemoryUserDatabase;
import dev.latchkey.auth.testkit.UserDatabaseContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The cache on Redis Cluster in front of the memory database still meets the whole {@link UserDatabaseContract}. */
class ClusterCachingUserDatabaseContractTest extends UserDatabaseContract {
    private static final String PREFIX = RedisTestServers.uniquePrefix(ClusterCachingUserDatabaseContractTest.class);
    private static UserDatabase database;

    @BeforeAll
    static void connect() {
        database = new CachingUserDatabase(
                new MemoryUserDatabase(),
                RedisTestServers.cluster(),
                CachingUserDatabase.DEFAULT_TTL,
                PREFIX,
                TestData.KEY_SECRET);
    }

    @AfterAll
    static void removeTestKeys() {
        RedisTestServers.deleteClusterKeys(RedisTestServers.cluster(), PREFIX);
    }

    @Override
    protected UserDatabase userDatabase() {
        return database;
    }
}
