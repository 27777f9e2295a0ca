package dev.latchkey.auth.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.spi.CodeCheck;
import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.OtpChallenge;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link OTPStore} must meet. Extend it from a test class of your store module and return the
 * store under test:
 *
 * <pre>{@code
 * class RedisOTPStoreTest extends OTPStoreContract {
 *     private static final OTPStore STORE = new RedisOTPStore(sharedClient(), "test:");
 *
 *     @Override
 *     protected OTPStore otpStore() {
 *         return STORE;
 *     }
 * }
 * }</pre>
 *
 * <p>{@link #otpStore()} is called at least once per test and may return the same instance every time. Every test
 * uses freshly generated keys, so the suite runs against a shared backend without cleanup between tests. Time never
 * comes from a clock: every instant is a fixed base in 2030 plus whole seconds, so a store must use the instants it
 * is given and never its own clock for expiry decisions. (A store with native expiry, such as Redis TTLs, has to
 * keep the expiry instant itself too, since the base lies in the future of the backend's clock.)
 *
 * <p>The concurrency cases are the point of this suite: 50 threads verifying one code must produce exactly one
 * {@link CodeCheck#MATCHED}, and 50 concurrent wrong guesses must all be counted. A store that reads a challenge and
 * deletes or updates it in a second step fails them. (The throttle counters have a suite of their own, {@link
 * RateLimitStoreContract}.)
 */
public abstract class OTPStoreContract {
    private static final Instant BASE = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration LIFETIME = Duration.ofMinutes(5);
    private static final int THREADS = 50;
    /** Default for {@link #concurrencyRounds()}. */
    protected static final int DEFAULT_CONCURRENCY_ROUNDS = 10;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The store under test. */
    protected abstract OTPStore otpStore();

    /**
     * How many times each concurrency case runs, each time on fresh keys. A race window is narrow, so one run may
     * miss it; repeating makes a non-atomic store fail reliably. Defaults to {@value #DEFAULT_CONCURRENCY_ROUNDS}.
     */
    protected int concurrencyRounds() {
        return DEFAULT_CONCURRENCY_ROUNDS;
    }

    @Test
    public void savedChallengeCanBeFound() {
        OtpChallenge challenge = challenge(newKey(), newHash(), 5);

        otpStore().saveChallenge(challenge);

        assertThat(otpStore().findChallenge(challenge.key(), at(1)))
                .as("a saved challenge must be found unchanged while it is live")
                .contains(challenge);
    }

    @Test
    public void findOfUnknownKeyIsEmpty() {
        assertThat(otpStore().findChallenge(newKey(), at(1)))
                .as("find of a key never saved must be empty")
                .isEmpty();
    }

    @Test
    public void findOfExpiredChallengeIsEmpty() {
        OtpChallenge challenge = challenge(newKey(), newHash(), 5);
        otpStore().saveChallenge(challenge);

        assertThat(otpStore().findChallenge(challenge.key(), challenge.expiresAt()))
                .as("a challenge must not be found at its expiry instant (live only while now < expiresAt)")
                .isEmpty();
        assertThat(otpStore()
                        .findChallenge(challenge.key(), challenge.expiresAt().plusSeconds(60)))
                .as("a challenge must not be found after its expiry")
                .isEmpty();
    }

    @Test
    public void savingAgainReplacesAndInvalidatesThePreviousChallenge() {
        String key = newKey();
        String oldHash = newHash();
        String newHash = newHash();
        otpStore().saveChallenge(challenge(key, oldHash, 5));
        otpStore().verify(key, newHash(), at(1));
        OtpChallenge replacement = new OtpChallenge(key, newHash, at(10), at(10).plus(LIFETIME), 0, 5);

        otpStore().saveChallenge(replacement);

        assertThat(otpStore().findChallenge(key, at(11)))
                .as("saving under an existing key must replace the challenge, attempts included")
                .contains(replacement);
        assertThat(otpStore().verify(key, oldHash, at(11)))
                .as("the replaced challenge's code must no longer match")
                .isEqualTo(CodeCheck.MISMATCHED);
        assertThat(otpStore().verify(key, newHash, at(12)))
                .as("the replacement's code must match")
                .isEqualTo(CodeCheck.MATCHED);
    }

    @Test
    public void verifyMatchesOnceThenTheChallengeIsConsumed() {
        String key = newKey();
        String hash = newHash();
        otpStore().saveChallenge(challenge(key, hash, 5));

        assertThat(otpStore().verify(key, hash, at(1)))
                .as("the right code of a live challenge must match")
                .isEqualTo(CodeCheck.MATCHED);
        assertThat(otpStore().verify(key, hash, at(2)))
                .as("a matched challenge must be consumed: the same code again is ABSENT")
                .isEqualTo(CodeCheck.ABSENT);
        assertThat(otpStore().findChallenge(key, at(3)))
                .as("a matched challenge must be gone")
                .isEmpty();
    }

    @Test
    public void verifyMatchesJustBeforeExpiry() {
        String key = newKey();
        String hash = newHash();
        OtpChallenge challenge = challenge(key, hash, 5);
        otpStore().saveChallenge(challenge);

        assertThat(otpStore().verify(key, hash, challenge.expiresAt().minusSeconds(1)))
                .as("the right code must match one second before expiry")
                .isEqualTo(CodeCheck.MATCHED);
    }

    @Test
    public void verifyMismatchCountsTheAttempt() {
        String key = newKey();
        String hash = newHash();
        otpStore().saveChallenge(challenge(key, hash, 5));

        assertThat(otpStore().verify(key, newHash(), at(1)))
                .as("a wrong code must be MISMATCHED")
                .isEqualTo(CodeCheck.MISMATCHED);
        assertThat(otpStore().verify(key, newHash(), at(2)))
                .as("a second wrong code below the limit must be MISMATCHED")
                .isEqualTo(CodeCheck.MISMATCHED);

        assertThat(otpStore().findChallenge(key, at(3)))
                .as("every wrong code must be counted as an attempt")
                .hasValueSatisfying(c -> assertThat(c.attempts())
                        .as("attempts after two wrong codes")
                        .isEqualTo(2));
        assertThat(otpStore().verify(key, hash, at(4)))
                .as("the right code must still match below the attempt limit")
                .isEqualTo(CodeCheck.MATCHED);
    }

    @Test
    public void verifyLocksAfterMaxAttemptsAndTheRightCodeNoLongerMatches() {
        String key = newKey();
        String hash = newHash();
        otpStore().saveChallenge(challenge(key, hash, 3));

        for (int i = 0; i < 3; i++) {
            assertThat(otpStore().verify(key, newHash(), at(1 + i)))
                    .as("wrong code %d of 3 allowed must be MISMATCHED", i + 1)
                    .isEqualTo(CodeCheck.MISMATCHED);
        }

        assertThat(otpStore().verify(key, newHash(), at(10)))
                .as("a wrong code once attempts reached the maximum must be LOCKED")
                .isEqualTo(CodeCheck.LOCKED);
        assertThat(otpStore().verify(key, hash, at(11)))
                .as("the right code once attempts reached the maximum must be LOCKED, not MATCHED")
                .isEqualTo(CodeCheck.LOCKED);
        assertThat(otpStore().findChallenge(key, at(12)))
                .as("a locked challenge must stay, unchanged")
                .hasValueSatisfying(c -> assertThat(c.attempts())
                        .as("LOCKED must not count further attempts")
                        .isEqualTo(3));
    }

    @Test
    public void verifyHonoursTheAttemptsAlreadyRecordedInTheChallenge() {
        String key = newKey();
        String hash = newHash();
        otpStore().saveChallenge(new OtpChallenge(key, hash, at(0), at(0).plus(LIFETIME), 1, 2));

        assertThat(otpStore().verify(key, newHash(), at(1)))
                .as("a wrong code with one of two attempts used must be MISMATCHED")
                .isEqualTo(CodeCheck.MISMATCHED);
        assertThat(otpStore().verify(key, hash, at(2)))
                .as("attempts saved with the challenge must count towards the limit")
                .isEqualTo(CodeCheck.LOCKED);
    }

    @Test
    public void verifyOfExpiredChallengeIsAbsent() {
        String key = newKey();
        String hash = newHash();
        OtpChallenge challenge = challenge(key, hash, 5);
        otpStore().saveChallenge(challenge);

        assertThat(otpStore().verify(key, hash, challenge.expiresAt()))
                .as("the right code at the expiry instant must be ABSENT")
                .isEqualTo(CodeCheck.ABSENT);
        assertThat(otpStore().verify(key, hash, challenge.expiresAt().plusSeconds(3600)))
                .as("the right code after expiry must be ABSENT")
                .isEqualTo(CodeCheck.ABSENT);
    }

    @Test
    public void verifyOfUnknownKeyIsAbsent() {
        assertThat(otpStore().verify(newKey(), newHash(), at(1)))
                .as("verify of a key never saved must be ABSENT")
                .isEqualTo(CodeCheck.ABSENT);
    }

    @Test
    public void challengesOfDifferentKeysAreIndependent() {
        String first = newKey();
        String second = newKey();
        String hash = newHash();
        otpStore().saveChallenge(challenge(first, hash, 5));
        otpStore().saveChallenge(challenge(second, hash, 5));

        assertThat(otpStore().verify(first, hash, at(1)))
                .as("the first key's code must match")
                .isEqualTo(CodeCheck.MATCHED);
        assertThat(otpStore().verify(second, hash, at(1)))
                .as("consuming one key's challenge must leave another key's challenge intact")
                .isEqualTo(CodeCheck.MATCHED);
    }

    @Test
    public void deleteRemovesTheChallenge() {
        String key = newKey();
        String hash = newHash();
        otpStore().saveChallenge(challenge(key, hash, 5));

        otpStore().deleteChallenge(key);

        assertThat(otpStore().findChallenge(key, at(1)))
                .as("a deleted challenge must not be found")
                .isEmpty();
        assertThat(otpStore().verify(key, hash, at(1)))
                .as("a deleted challenge's code must be ABSENT")
                .isEqualTo(CodeCheck.ABSENT);
    }

    @Test
    public void deleteOfUnknownKeyDoesNothing() {
        String key = newKey();

        otpStore().deleteChallenge(key);

        assertThat(otpStore().findChallenge(key, at(1)))
                .as("deleting an unknown key must succeed and create nothing")
                .isEmpty();
    }

    @Test
    public void purgeExpiredKeepsLiveEntries() {
        String liveKey = newKey();
        String liveHash = newHash();
        String deadKey = newKey();
        otpStore().saveChallenge(new OtpChallenge(liveKey, liveHash, at(0), at(3600), 0, 5));
        otpStore().saveChallenge(new OtpChallenge(deadKey, newHash(), at(0), at(60), 0, 5));

        int purged = otpStore().purgeExpired(at(120));

        assertThat(purged)
                .as("purgeExpired must return how many challenges it removed, never a negative number")
                .isNotNegative();
        assertThat(otpStore().findChallenge(deadKey, at(120)))
                .as("an expired challenge must not be found after a purge")
                .isEmpty();
        assertThat(otpStore().verify(liveKey, liveHash, at(120)))
                .as("purgeExpired must keep live challenges")
                .isEqualTo(CodeCheck.MATCHED);
    }

    @Test
    public void verifyMatchesAtMostOnceUnderConcurrency() {
        for (int round = 0; round < concurrencyRounds(); round++) {
            String key = newKey();
            String hash = newHash();
            otpStore().saveChallenge(challenge(key, hash, 5));

            List<CodeCheck> results =
                    ConcurrentRunner.runConcurrently(THREADS, i -> otpStore().verify(key, hash, at(1)));

            assertThat(results)
                    .filteredOn(r -> r == CodeCheck.MATCHED)
                    .as("%d concurrent verifications of one right code must match exactly once", THREADS)
                    .hasSize(1);
            assertThat(results)
                    .filteredOn(r -> r == CodeCheck.ABSENT)
                    .as("every verification after the one that matched must find the challenge consumed (ABSENT)")
                    .hasSize(THREADS - 1);
        }
    }

    @Test
    public void wrongGuessesAreAllCountedUnderConcurrency() {
        for (int round = 0; round < concurrencyRounds(); round++) {
            String key = newKey();
            String hash = newHash();
            otpStore().saveChallenge(challenge(key, hash, 5));

            List<CodeCheck> results =
                    ConcurrentRunner.runConcurrently(THREADS, i -> otpStore().verify(key, newHash(), at(1)));

            assertThat(results)
                    .filteredOn(r -> r == CodeCheck.MISMATCHED)
                    .as(
                            "%d concurrent wrong guesses with 5 attempts allowed must be MISMATCHED exactly 5 times",
                            THREADS)
                    .hasSize(5);
            assertThat(results)
                    .filteredOn(r -> r == CodeCheck.LOCKED)
                    .as("every concurrent wrong guess past the attempt limit must be LOCKED")
                    .hasSize(THREADS - 5);
            assertThat(otpStore().verify(key, hash, at(2)))
                    .as("the right code after the limit was used up concurrently must be LOCKED")
                    .isEqualTo(CodeCheck.LOCKED);
            assertThat(otpStore().findChallenge(key, at(3)))
                    .as("a challenge locked by concurrent guesses must stay")
                    .hasValueSatisfying(c -> assertThat(c.attempts())
                            .as("concurrent wrong guesses must count exactly up to the maximum")
                            .isEqualTo(5));
        }
    }

    @Test
    public void pingSucceeds() {
        otpStore().ping();
    }

    private static OtpChallenge challenge(String key, String hash, int maxAttempts) {
        return new OtpChallenge(key, hash, at(0), at(0).plus(LIFETIME), 0, maxAttempts);
    }

    private static Instant at(long seconds) {
        return BASE.plusSeconds(seconds);
    }

    private static String newKey() {
        return "contract:otp:" + UUID.randomUUID();
    }

    /** A random value shaped like the core's code hashes: 32 bytes, base64url without padding. */
    private static String newHash() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
