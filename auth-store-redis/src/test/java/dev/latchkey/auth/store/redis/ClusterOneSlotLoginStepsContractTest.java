package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.testkit.LoginStepsContract;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The login steps on Redis Cluster below a hash-tagged prefix: every key shares one slot, so each step is one script,
 * as on a standalone server.
 */
class ClusterOneSlotLoginStepsContractTest extends LoginStepsContract {
    private static final String PREFIX = "{latchkey-test-" + UUID.randomUUID() + "}:";
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
