package dev.latchkey.auth.store.memory;

import dev.latchkey.auth.internal.memory.LocalOtpStore;
import dev.latchkey.auth.spi.CodeCheck;
import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.OtpChallenge;
import java.time.Instant;
import java.util.Optional;

/**
 * An {@link OTPStore} in the memory of one process: correct for a single instance of the application, and the store
 * to use in tests. Every operation on a key is atomic; {@link #verify} compares, counts and consumes in one step.
 *
 * <p>Memory is bounded: at most {@code maxChallenges} challenges are held. Expired challenges are removed a few at a
 * time on every write, from an expiry-ordered index, and all at once by {@link #purgeExpired}. When the store is full
 * of live challenges, a save that needs a new entry fails with {@code UNAVAILABLE} rather than evicting anything:
 * dropping a challenge would reset its attempt limit, so the store fails closed. (The throttle counters are a {@link
 * MemoryRateLimitStore}.)
 *
 * <p>{@link #saveChallenge} takes the challenge's {@code createdAt} as the current time for purging.
 */
public final class MemoryOTPStore implements OTPStore {
    /** Default bound on pending challenges. */
    public static final int DEFAULT_MAX_CHALLENGES = 100_000;

    /** The one bounded implementation, shared with the core's local fallback. */
    private final LocalOtpStore challenges;

    /** A store with the default bounds. */
    public MemoryOTPStore() {
        this(DEFAULT_MAX_CHALLENGES);
    }

    /**
     * A store holding at most {@code maxChallenges} challenges.
     *
     * @throws IllegalArgumentException if the bound is below 1
     */
    public MemoryOTPStore(int maxChallenges) {
        this.challenges = new LocalOtpStore("in-memory OTP challenge store", maxChallenges);
    }

    @Override
    public void saveChallenge(OtpChallenge challenge) {
        challenges.saveChallenge(challenge);
    }

    @Override
    public Optional<OtpChallenge> findChallenge(String key, Instant now) {
        return challenges.findChallenge(key, now);
    }

    @Override
    public CodeCheck verify(String key, String codeHash, Instant now) {
        return challenges.verify(key, codeHash, now);
    }

    @Override
    public void deleteChallenge(String key) {
        challenges.deleteChallenge(key);
    }

    @Override
    public int purgeExpired(Instant now) {
        return challenges.purgeExpired(now);
    }

    /** Always answers: the store lives in this process. */
    @Override
    public void ping() {
        // Nothing can be unreachable.
    }

    int challengeCount() {
        return challenges.size();
    }
}
