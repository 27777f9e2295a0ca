package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.testkit.OTPStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The full {@link OTPStoreContract} on cluster Redis. */
class ClusterOTPStoreContractTest extends OTPStoreContract {
    private static final String PREFIX = RedisTestServers.uniquePrefix(ClusterOTPStoreContractTest.class);
    private static RedisOTPStore store;

    @BeforeAll
    static void connect() {
        store = new RedisOTPStore(RedisTestServers.cluster(), PREFIX);
    }

    @AfterAll
    static void removeTestKeys() {
        RedisTestServers.deleteClusterKeys(RedisTestServers.cluster(), PREFIX);
    }

    @Override
    protected OTPStore otpStore() {
        return store;
    }
}
