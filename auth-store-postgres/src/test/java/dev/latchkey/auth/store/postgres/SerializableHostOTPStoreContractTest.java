package dev.latchkey.auth.store.postgres;

import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.testkit.OTPStoreContract;
import org.junit.jupiter.api.AfterAll;

/**
 * The OTP store contract on a host data source whose connections default to SERIALIZABLE: the concurrent wrong guesses
 * must still all be counted, not fail with serialization errors.
 */
class SerializableHostOTPStoreContractTest extends OTPStoreContract {
    private static final String SCHEMA = TestPostgres.uniqueSchema("otp_serializable");
    private static final PostgresStores STORES = PostgresStores.builder()
            .dataSource(TestPostgres.serializableDataSource())
            .schema(SCHEMA)
            .build();

    @Override
    protected OTPStore otpStore() {
        return STORES.otp();
    }

    @AfterAll
    static void dropSchema() {
        TestPostgres.dropSchema(SCHEMA);
    }
}
