package dev.latchkey.auth.store.memory;

import dev.latchkey.auth.spi.RevocationList;
import java.util.Optional;

/** The facade contract again with a revocation list, so {@code authenticate} refuses signed-out sessions. */
class MemoryAuthFacadeWithRevocationTest extends MemoryAuthFacadeTest {

    @Override
    protected Optional<RevocationList> revocationList() {
        return stores.revocations();
    }
}
