package dev.latchkey.auth.store.postgres;

import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.testkit.OTPStoreContract;
import org.junit.jupiter.api.AfterAll;

/** The OTP store contract against PostgreSQL, on a pool of its own built from a URL, in a schema of its own. */
class PostgresOTPStoreContractTest extends OTPStoreContract {
    private static final String SCHEMA = TestPostgres.uniqueSchema("otp");
    private static final PostgresStores STORES =
            TestPostgres.ownPool().schema(SCHEMA).build();

    @Override
    protected OTPStore otpStore() {
        return STORES.otp();
    }

    @AfterAll
    static void dropSchema() {
        STORES.close();
        TestPostgres.dropSchema(SCHEMA);
    }
}
