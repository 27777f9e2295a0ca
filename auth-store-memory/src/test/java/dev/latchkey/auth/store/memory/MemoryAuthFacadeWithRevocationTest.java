package dev.latchkey.auth.store.memory;

import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.RevocationList;
import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.spi.UserDatabase;
import dev.latchkey.auth.testkit.AuthFacadeContract;
import java.util.Optional;

/** The facade contract again with a revocation list, so {@code authenticate} refuses signed-out sessions. */
class MemoryAuthFacadeWithRevocationTest extends AuthFacadeContract {
    private final MemoryStores stores = MemoryStores.create();

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

    @Override
    protected Optional<RevocationList> revocationList() {
        return Optional.of(stores.revocationList());
    }
}
