package dev.latchkey.auth.store.memory;

import dev.latchkey.auth.spi.ExternalIdentityStore;
import dev.latchkey.auth.spi.UserDatabase;
import dev.latchkey.auth.testkit.ExternalIdentityStoreContract;

class MemoryExternalIdentityStoreContractTest extends ExternalIdentityStoreContract {
    private final MemoryUserDatabase database = new MemoryUserDatabase();

    @Override
    protected ExternalIdentityStore externalIdentityStore() {
        return database;
    }

    @Override
    protected UserDatabase userDatabase() {
        return database;
    }
}
