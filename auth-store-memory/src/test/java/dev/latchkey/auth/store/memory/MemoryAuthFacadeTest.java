package dev.latchkey.auth.store.memory;

import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.spi.UserDatabase;
import dev.latchkey.auth.testkit.AuthFacadeContract;

/** The full facade life cycle and security behaviour over the memory stores, without a revocation list. */
class MemoryAuthFacadeTest extends AuthFacadeContract {
    final MemoryStores stores = MemoryStores.create();

    @Override
    protected UserDatabase userDatabase() {
        return stores.userDatabase();
    }

    @Override
    protected OTPStore otpStore() {
        return stores.otpStore();
    }

    @Override
    protected SessionStore sessionStore() {
        return stores.sessionStore();
    }
}
