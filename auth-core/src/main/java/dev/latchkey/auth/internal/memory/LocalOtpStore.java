package dev.latchkey.auth.internal.memory;

import dev.latchkey.auth.spi.CodeCheck;
import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.OtpChallenge;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Pending one-time codes in the memory of this process, bounded: the implementation behind {@code MemoryOTPStore}
 * and behind the core's local fallback. Every operation on a key is atomic; {@link #verify} compares, counts and
 * consumes in one step. When full of live challenges, a save that needs a new entry fails with {@code UNAVAILABLE}
 * rather than evicting one: dropping a challenge would reset its attempt limit, so the store fails closed.
 */
public final class LocalOtpStore implements OTPStore {
    private final ExpiringMap<OtpChallenge> challenges;

    /**
     * A store holding at most {@code maxChallenges} challenges.
     *
     * @param description names the store in the error a full store throws
     * @throws IllegalArgumentException if the bound is below 1
     */
    public LocalOtpStore(String description, int maxChallenges) {
        this.challenges = new ExpiringMap<>(description, maxChallenges, OtpChallenge::expiresAt);
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
            if (equalInConstantTime(challenge.codeHash(), codeHash)) {
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

    /** Challenges held, expired or not. */
    public int size() {
        return challenges.size();
    }

    /**
     * Compares two hash strings in time independent of where they differ (OWASP ASVS 5.0 V11, constant-time
     * comparison of secrets), so response timing cannot be used to learn a stored hash byte by byte.
     */
    public static boolean equalInConstantTime(String stored, String presented) {
        return MessageDigest.isEqual(
                stored.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }
}
