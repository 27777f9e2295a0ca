package dev.latchkey.auth.store.postgres;

import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.testkit.LoginStepsContract;
import org.junit.jupiter.api.AfterAll;

/** The login steps against PostgreSQL, with the bundle's OTP store and counters, in a schema of its own. */
class PostgresLoginStepsContractTest extends LoginStepsContract {
    private static final String SCHEMA = TestPostgres.uniqueSchema("steps");
    private static final PostgresStores STORES =
            TestPostgres.ownPool().schema(SCHEMA).build();

    @Override
    protected OTPStore otpStore() {
        return STORES.otp();
    }

    @Override
    protected RateLimitStore rateLimitStore() {
        return STORES.rateLimits();
    }

    @AfterAll
    static void dropSchema() {
        STORES.close();
        TestPostgres.dropSchema(SCHEMA);
    }
}
