package dev.latchkey.auth.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.spi.CodeCheck;
import dev.latchkey.auth.spi.Counter;
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
 *     private static final OTPStore STORE = new RedisOTPStore(sharedJedisPool());
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
 * {@link CodeCheck#MATCHED}, 50 concurrent wrong guesses must all be counted, 50 concurrent increments of one
 * counter must all land. A store that reads a challenge and deletes or updates it in a second step fails them.
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

        assertThat(otpStore().findChallenge(challenge.key(), at(1))).contains(challenge);
    }

    @Test
    public void findOfUnknownKeyIsEmpty() {
        assertThat(otpStore().findChallenge(newKey(), at(1))).isEmpty();
    }

    @Test
    public void findOfExpiredChallengeIsEmpty() {
        OtpChallenge challenge = challenge(newKey(), newHash(), 5);
        otpStore().saveChallenge(challenge);

        assertThat(otpStore().findChallenge(challenge.key(), challenge.expiresAt()))
                .isEmpty();
        assertThat(otpStore()
                        .findChallenge(challenge.key(), challenge.expiresAt().plusSeconds(60)))
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

        assertThat(otpStore().findChallenge(key, at(11))).contains(replacement);
        assertThat(otpStore().verify(key, oldHash, at(11))).isEqualTo(CodeCheck.MISMATCHED);
        assertThat(otpStore().verify(key, newHash, at(12))).isEqualTo(CodeCheck.MATCHED);
    }

    @Test
    public void verifyMatchesOnceThenTheChallengeIsConsumed() {
        String key = newKey();
        String hash = newHash();
        otpStore().saveChallenge(challenge(key, hash, 5));

        assertThat(otpStore().verify(key, hash, at(1))).isEqualTo(CodeCheck.MATCHED);
        assertThat(otpStore().verify(key, hash, at(2))).isEqualTo(CodeCheck.ABSENT);
        assertThat(otpStore().findChallenge(key, at(3))).isEmpty();
    }

    @Test
    public void verifyMatchesJustBeforeExpiry() {
        String key = newKey();
        String hash = newHash();
        OtpChallenge challenge = challenge(key, hash, 5);
        otpStore().saveChallenge(challenge);

        assertThat(otpStore().verify(key, hash, challenge.expiresAt().minusSeconds(1)))
                .isEqualTo(CodeCheck.MATCHED);
    }

    @Test
    public void verifyMismatchCountsTheAttempt() {
        String key = newKey();
        String hash = newHash();
        otpStore().saveChallenge(challenge(key, hash, 5));

        assertThat(otpStore().verify(key, newHash(), at(1))).isEqualTo(CodeCheck.MISMATCHED);
        assertThat(otpStore().verify(key, newHash(), at(2))).isEqualTo(CodeCheck.MISMATCHED);

        assertThat(otpStore().findChallenge(key, at(3)))
                .hasValueSatisfying(c -> assertThat(c.attempts()).isEqualTo(2));
        assertThat(otpStore().verify(key, hash, at(4))).isEqualTo(CodeCheck.MATCHED);
    }

    @Test
    public void verifyLocksAfterMaxAttemptsAndTheRightCodeNoLongerMatches() {
        String key = newKey();
        String hash = newHash();
        otpStore().saveChallenge(challenge(key, hash, 3));

        for (int i = 0; i < 3; i++) {
            assertThat(otpStore().verify(key, newHash(), at(1 + i))).isEqualTo(CodeCheck.MISMATCHED);
        }

        assertThat(otpStore().verify(key, newHash(), at(10))).isEqualTo(CodeCheck.LOCKED);
        assertThat(otpStore().verify(key, hash, at(11))).isEqualTo(CodeCheck.LOCKED);
        assertThat(otpStore().findChallenge(key, at(12)))
                .hasValueSatisfying(c -> assertThat(c.attempts()).isEqualTo(3));
    }

    @Test
    public void verifyHonoursTheAttemptsAlreadyRecordedInTheChallenge() {
        String key = newKey();
        String hash = newHash();
        otpStore().saveChallenge(new OtpChallenge(key, hash, at(0), at(0).plus(LIFETIME), 1, 2));

        assertThat(otpStore().verify(key, newHash(), at(1))).isEqualTo(CodeCheck.MISMATCHED);
        assertThat(otpStore().verify(key, hash, at(2))).isEqualTo(CodeCheck.LOCKED);
    }

    @Test
    public void verifyOfExpiredChallengeIsAbsent() {
        String key = newKey();
        String hash = newHash();
        OtpChallenge challenge = challenge(key, hash, 5);
        otpStore().saveChallenge(challenge);

        assertThat(otpStore().verify(key, hash, challenge.expiresAt())).isEqualTo(CodeCheck.ABSENT);
        assertThat(otpStore().verify(key, hash, challenge.expiresAt().plusSeconds(3600)))
                .isEqualTo(CodeCheck.ABSENT);
    }

    @Test
    public void verifyOfUnknownKeyIsAbsent() {
        assertThat(otpStore().verify(newKey(), newHash(), at(1))).isEqualTo(CodeCheck.ABSENT);
    }

    @Test
    public void challengesOfDifferentKeysAreIndependent() {
        String first = newKey();
        String second = newKey();
        String hash = newHash();
        otpStore().saveChallenge(challenge(first, hash, 5));
        otpStore().saveChallenge(challenge(second, hash, 5));

        assertThat(otpStore().verify(first, hash, at(1))).isEqualTo(CodeCheck.MATCHED);
        assertThat(otpStore().verify(second, hash, at(1))).isEqualTo(CodeCheck.MATCHED);
    }

    @Test
    public void deleteRemovesTheChallenge() {
        String key = newKey();
        String hash = newHash();
        otpStore().saveChallenge(challenge(key, hash, 5));

        otpStore().deleteChallenge(key);

        assertThat(otpStore().findChallenge(key, at(1))).isEmpty();
        assertThat(otpStore().verify(key, hash, at(1))).isEqualTo(CodeCheck.ABSENT);
    }

    @Test
    public void deleteOfUnknownKeyDoesNothing() {
        String key = newKey();

        otpStore().deleteChallenge(key);

        assertThat(otpStore().findChallenge(key, at(1))).isEmpty();
    }

    @Test
    public void incrementStartsAWindowAtOne() {
        Counter counter = otpStore().increment(newKey(), Duration.ofMinutes(10), at(5));

        assertThat(counter).isEqualTo(new Counter(1, at(5).plus(Duration.ofMinutes(10))));
    }

    @Test
    public void incrementWithinTheWindowGrowsAndKeepsTheWindow() {
        String key = newKey();
        Duration window = Duration.ofHours(1);
        otpStore().increment(key, window, at(0));
        otpStore().increment(key, window, at(60));

        Counter third = otpStore().increment(key, window, at(3599));

        assertThat(third).isEqualTo(new Counter(3, at(0).plus(window)));
    }

    @Test
    public void incrementAfterTheWindowStartsANewOne() {
        String key = newKey();
        Duration window = Duration.ofMinutes(1);
        otpStore().increment(key, window, at(0));
        otpStore().increment(key, window, at(30));

        Counter atReset = otpStore().increment(key, window, at(60));
        Counter later = otpStore().increment(key, window, at(500));

        assertThat(atReset).isEqualTo(new Counter(1, at(120)));
        assertThat(later).isEqualTo(new Counter(1, at(560)));
    }

    @Test
    public void peekDoesNotChangeTheCounter() {
        String key = newKey();
        Duration window = Duration.ofMinutes(10);
        otpStore().increment(key, window, at(0));
        otpStore().increment(key, window, at(1));

        assertThat(otpStore().peek(key, at(2))).isEqualTo(new Counter(2, at(0).plus(window)));
        assertThat(otpStore().peek(key, at(3))).isEqualTo(new Counter(2, at(0).plus(window)));
        assertThat(otpStore().increment(key, window, at(4)).count()).isEqualTo(3);
    }

    @Test
    public void peekOfUnknownOrExpiredCounterIsZero() {
        String key = newKey();

        assertThat(otpStore().peek(key, at(0)).count()).isZero();

        otpStore().increment(key, Duration.ofMinutes(1), at(0));
        assertThat(otpStore().peek(key, at(60)).count()).isZero();
    }

    @Test
    public void countersOfDifferentKeysAreIndependent() {
        String first = newKey();
        String second = newKey();
        otpStore().increment(first, Duration.ofMinutes(1), at(0));
        otpStore().increment(first, Duration.ofMinutes(1), at(0));

        assertThat(otpStore().increment(second, Duration.ofMinutes(1), at(0)).count())
                .isEqualTo(1);
    }

    @Test
    public void countersAndChallengesMayShareAKey() {
        String key = newKey();
        String hash = newHash();
        otpStore().saveChallenge(challenge(key, hash, 5));

        assertThat(otpStore().increment(key, Duration.ofMinutes(1), at(1)).count())
                .isEqualTo(1);
        assertThat(otpStore().verify(key, hash, at(2))).isEqualTo(CodeCheck.MATCHED);
        assertThat(otpStore().peek(key, at(3)).count()).isEqualTo(1);
    }

    @Test
    public void purgeExpiredKeepsLiveEntries() {
        String liveKey = newKey();
        String liveHash = newHash();
        String deadKey = newKey();
        String liveCounter = newKey();
        String deadCounter = newKey();
        otpStore().saveChallenge(new OtpChallenge(liveKey, liveHash, at(0), at(3600), 0, 5));
        otpStore().saveChallenge(new OtpChallenge(deadKey, newHash(), at(0), at(60), 0, 5));
        otpStore().increment(liveCounter, Duration.ofHours(1), at(0));
        otpStore().increment(deadCounter, Duration.ofMinutes(1), at(0));

        int purged = otpStore().purgeExpired(at(120));

        assertThat(purged).isNotNegative();
        assertThat(otpStore().findChallenge(deadKey, at(120))).isEmpty();
        assertThat(otpStore().peek(deadCounter, at(120)).count()).isZero();
        assertThat(otpStore().peek(liveCounter, at(120)).count()).isEqualTo(1);
        assertThat(otpStore().verify(liveKey, liveHash, at(120))).isEqualTo(CodeCheck.MATCHED);
    }

    @Test
    public void verifyMatchesAtMostOnceUnderConcurrency() {
        for (int round = 0; round < concurrencyRounds(); round++) {
            String key = newKey();
            String hash = newHash();
            otpStore().saveChallenge(challenge(key, hash, 5));

            List<CodeCheck> results =
                    ConcurrentRunner.runConcurrently(THREADS, i -> otpStore().verify(key, hash, at(1)));

            assertThat(results).filteredOn(r -> r == CodeCheck.MATCHED).hasSize(1);
            assertThat(results).filteredOn(r -> r == CodeCheck.ABSENT).hasSize(THREADS - 1);
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

            assertThat(results).filteredOn(r -> r == CodeCheck.MISMATCHED).hasSize(5);
            assertThat(results).filteredOn(r -> r == CodeCheck.LOCKED).hasSize(THREADS - 5);
            assertThat(otpStore().verify(key, hash, at(2))).isEqualTo(CodeCheck.LOCKED);
            assertThat(otpStore().findChallenge(key, at(3)))
                    .hasValueSatisfying(c -> assertThat(c.attempts()).isEqualTo(5));
        }
    }

    @Test
    public void incrementCountsEveryHitUnderConcurrency() {
        for (int round = 0; round < concurrencyRounds(); round++) {
            String key = newKey();
            Duration window = Duration.ofMinutes(10);

            List<Counter> results =
                    ConcurrentRunner.runConcurrently(THREADS, i -> otpStore().increment(key, window, at(1)));

            assertThat(results).extracting(Counter::count).containsExactlyInAnyOrder(oneTo(THREADS));
            assertThat(results).extracting(Counter::resetAt).containsOnly(at(1).plus(window));
            assertThat(otpStore().peek(key, at(2))).isEqualTo(new Counter(THREADS, at(1).plus(window)));
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

    private static Long[] oneTo(int n) {
        Long[] values = new Long[n];
        for (int i = 0; i < n; i++) {
            values[i] = (long) i + 1;
        }
        return values;
    }
}
