package dev.latchkey.auth.store.memory;

import dev.latchkey.auth.spi.UserDatabase;
import dev.latchkey.auth.testkit.UserDatabaseContract;

class MemoryUserDatabaseContractTest extends UserDatabaseContract {
    private final MemoryUserDatabase database = new MemoryUserDatabase();

    @Override
    protected UserDatabase userDatabase() {
        return database;
    }
}
