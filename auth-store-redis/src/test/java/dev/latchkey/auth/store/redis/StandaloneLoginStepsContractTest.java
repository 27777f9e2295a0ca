package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.testkit.LoginStepsContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The login steps on standalone Redis, where each step is one script over the challenge and the counters. */
class StandaloneLoginStepsContractTest extends LoginStepsContract {
    private static final String PREFIX = RedisTestServers.uniquePrefix(StandaloneLoginStepsContractTest.class);
    private static RedisOTPStore otp;
    private static RedisRateLimitStore counters;

    @BeforeAll
    static void connect() {
        otp = new RedisOTPStore(RedisTestServers.standalone(), PREFIX);
        counters = new RedisRateLimitStore(RedisTestServers.standalone(), PREFIX);
    }

    @AfterAll
    static void removeTestKeys() {
        RedisTestServers.deleteKeys(RedisTestServers.standalone(), PREFIX);
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
