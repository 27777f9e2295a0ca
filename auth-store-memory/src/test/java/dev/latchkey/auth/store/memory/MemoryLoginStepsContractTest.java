package dev.latchkey.auth.store.memory;

import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.testkit.LoginStepsContract;

/** The login steps on the memory stores (the SPI defaults over the memory primitives). */
class MemoryLoginStepsContractTest extends LoginStepsContract {
    private final MemoryStores stores = MemoryStores.create();

    @Override
    protected OTPStore otpStore() {
        return stores.otp();
    }

    @Override
    protected RateLimitStore rateLimitStore() {
        return stores.rateLimits();
    }
}
