package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.testkit.LoginStepsContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The login steps on Redis Cluster with an ordinary prefix: the keys hash to different slots, so the store takes the
 * steps one key at a time (the SPI defaults) and must still meet the contract.
 */
class ClusterLoginStepsContractTest extends LoginStepsContract {
    private static final String PREFIX = RedisTestServers.uniquePrefix(ClusterLoginStepsContractTest.class);
    private static RedisOTPStore otp;
    private static RedisRateLimitStore counters;

    @BeforeAll
    static void connect() {
        otp = new RedisOTPStore(RedisTestServers.cluster(), PREFIX);
        counters = new RedisRateLimitStore(RedisTestServers.cluster(), PREFIX);
    }

    @AfterAll
    static void removeTestKeys() {
        RedisTestServers.deleteClusterKeys(RedisTestServers.cluster(), PREFIX);
    }

    @Override
    protected OTPStore otpStore() {
        return otp;
    }

    @Override
    protected RateLimitStore rateLimitStore() {
        return counters;
    }
}
