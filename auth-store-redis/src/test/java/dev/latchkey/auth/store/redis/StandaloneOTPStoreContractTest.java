package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.testkit.OTPStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The full {@link OTPStoreContract} on standalone Redis. */
class StandaloneOTPStoreContractTest extends OTPStoreContract {
    private static final String PREFIX = RedisTestServers.uniquePrefix(StandaloneOTPStoreContractTest.class);
    private static RedisOTPStore store;

    @BeforeAll
    static void connect() {
        store = new RedisOTPStore(RedisTestServers.standalone(), PREFIX);
    }

    @AfterAll
    static void removeTestKeys() {
        RedisTestServers.deleteKeys(RedisTestServers.standalone(), PREFIX);
    }

    @Override
    protected OTPStore otpStore() {
        return store;
    }
}
