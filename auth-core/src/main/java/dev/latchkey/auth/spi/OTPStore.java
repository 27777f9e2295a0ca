package dev.latchkey.auth.spi;

import java.time.Instant;
import java.util.List;
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
 * <p>{@link #issueChallenge} and {@link #verifyWithBudgets} are the two steps of a login, each composed of the
 * primitives above and of a {@link RateLimitStore}'s; their default implementations ARE the reference semantics. A
 * store may override them to fuse the steps into one round trip when the counters are its own sibling store (same
 * server, same key space), and must call the default otherwise. Overrides are held to the defaults by {@code
 * dev.latchkey.auth.testkit.LoginStepsContract}.
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

    /**
     * Counts the send throttles in order and, unless one refuses, reads the delivery budget and saves the challenge.
     * The reference semantics, which this default implements with the primitives:
     *
     * <ol>
     *   <li>each throttle in order: {@link RateLimitStore#increment}; the first whose count exceeds its maximum
     *       ends the call with {@link ChallengeIssue#refused}: the throttles after it are not counted and no
     *       challenge is saved (a refused request spends nothing later in the list);
     *   <li>{@link RateLimitStore#peek} of {@code deliveryBudgetKey};
     *   <li>{@link #saveChallenge}, then {@link ChallengeIssue#issued} with the peeked counter.
     * </ol>
     *
     * An override may do all of it in one atomic step (which is at least as strong); it must give the same outcome
     * and leave the same counters and challenge for every input.
     *
     * @param counters the facade's rate-limit store (never a wrapper the core added, so a store can recognise its
     *     sibling)
     * @param throttlesInOrder the throttles, cheapest to refuse first
     * @param deliveryBudgetKey the counter that decides whether the code is worth delivering
     * @param challenge the challenge to save
     * @param now the time of the request
     */
    default ChallengeIssue issueChallenge(
            RateLimitStore counters,
            List<Throttle> throttlesInOrder,
            String deliveryBudgetKey,
            OtpChallenge challenge,
            Instant now) {
        for (Throttle throttle : throttlesInOrder) {
            Counter counter = counters.increment(throttle.key(), throttle.window(), now);
            if (counter.count() > throttle.max()) {
                return ChallengeIssue.refused(throttle, counter);
            }
        }
        Counter deliveryBudget = counters.peek(deliveryBudgetKey, now);
        saveChallenge(challenge);
        return ChallengeIssue.issued(deliveryBudget);
    }

    /**
     * Checks a presented code within two failure budgets. The reference semantics, which this default implements
     * with the primitives:
     *
     * <ol>
     *   <li>{@link RateLimitStore#peek} of the client budget; if its count is at least its maximum: {@link
     *       BudgetedCheck.Verdict#CLIENT_BUDGET_SPENT} (NIST SP 800-63B-4 §3.2.2: a client that keeps guessing waits);
     *   <li>{@link RateLimitStore#peek} of the address budget; if its count is at least its maximum and the live
     *       challenge has {@code attempts > 0}: {@link BudgetedCheck.Verdict#BACKSTOP_REFUSED} (past the backstop
     *       every challenge allows one attempt only);
     *   <li>{@link #verify}; on {@link CodeCheck#MISMATCHED} both budgets are incremented (client first) and returned
     *       after the hit; on {@link CodeCheck#MATCHED} each budget whose peeked count was above 0 is reset (the ones
     *       seen empty are left alone); {@link CodeCheck#LOCKED} and {@link CodeCheck#ABSENT} change nothing else.
     * </ol>
     *
     * An override may do all of it in one atomic step (at least as strong: its budget checks cannot race with the
     * guesses they limit); it must give the same verdicts, counters and stored state for every sequential input.
     *
     * @param counters the facade's rate-limit store (never a wrapper the core added)
     * @param plan the challenge, the presented hash and the two budgets
     * @param now the time of the request
     */
    default BudgetedCheck verifyWithBudgets(RateLimitStore counters, BudgetedVerification plan, Instant now) {
        Counter client = counters.peek(plan.client().key(), now);
        if (client.count() >= plan.client().max()) {
            return new BudgetedCheck(BudgetedCheck.Verdict.CLIENT_BUDGET_SPENT, client, new Counter(0, now));
        }
        Counter address = counters.peek(plan.address().key(), now);
        if (address.count() >= plan.address().max()
                && findChallenge(plan.challengeKey(), now)
                        .map(challenge -> challenge.attempts() > 0)
                        .orElse(false)) {
            return new BudgetedCheck(BudgetedCheck.Verdict.BACKSTOP_REFUSED, client, address);
        }
        CodeCheck check = verify(plan.challengeKey(), plan.codeHash(), now);
        switch (check) {
            case MISMATCHED:
                Counter clientAfter =
                        counters.increment(plan.client().key(), plan.client().window(), now);
                Counter addressAfter =
                        counters.increment(plan.address().key(), plan.address().window(), now);
                return new BudgetedCheck(BudgetedCheck.Verdict.MISMATCHED, clientAfter, addressAfter);
            case MATCHED:
                if (address.count() > 0) {
                    counters.reset(plan.address().key());
                }
                if (client.count() > 0) {
                    counters.reset(plan.client().key());
                }
                return new BudgetedCheck(BudgetedCheck.Verdict.MATCHED, client, address);
            case LOCKED:
                return new BudgetedCheck(BudgetedCheck.Verdict.LOCKED, client, address);
            default:
                return new BudgetedCheck(BudgetedCheck.Verdict.ABSENT, client, address);
        }
    }

    /** Removes the key's challenge, if any. */
    void deleteChallenge(String key);

    /** Removes expired challenges; returns how many. Stores with native expiry may return 0. */
    default int purgeExpired(Instant now) {
        return 0;
    }
}
