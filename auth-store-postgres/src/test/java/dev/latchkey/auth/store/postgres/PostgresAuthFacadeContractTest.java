package dev.latchkey.auth.store.postgres;

import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.spi.UserDatabase;
import dev.latchkey.auth.testkit.AuthFacadeContract;
import org.junit.jupiter.api.AfterAll;

/** Every facade security behaviour with users, codes, counters and sessions all in PostgreSQL. */
class PostgresAuthFacadeContractTest extends AuthFacadeContract {
    private static final String SCHEMA = TestPostgres.uniqueSchema("facade");
    private static final PostgresStores STORES =
            TestPostgres.ownPool().schema(SCHEMA).build();

    @Override
    protected UserDatabase userDatabase() {
        return STORES.users();
    }

    @Override
    protected OTPStore otpStore() {
        return STORES.otp();
    }

    @Override
    protected RateLimitStore rateLimitStore() {
        return STORES.rateLimits();
    }

    @Override
    protected SessionStore sessionStore() {
        return STORES.sessions();
    }

    @AfterAll
    static void dropSchema() {
        STORES.close();
        TestPostgres.dropSchema(SCHEMA);
    }
}
