package dev.latchkey.auth.spi;

import java.time.Instant;
import java.util.Optional;

/**
 * Keeps pending one-time codes. (The counters behind send throttles and failure budgets are a {@link
 * RateLimitStore}.)
 *
 * <p>The store never sees a code: the core hands it a keyed hash and an opaque key. Every method is atomic with
 * respect to every other call on the same key, across threads and, for shared backends, across processes. In
 * particular {@link #verify} is ONE atomic step (compare, count, consume): N concurrent verifications of one code
 * return {@link CodeCheck#MATCHED} at most once, and N concurrent wrong guesses are all counted. A read-then-delete in
 * two steps is the bug this contract exists to rule out.
 *
 * <p>Contract tests: {@code dev.latchkey.auth.testkit.OTPStoreContract}.
 */
public interface OTPStore extends Store {

    /** Stores the challenge under its key, replacing (and so invalidating) any challenge the key had. */
    void saveChallenge(OtpChallenge challenge);

    /** The live challenge for the key, if any. Meant for tests and diagnostics, not for verification. */
    Optional<OtpChallenge> findChallenge(String key, Instant now);

    /**
     * Atomically checks a presented code hash against the key's challenge:
     *
     * <ul>
     *   <li>no challenge, or {@code now} is not before its expiry: {@link CodeCheck#ABSENT};
     *   <li>attempts already at the maximum: {@link CodeCheck#LOCKED}, nothing changes;
     *   <li>hash equal: the challenge is deleted, {@link CodeCheck#MATCHED};
     *   <li>otherwise attempts is incremented, {@link CodeCheck#MISMATCHED}.
     * </ul>
     *
     * Hashes are compared in constant time where the backend allows; being keyed hashes, a timing difference would
     * reveal nothing about the code in any case.
     */
    CodeCheck verify(String key, String codeHash, Instant now);

    /** Removes the key's challenge, if any. */
    void deleteChallenge(String key);

    /** Removes expired challenges; returns how many. Stores with native expiry may return 0. */
    default int purgeExpired(Instant now) {
        return 0;
    }
}
