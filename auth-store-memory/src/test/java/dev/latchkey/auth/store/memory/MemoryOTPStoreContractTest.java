package dev.latchkey.auth.store.memory;

import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.testkit.OTPStoreContract;

class MemoryOTPStoreContractTest extends OTPStoreContract {
    private final MemoryOTPStore store = new MemoryOTPStore();

    @Override
    protected OTPStore otpStore() {
        return store;
    }
}
