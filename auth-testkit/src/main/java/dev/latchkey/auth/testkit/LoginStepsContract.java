package dev.latchkey.auth.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.spi.Budget;
import dev.latchkey.auth.spi.BudgetedCheck;
import dev.latchkey.auth.spi.BudgetedCheck.Verdict;
import dev.latchkey.auth.spi.BudgetedVerification;
import dev.latchkey.auth.spi.ChallengeIssue;
import dev.latchkey.auth.spi.CodeCheck;
import dev.latchkey.auth.spi.Counter;
import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.OtpChallenge;
import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.spi.Throttle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The contract of the two login steps, {@link OTPStore#issueChallenge} and {@link OTPStore#verifyWithBudgets}, for an
 * OTP store together with the rate-limit store it is deployed with (its sibling, which a store may recognise to fuse
 * the steps into one round trip). Extend it from a test class of your store module:
 *
 * <pre>{@code
 * class RedisLoginStepsTest extends LoginStepsContract {
 *     protected OTPStore otpStore() { return STORES.otp(); }
 *     protected RateLimitStore rateLimitStore() { return STORES.rateLimits(); }
 * }
 * }</pre>
 *
 * <p>The default methods of {@link OTPStore} are the reference semantics. Every scenario here runs twice on fresh
 * keys: once through the store's own methods with its sibling counters, once through the SPI defaults composed of the
 * same store's primitives. Both runs must give the same outcomes, leave the same counters and challenges, and meet
 * the explicit expectations written next to them (refusal order, nothing spent after a refusal, the backstop's
 * one-attempt rule, budgets reset on a match). The concurrency cases hold the fused steps to the primitives'
 * guarantees: a code matches at most once, and every wrong guess is counted, on the challenge and on both budgets.
 *
 * <p>Instants are a base in 2030 plus whole seconds, never the system clock.
 */
public abstract class LoginStepsContract {
    private static final Instant BASE = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration HOUR = Duration.ofHours(1);
    private static final int THREADS = 50;
    /** Default for {@link #concurrencyRounds()}. */
    protected static final int DEFAULT_CONCURRENCY_ROUNDS = 5;

    /** The OTP store under test. */
    protected abstract OTPStore otpStore();

    /** The rate-limit store deployed with it (for a store bundle: the bundle's). */
    protected abstract RateLimitStore rateLimitStore();

    /** How many times each concurrency case runs, each time on fresh keys. */
    protected int concurrencyRounds() {
        return DEFAULT_CONCURRENCY_ROUNDS;
    }

    // ---------------------------------------------------------------- issueChallenge

    @Test
    public void issueCountsThrottlesInOrderAndStopsAtTheFirstRefusal() {
        List<List<Object>> fused = issueScenario(fused());
        List<List<Object>> reference = issueScenario(reference());

        assertThat(fused)
                .as("the store's issueChallenge must behave as the SPI default")
                .isEqualTo(reference);
        assertThat(reference)
                .as("outcomes: cooldown (max 1) refuses the second send within its window, uncounted further on;"
                        + " after it ends, the destination cap (max 2) refuses the fourth, which spends nothing on the"
                        + " address backstop after it; nothing refused is saved and the delivery budget is untouched")
                .containsExactly(
                        List.of("issued", 0L, true),
                        List.of("refused", "cooldown", 2L, at(60), false),
                        List.of("issued", 0L, true),
                        List.of("refused", "destination", 3L, at(3600), false),
                        List.of("counters", 1L, 3L, 2L, 0L));
    }

    @Test
    public void issueReportsTheDeliveryBudgetAndReadsItWithoutCounting() {
        for (Steps steps : List.of(fused(), reference())) {
            String ns = newNamespace();
            rateLimitStore().increment(ns + "vc", HOUR, at(0));
            rateLimitStore().increment(ns + "vc", HOUR, at(0));
            OtpChallenge challenge = challenge(ns + "ch", "hash-a", at(1), 5);

            ChallengeIssue issue = steps.issue(List.of(throttle("destination", ns + "sd", 5)), ns + "vc", challenge, 1);

            assertThat(issue)
                    .as("an issued challenge reports the delivery budget as it stood")
                    .isEqualTo(ChallengeIssue.issued(new Counter(2, at(3600))));
            assertThat(rateLimitStore().peek(ns + "vc", at(1)).count())
                    .as("the delivery budget is read, not counted")
                    .isEqualTo(2);
            assertThat(otpStore().findChallenge(challenge.key(), at(1)))
                    .as("the challenge is saved")
                    .contains(challenge);
        }
    }

    @Test
    public void issueOfAnEmptyDeliveryBudgetReportsZeroAndReplacesAChallengeUnderTheSameKey() {
        for (Steps steps : List.of(fused(), reference())) {
            String ns = newNamespace();
            otpStore().saveChallenge(new OtpChallenge(ns + "ch", "old", at(0), at(300), 3, 5));
            OtpChallenge fresh = challenge(ns + "ch", "new", at(1), 5);

            ChallengeIssue issue = steps.issue(List.of(), ns + "vc", fresh, 1);

            assertThat(issue.isIssued()).as("no throttle, no refusal").isTrue();
            assertThat(issue.counter().count())
                    .as("an empty delivery budget counts 0")
                    .isZero();
            assertThat(otpStore().findChallenge(fresh.key(), at(1)))
                    .as("the new challenge replaces the old one, attempts and all")
                    .contains(fresh);
        }
    }

    @Test
    public void concurrentIssuesAreRefusedExactlyPastTheLimitAndLaterThrottlesCountOnlyTheIssued() {
        for (int round = 0; round < concurrencyRounds(); round++) {
            String ns = newNamespace();
            List<Throttle> throttles =
                    List.of(throttle("destination", ns + "sd", 5), throttle("global", ns + "sg", 1000));
            List<ChallengeIssue> issues = ConcurrentRunner.runConcurrently(THREADS, i -> otpStore()
                    .issueChallenge(
                            rateLimitStore(), throttles, ns + "vc", challenge(ns + "ch" + i, "hash", at(1), 5), at(1)));
            assertThat(issues.stream().filter(ChallengeIssue::isIssued).count())
                    .as("of %d concurrent sends under a limit of 5, exactly 5 are issued", THREADS)
                    .isEqualTo(5);
            assertThat(issues.stream()
                            .filter(issue -> !issue.isIssued())
                            .map(ChallengeIssue::counter)
                            .map(Counter::count)
                            .sorted()
                            .toList())
                    .as("each refusal reports its own count, 6..%d", THREADS)
                    .isEqualTo(range(6, THREADS));
            assertThat(rateLimitStore().peek(ns + "sg", at(1)).count())
                    .as("the throttle after the refusing one counted only the issued sends")
                    .isEqualTo(5);
        }
    }

    // ---------------------------------------------------------------- verifyWithBudgets

    @Test
    public void verifyCountsWrongGuessesOnBothBudgetsAndResetsThemOnAMatch() {
        List<List<Object>> fused = verifyScenario(fused());
        List<List<Object>> reference = verifyScenario(reference());

        assertThat(fused)
                .as("the store's verifyWithBudgets must behave as the SPI default")
                .isEqualTo(reference);
        assertThat(reference)
                .as("two wrong guesses count 1 and 2 on both budgets; the match consumes the challenge and resets both"
                        + " budgets; a second match finds nothing and counts nothing")
                .containsExactly(
                        List.of(Verdict.MISMATCHED, 1L, 1L),
                        List.of(Verdict.MISMATCHED, 2L, 2L),
                        List.of(Verdict.MATCHED, 2L, 2L),
                        List.of(Verdict.ABSENT, 0L, 0L),
                        List.of("after", 0L, 0L, false));
    }

    @Test
    public void verifyRefusesASpentClientBudgetWithoutComparingOrCounting() {
        for (Steps steps : List.of(fused(), reference())) {
            String ns = newNamespace();
            otpStore().saveChallenge(challenge(ns + "ch", "right", at(0), 5));
            for (int i = 0; i < 3; i++) {
                rateLimitStore().increment(ns + "vc", HOUR, at(0));
            }

            BudgetedCheck check = steps.verify(plan(ns, "right", 3, 10), 1);

            assertThat(check.verdict())
                    .as("a spent client budget refuses first")
                    .isEqualTo(Verdict.CLIENT_BUDGET_SPENT);
            assertThat(check.clientFailures())
                    .as("with the client budget's counter, for Retry-After")
                    .isEqualTo(new Counter(3, at(3600)));
            assertThat(otpStore().findChallenge(ns + "ch", at(1)).map(OtpChallenge::attempts))
                    .as("the challenge is neither consumed nor counted")
                    .contains(0);
            assertThat(rateLimitStore().peek(ns + "vf", at(1)).count())
                    .as("the address budget is not counted")
                    .isZero();
        }
    }

    @Test
    public void pastTheBackstopAChallengeAllowsOneAttemptOnly() {
        List<List<Object>> fused = backstopScenario(fused());
        List<List<Object>> reference = backstopScenario(reference());

        assertThat(fused)
                .as("the store's verifyWithBudgets must behave as the SPI default")
                .isEqualTo(reference);
        assertThat(reference)
                .as("past the address backstop: a fresh challenge's first (wrong) attempt is compared and counted, the"
                        + " next is refused uncounted even with the right code; the owner's fresh code matches at the"
                        + " first attempt and resets the budgets")
                .containsExactly(
                        List.of(Verdict.MISMATCHED, 1L, 3L),
                        List.of(Verdict.BACKSTOP_REFUSED, 1L, 3L),
                        List.of("attempts", 1),
                        List.of(Verdict.MATCHED, 0L, 3L),
                        List.of("after", 0L, 0L));
    }

    @Test
    public void verifyOfALockedOrAbsentChallengeCountsNothing() {
        for (Steps steps : List.of(fused(), reference())) {
            String ns = newNamespace();
            otpStore().saveChallenge(new OtpChallenge(ns + "ch", "right", at(0), at(300), 2, 2));

            BudgetedCheck locked = steps.verify(plan(ns, "right", 5, 10), 1);
            BudgetedCheck absent = steps.verify(
                    new BudgetedVerification(
                            ns + "none", "x", new Budget(ns + "vc", 5, HOUR), new Budget(ns + "vf", 10, HOUR)),
                    1);
            BudgetedCheck expired = steps.verify(plan(ns, "right", 5, 10), 300);

            assertThat(List.of(locked.verdict(), absent.verdict(), expired.verdict()))
                    .as("locked, unknown and expired challenges")
                    .containsExactly(Verdict.LOCKED, Verdict.ABSENT, Verdict.ABSENT);
            assertThat(List.of(
                            rateLimitStore().peek(ns + "vc", at(1)).count(),
                            rateLimitStore().peek(ns + "vf", at(1)).count()))
                    .as("nothing compared, nothing counted")
                    .containsExactly(0L, 0L);
        }
    }

    @Test
    public void concurrentVerificationsOfOneCodeMatchAtMostOnce() {
        for (int round = 0; round < concurrencyRounds(); round++) {
            String ns = newNamespace();
            otpStore().saveChallenge(challenge(ns + "ch", "right", at(0), 100));
            List<Verdict> verdicts = ConcurrentRunner.runConcurrently(THREADS, i -> otpStore()
                    .verifyWithBudgets(rateLimitStore(), plan(ns, "right", 1000, 1000), at(1))
                    .verdict());
            assertThat(verdicts.stream().filter(v -> v == Verdict.MATCHED).count())
                    .as("%d concurrent verifications of one code: exactly one match", THREADS)
                    .isEqualTo(1);
            assertThat(verdicts.stream()
                            .filter(v -> v != Verdict.MATCHED)
                            .distinct()
                            .toList())
                    .as("every other finds the challenge consumed")
                    .containsExactly(Verdict.ABSENT);
        }
    }

    @Test
    public void concurrentWrongGuessesAreAllCountedOnTheChallengeAndBothBudgets() {
        for (int round = 0; round < concurrencyRounds(); round++) {
            String ns = newNamespace();
            otpStore().saveChallenge(challenge(ns + "ch", "right", at(0), 1000));
            List<BudgetedCheck> checks = ConcurrentRunner.runConcurrently(THREADS, i -> otpStore()
                    .verifyWithBudgets(rateLimitStore(), plan(ns, "wrong" + i, 1000, 1000), at(1)));
            assertThat(checks.stream().map(BudgetedCheck::verdict).distinct().toList())
                    .as("every concurrent wrong guess is a mismatch")
                    .containsExactly(Verdict.MISMATCHED);
            assertThat(checks.stream()
                            .map(check -> check.clientFailures().count())
                            .sorted()
                            .toList())
                    .as("each guess sees its own client count, 1..%d", THREADS)
                    .isEqualTo(range(1, THREADS));
            assertThat(List.of(
                            otpStore()
                                    .findChallenge(ns + "ch", at(1))
                                    .orElseThrow()
                                    .attempts(),
                            rateLimitStore().peek(ns + "vc", at(1)).count(),
                            rateLimitStore().peek(ns + "vf", at(1)).count()))
                    .as("attempts on the challenge, client and address budgets after %d wrong guesses", THREADS)
                    .containsExactly(THREADS, (long) THREADS, (long) THREADS);
        }
    }

    @Test
    public void concurrentWrongGuessesNeverCompareMoreThanTheChallengeAllows() {
        for (int round = 0; round < concurrencyRounds(); round++) {
            String ns = newNamespace();
            otpStore().saveChallenge(challenge(ns + "ch", "right", at(0), 3));
            List<Verdict> verdicts = ConcurrentRunner.runConcurrently(THREADS, i -> otpStore()
                    .verifyWithBudgets(rateLimitStore(), plan(ns, "wrong" + i, 1000, 1000), at(1))
                    .verdict());
            assertThat(verdicts.stream().filter(v -> v == Verdict.MISMATCHED).count())
                    .as("a challenge allowing 3 attempts compares exactly 3 of %d concurrent guesses", THREADS)
                    .isEqualTo(3);
            assertThat(rateLimitStore().peek(ns + "vc", at(1)).count())
                    .as("only the compared guesses are counted")
                    .isEqualTo(3);
        }
    }

    // ---------------------------------------------------------------- scenarios, run through either implementation

    private List<List<Object>> issueScenario(Steps steps) {
        String ns = newNamespace();
        List<Throttle> throttles = List.of(
                new Throttle("cooldown", ns + "cd", 1, MINUTE),
                throttle("destination", ns + "sd", 2),
                throttle("address", ns + "sa", 10));
        List<List<Object>> outcomes = new ArrayList<>();
        long[] seconds = {0, 1, 61, 122};
        for (int i = 0; i < seconds.length; i++) {
            OtpChallenge challenge = challenge(ns + "ch" + i, "hash" + i, at(seconds[i]), 5);
            ChallengeIssue issue = steps.issue(throttles, ns + "vc", challenge, seconds[i]);
            boolean saved =
                    otpStore().findChallenge(challenge.key(), at(seconds[i])).isPresent();
            Optional<Throttle> refusedBy = issue.refusedBy();
            outcomes.add(
                    refusedBy.isPresent()
                            ? List.of(
                                    "refused",
                                    refusedBy.get().name(),
                                    issue.counter().count(),
                                    issue.counter().resetAt(),
                                    saved)
                            : List.of("issued", issue.counter().count(), saved));
        }
        Instant end = at(122);
        outcomes.add(List.of(
                "counters",
                rateLimitStore().peek(ns + "cd", end).count(),
                rateLimitStore().peek(ns + "sd", end).count(),
                rateLimitStore().peek(ns + "sa", end).count(),
                rateLimitStore().peek(ns + "vc", end).count()));
        return outcomes;
    }

    private List<List<Object>> verifyScenario(Steps steps) {
        String ns = newNamespace();
        otpStore().saveChallenge(challenge(ns + "ch", "right", at(0), 5));
        List<List<Object>> outcomes = new ArrayList<>();
        for (String hash : List.of("wrong1", "wrong2", "right", "right")) {
            BudgetedCheck check = steps.verify(plan(ns, hash, 5, 10), 1);
            outcomes.add(List.of(
                    check.verdict(),
                    check.clientFailures().count(),
                    check.addressFailures().count()));
        }
        outcomes.add(List.of(
                "after",
                rateLimitStore().peek(ns + "vc", at(1)).count(),
                rateLimitStore().peek(ns + "vf", at(1)).count(),
                otpStore().findChallenge(ns + "ch", at(1)).isPresent()));
        return outcomes;
    }

    private List<List<Object>> backstopScenario(Steps steps) {
        String ns = newNamespace();
        // The address backstop (max 3) is already spent, by guesses from elsewhere.
        for (int i = 0; i < 3; i++) {
            rateLimitStore().increment(ns + "vf", HOUR, at(0));
        }
        otpStore().saveChallenge(challenge(ns + "ch", "right", at(0), 5));
        List<List<Object>> outcomes = new ArrayList<>();
        BudgetedCheck first = steps.verify(plan(ns, "wrong", 5, 3), 1);
        outcomes.add(List.of(
                first.verdict(),
                first.clientFailures().count(),
                first.addressFailures().count() - 1));
        BudgetedCheck second = steps.verify(plan(ns, "right", 5, 3), 2);
        outcomes.add(List.of(
                second.verdict(),
                second.clientFailures().count(),
                second.addressFailures().count() - 1));
        outcomes.add(List.of(
                "attempts",
                otpStore().findChallenge(ns + "ch", at(2)).orElseThrow().attempts()));
        // The owner's fresh code (a new challenge id), never guessed at. A different client: its budget is empty.
        otpStore().saveChallenge(challenge(ns + "owner", "mine", at(3), 5));
        BudgetedCheck owner = steps.verify(
                new BudgetedVerification(
                        ns + "owner", "mine", new Budget(ns + "vc-owner", 5, HOUR), new Budget(ns + "vf", 3, HOUR)),
                4);
        outcomes.add(List.of(
                owner.verdict(),
                owner.clientFailures().count(),
                owner.addressFailures().count() - 1));
        outcomes.add(List.of(
                "after",
                rateLimitStore().peek(ns + "vc-owner", at(4)).count(),
                rateLimitStore().peek(ns + "vf", at(4)).count()));
        return outcomes;
    }

    /** One of the two implementations under comparison. */
    private interface Steps {
        ChallengeIssue issue(List<Throttle> throttles, String deliveryBudgetKey, OtpChallenge challenge, long second);

        BudgetedCheck verify(BudgetedVerification plan, long second);
    }

    /** The store's own methods, with its sibling counters: fused where the store can. */
    private Steps fused() {
        return new Steps() {
            @Override
            public ChallengeIssue issue(List<Throttle> throttles, String budget, OtpChallenge challenge, long second) {
                return otpStore().issueChallenge(rateLimitStore(), throttles, budget, challenge, at(second));
            }

            @Override
            public BudgetedCheck verify(BudgetedVerification plan, long second) {
                return otpStore().verifyWithBudgets(rateLimitStore(), plan, at(second));
            }
        };
    }

    /** The SPI defaults, composed of the same store's primitives. */
    private Steps reference() {
        OTPStore primitives = primitivesOnly(otpStore());
        RateLimitStore counters = rateLimitStore();
        return new Steps() {
            @Override
            public ChallengeIssue issue(List<Throttle> throttles, String budget, OtpChallenge challenge, long second) {
                return primitives.issueChallenge(counters, throttles, budget, challenge, at(second));
            }

            @Override
            public BudgetedCheck verify(BudgetedVerification plan, long second) {
                return primitives.verifyWithBudgets(counters, plan, at(second));
            }
        };
    }

    /** The store's primitives only, so the SPI's default login steps run on them. */
    private static OTPStore primitivesOnly(OTPStore store) {
        return new OTPStore() {
            @Override
            public void saveChallenge(OtpChallenge challenge) {
                store.saveChallenge(challenge);
            }

            @Override
            public Optional<OtpChallenge> findChallenge(String key, Instant now) {
                return store.findChallenge(key, now);
            }

            @Override
            public CodeCheck verify(String key, String codeHash, Instant now) {
                return store.verify(key, codeHash, now);
            }

            @Override
            public void deleteChallenge(String key) {
                store.deleteChallenge(key);
            }

            @Override
            public void ping() {
                store.ping();
            }
        };
    }

    private static BudgetedVerification plan(String ns, String hash, long clientMax, long addressMax) {
        return new BudgetedVerification(
                ns + "ch", hash, new Budget(ns + "vc", clientMax, HOUR), new Budget(ns + "vf", addressMax, HOUR));
    }

    private static Throttle throttle(String name, String key, long max) {
        return new Throttle(name, key, max, HOUR);
    }

    private static OtpChallenge challenge(String key, String hash, Instant createdAt, int maxAttempts) {
        return new OtpChallenge(key, hash, createdAt, createdAt.plus(Duration.ofMinutes(5)), 0, maxAttempts);
    }

    private static List<Long> range(long from, long to) {
        List<Long> values = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            values.add(i);
        }
        return values;
    }

    /** Fresh keys for one run: every key of a scenario starts with it. */
    private static String newNamespace() {
        return "ls:" + UUID.randomUUID() + ":";
    }

    private static Instant at(long seconds) {
        return BASE.plusSeconds(seconds);
    }
}
