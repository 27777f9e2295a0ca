package dev.latchkey.auth.store.memory;

import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.testkit.SessionStoreContract;

class MemorySessionStoreContractTest extends SessionStoreContract {
    private final MemorySessionStore store = new MemorySessionStore();

    @Override
    protected SessionStore sessionStore() {
        return store;
    }
}
