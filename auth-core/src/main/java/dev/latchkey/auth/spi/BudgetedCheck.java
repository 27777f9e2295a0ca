package dev.latchkey.auth.spi;

import java.util.Objects;

/**
 * Outcome of {@link OTPStore#verifyWithBudgets}.
 *
 * @param verdict what happened
 * @param clientFailures the client budget's counter: after the increment on {@link Verdict#MISMATCHED}, otherwise as
 *     it stood before the call (count 0, {@code resetAt = now}, when it had no live window)
 * @param addressFailures the address budget's counter, likewise; count 0 ({@code resetAt = now}) on {@link
 *     Verdict#CLIENT_BUDGET_SPENT}, where it is not read
 */
public record BudgetedCheck(Verdict verdict, Counter clientFailures, Counter addressFailures) {
    public BudgetedCheck {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(clientFailures, "clientFailures");
        Objects.requireNonNull(addressFailures, "addressFailures");
    }

    /** What a budgeted verification did. */
    public enum Verdict {
        /** The client's budget was spent: nothing was compared, counted or reset. */
        CLIENT_BUDGET_SPENT,
        /**
         * The address's backstop was spent and the challenge had been guessed at before: nothing was compared,
         * counted or reset.
         */
        BACKSTOP_REFUSED,
        /** The code matched and the challenge is consumed; the budgets that were non-empty are reset. */
        MATCHED,
        /** The code did not match; the challenge's attempt and both budgets were counted. */
        MISMATCHED,
        /** The challenge had used up its attempts; nothing was counted. */
        LOCKED,
        /** There was no live challenge; nothing was counted. */
        ABSENT
    }
}
