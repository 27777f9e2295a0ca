package dev.latchkey.auth.store.memory;

import dev.latchkey.auth.spi.RevocationList;
import dev.latchkey.auth.testkit.RevocationListContract;

class MemoryRevocationListContractTest extends RevocationListContract {
    private final MemoryRevocationList list = new MemoryRevocationList();

    @Override
    protected RevocationList revocationList() {
        return list;
    }
}
