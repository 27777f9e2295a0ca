package dev.latchkey.auth.store.memory;

import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.spi.UserDatabase;
import dev.latchkey.auth.testkit.AuthFacadeContract;

/** The full facade life cycle and security behaviour over the memory stores, without a revocation list. */
class MemoryAuthFacadeTest extends AuthFacadeContract {
    final MemoryStores stores = MemoryStores.create();

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
}
