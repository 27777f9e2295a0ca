package dev.latchkey.auth.store.memory;

import dev.latchkey.auth.internal.memory.LocalOtpStore;

/** Hash comparison shared by the stores. */
final class Hashes {
    private Hashes() {}

    /**
     * Compares two hash strings in time independent of where they differ (OWASP ASVS 5.0 V11, cryptography: constant-time
     * comparison of secrets), so response timing cannot be used to learn a stored hash byte by byte.
     */
    static boolean equalInConstantTime(String stored, String presented) {
        return LocalOtpStore.equalInConstantTime(stored, presented);
    }
}
