package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.RevocationList;
import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.spi.UserDatabase;
import dev.latchkey.auth.store.memory.MemoryUserDatabase;
import dev.latchkey.auth.testkit.AuthFacadeContract;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every facade security behaviour with codes, sessions and the revocation list in standalone Redis and users in
 * memory behind the Redis user cache.
 */
class RedisAuthFacadeContractTest extends AuthFacadeContract {
    private static final String PREFIX = RedisTestServers.uniquePrefix(RedisAuthFacadeContractTest.class);
    private static RedisOTPStore codes;
    private static RedisSessionStore sessions;
    private static RedisRevocationList revocations;
    private static CachingUserDatabase users;

    @BeforeAll
    static void connect() {
        codes = new RedisOTPStore(RedisTestServers.standalone(), PREFIX);
        sessions = new RedisSessionStore(RedisTestServers.standalone(), PREFIX);
        revocations = new RedisRevocationList(RedisTestServers.standalone(), PREFIX);
        users = new CachingUserDatabase(
                new MemoryUserDatabase(), RedisTestServers.standalone(), java.time.Duration.ofSeconds(60), PREFIX);
    }

    @AfterAll
    static void removeTestKeys() {
        RedisTestServers.deleteKeys(RedisTestServers.standalone(), PREFIX);
    }

    @Override
    protected UserDatabase userDatabase() {
        return users;
    }

    @Override
    protected OTPStore otpStore() {
        return codes;
    }

    @Override
    protected SessionStore sessionStore() {
        return sessions;
    }

    @Override
    protected Optional<RevocationList> revocationList() {
        return Optional.of(revocations);
    }
}
