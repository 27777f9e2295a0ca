package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.spi.UserDatabase;
import dev.latchkey.auth.store.memory.MemoryUserDatabase;
import dev.latchkey.auth.testkit.UserDatabaseContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The cache on standalone Redis in front of the memory database still meets the whole {@link UserDatabaseContract}. */
class StandaloneCachingUserDatabaseContractTest extends UserDatabaseContract {
    private static final String PREFIX = RedisTestServers.uniquePrefix(StandaloneCachingUserDatabaseContractTest.class);
    private static UserDatabase database;

    @BeforeAll
    static void connect() {
        database = new CachingUserDatabase(
                new MemoryUserDatabase(),
                RedisTestServers.standalone(),
                CachingUserDatabase.DEFAULT_TTL,
                PREFIX,
                TestData.KEY_SECRET);
    }

    @AfterAll
    static void removeTestKeys() {
        RedisTestServers.deleteKeys(RedisTestServers.standalone(), PREFIX);
    }

    @Override
    protected UserDatabase userDatabase() {
        return database;
    }
}
