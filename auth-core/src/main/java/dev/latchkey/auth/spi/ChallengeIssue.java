package dev.latchkey.auth.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * Outcome of {@link OTPStore#issueChallenge}.
 *
 * @param refusedBy the first throttle whose count exceeded its maximum; empty when the challenge was saved
 * @param counter when refused, that throttle's counter after the hit (its {@code resetAt} is the Retry-After);
 *     otherwise the delivery budget's counter as it stood (count 0 when it has no live window)
 */
public record ChallengeIssue(Optional<Throttle> refusedBy, Counter counter) {
    public ChallengeIssue {
        Objects.requireNonNull(refusedBy, "refusedBy");
        Objects.requireNonNull(counter, "counter");
    }

    /** The challenge was saved; {@code deliveryBudget} is the peeked delivery budget. */
    public static ChallengeIssue issued(Counter deliveryBudget) {
        return new ChallengeIssue(Optional.empty(), deliveryBudget);
    }

    /** {@code throttle} refused; nothing after it was counted and no challenge was saved. */
    public static ChallengeIssue refused(Throttle throttle, Counter counter) {
        return new ChallengeIssue(Optional.of(throttle), counter);
    }

    /** {@code true} when the challenge was saved. */
    public boolean isIssued() {
        return refusedBy.isEmpty();
    }
}
