package dev.latchkey.auth.store.memory;

import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.testkit.RateLimitStoreContract;

class MemoryRateLimitStoreContractTest extends RateLimitStoreContract {
    private final MemoryRateLimitStore store = new MemoryRateLimitStore();

    @Override
    protected RateLimitStore rateLimitStore() {
        return store;
    }
}
