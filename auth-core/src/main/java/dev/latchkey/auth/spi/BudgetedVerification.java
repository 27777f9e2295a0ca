package dev.latchkey.auth.spi;

import java.util.Objects;

/**
 * What {@link OTPStore#verifyWithBudgets} checks: a presented code hash against a challenge, within two failure
 * budgets the core chose.
 *
 * @param challengeKey the challenge's key
 * @param codeHash keyed hash of the presented code
 * @param client the budget of this client for this address: once spent, nothing is compared
 * @param address the address's backstop: once spent, a challenge that was already guessed at is refused
 */
public record BudgetedVerification(String challengeKey, String codeHash, Budget client, Budget address) {
    public BudgetedVerification {
        Objects.requireNonNull(challengeKey, "challengeKey");
        Objects.requireNonNull(codeHash, "codeHash");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(address, "address");
    }

    @Override
    public String toString() {
        // The code hash stays out of logs, like the code itself.
        return "BudgetedVerification[challengeKey=" + challengeKey + ", client=" + client + ", address=" + address
                + "]";
    }
}
