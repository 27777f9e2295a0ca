package dev.latchkey.auth.store.memory;

import dev.latchkey.auth.spi.CodeCheck;
import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.OtpChallenge;
import java.time.Instant;
import java.util.Objects;
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

    private final ExpiringMap<OtpChallenge> challenges;

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
        this.challenges = new ExpiringMap<>("in-memory OTP challenge store", maxChallenges, OtpChallenge::expiresAt);
    }

    @Override
    public void saveChallenge(OtpChallenge challenge) {
        Objects.requireNonNull(challenge, "challenge");
        challenges.compute(challenge.key(), challenge.createdAt(), (key, previous) -> challenge);
    }

    @Override
    public Optional<OtpChallenge> findChallenge(String key, Instant now) {
        Objects.requireNonNull(now, "now");
        return Optional.ofNullable(challenges.get(Objects.requireNonNull(key, "key")))
                .filter(challenge -> challenge.isLiveAt(now));
    }

    @Override
    public CodeCheck verify(String key, String codeHash, Instant now) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(codeHash, "codeHash");
        Objects.requireNonNull(now, "now");
        CodeCheck[] outcome = {CodeCheck.ABSENT};
        challenges.compute(key, now, (k, challenge) -> {
            if (challenge == null || !challenge.isLiveAt(now)) {
                outcome[0] = CodeCheck.ABSENT;
                return null;
            }
            if (challenge.attempts() >= challenge.maxAttempts()) {
                outcome[0] = CodeCheck.LOCKED;
                return challenge;
            }
            if (Hashes.equalInConstantTime(challenge.codeHash(), codeHash)) {
                outcome[0] = CodeCheck.MATCHED;
                return null;
            }
            outcome[0] = CodeCheck.MISMATCHED;
            return new OtpChallenge(
                    challenge.key(),
                    challenge.codeHash(),
                    challenge.createdAt(),
                    challenge.expiresAt(),
                    challenge.attempts() + 1,
                    challenge.maxAttempts());
        });
        return outcome[0];
    }

    @Override
    public void deleteChallenge(String key) {
        challenges.remove(Objects.requireNonNull(key, "key"));
    }

    @Override
    public int purgeExpired(Instant now) {
        Objects.requireNonNull(now, "now");
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
