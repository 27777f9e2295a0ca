package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.spi.RevocationList;
import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.spi.UserDatabase;
import dev.latchkey.auth.store.memory.MemoryUserDatabase;
import dev.latchkey.auth.testkit.AuthFacadeContract;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every facade security behaviour with codes, counters, sessions and the revocation list in standalone Redis and users
 * in memory behind the Redis user cache, all from one {@link RedisStores} bundle.
 */
class RedisAuthFacadeContractTest extends AuthFacadeContract {
    private static final String PREFIX = RedisTestServers.uniquePrefix(RedisAuthFacadeContractTest.class);
    private static RedisStores stores;

    @BeforeAll
    static void connect() {
        stores = RedisStores.builder()
                .client(RedisTestServers.standalone())
                .keyPrefix(PREFIX)
                .users(new MemoryUserDatabase())
                .userCacheKeySecret(TestData.KEY_SECRET)
                .build();
    }

    @AfterAll
    static void removeTestKeys() {
        RedisTestServers.deleteKeys(RedisTestServers.standalone(), PREFIX);
    }

    @Override
    protected UserDatabase userDatabase() {
        return stores.users();
    }

    @Override
    protected OTPStore otpStore() {
        return stores.otp();
    }

    @Override
    protected RateLimitStore rateLimitStore() {
        return stores.rateLimits();
    }

    @Override
    protected SessionStore sessionStore() {
        return stores.sessions();
    }

    @Override
    protected Optional<RevocationList> revocationList() {
        return stores.revocations();
    }
}
