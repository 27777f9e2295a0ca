package dev.latchkey.auth.store.redis;

import static dev.latchkey.auth.store.redis.TestData.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.spi.Budget;
import dev.latchkey.auth.spi.BudgetedCheck;
import dev.latchkey.auth.spi.BudgetedVerification;
import dev.latchkey.auth.spi.ChallengeIssue;
import dev.latchkey.auth.spi.Throttle;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The login steps of the OTP store with counters that are not its sibling's (another client, another database), or
 * that a Cluster keeps in other slots: the budgets and throttles must be counted in the store the caller passed.
 */
class RedisOTPStoreForeignCountersTest {
    private static final String PREFIX = RedisTestServers.uniquePrefix(RedisOTPStoreForeignCountersTest.class);
    private static final Duration WINDOW = Duration.ofMinutes(15);

    @AfterAll
    static void removeTestKeys() {
        RedisTestServers.deleteKeys(RedisTestServers.standalone(), PREFIX);
        try (RedisClient secondDatabase = secondDatabase()) {
            RedisTestServers.deleteKeys(secondDatabase, PREFIX);
        }
        RedisTestServers.deleteClusterKeys(RedisTestServers.cluster(), PREFIX);
    }

    @Test
    void budgetsOfCountersInAnotherDatabaseAreCountedThereAndResetOnAMatch() {
        RedisOTPStore otp = new RedisOTPStore(RedisTestServers.standalone(), PREFIX);
        try (RedisClient secondDatabase = secondDatabase()) {
            RedisRateLimitStore counters = new RedisRateLimitStore(secondDatabase, PREFIX);
            assertBudgetsCountedIn(otp, counters);
        }
    }

    @Test
    void throttlesOfCountersInAnotherDatabaseAreCountedThere() {
        RedisOTPStore otp = new RedisOTPStore(RedisTestServers.standalone(), PREFIX);
        try (RedisClient secondDatabase = secondDatabase()) {
            RedisRateLimitStore counters = new RedisRateLimitStore(secondDatabase, PREFIX);
            assertThrottlesCountedIn(otp, counters);
        }
    }

    @Test
    void onAClusterLoginStepsWhoseKeysSpanSlotsStillWorkStepByStep() {
        UnifiedJedis cluster = RedisTestServers.cluster();
        RedisOTPStore otp = new RedisOTPStore(cluster, PREFIX);
        RedisRateLimitStore counters = new RedisRateLimitStore(cluster, PREFIX);
        assertThrottlesCountedIn(otp, counters);
        assertBudgetsCountedIn(otp, counters);
    }

    @Test
    void theDeprecatedJedisClusterClientIsRecognisedAsACluster() {
        UnifiedJedis legacyCluster = RedisTestServers.legacy(true);
        RedisOTPStore otp = new RedisOTPStore(legacyCluster, PREFIX);
        RedisRateLimitStore counters = new RedisRateLimitStore(legacyCluster, PREFIX);
        assertThrottlesCountedIn(otp, counters);
        assertBudgetsCountedIn(otp, counters);
    }

    private static void assertBudgetsCountedIn(RedisOTPStore otp, RedisRateLimitStore counters) {
        String key = TestData.newKey();
        String hash = TestData.randomToken();
        otp.saveChallenge(TestData.challenge(key, hash));
        Budget client = new Budget("client:" + UUID.randomUUID(), 5, WINDOW);
        Budget address = new Budget("address:" + UUID.randomUUID(), 10, WINDOW);
        Instant now = at(1);

        BudgetedCheck wrong = otp.verifyWithBudgets(
                counters, new BudgetedVerification(key, TestData.randomToken(), client, address), now);

        assertThat(wrong.verdict()).isEqualTo(BudgetedCheck.Verdict.MISMATCHED);
        assertThat(wrong.clientFailures().count()).isEqualTo(1);
        assertThat(wrong.addressFailures().count()).isEqualTo(1);
        assertThat(counters.peek(client.key(), now).count()).isEqualTo(1);
        assertThat(counters.peek(address.key(), now).count()).isEqualTo(1);

        BudgetedCheck right =
                otp.verifyWithBudgets(counters, new BudgetedVerification(key, hash, client, address), at(2));

        assertThat(right.verdict()).isEqualTo(BudgetedCheck.Verdict.MATCHED);
        assertThat(counters.peek(client.key(), at(2)).count()).isZero();
        assertThat(counters.peek(address.key(), at(2)).count()).isZero();
        assertThat(otp.findChallenge(key, at(2))).as("consumed").isEmpty();
    }

    private static void assertThrottlesCountedIn(RedisOTPStore otp, RedisRateLimitStore counters) {
        Throttle throttle = new Throttle("per-address", "throttle:" + UUID.randomUUID(), 1, WINDOW);
        String deliveryBudget = "delivery:" + UUID.randomUUID();
        String first = TestData.newKey();
        String second = TestData.newKey();

        ChallengeIssue issued = otp.issueChallenge(
                counters, List.of(throttle), deliveryBudget, TestData.challenge(first, TestData.randomToken()), at(1));
        ChallengeIssue refused = otp.issueChallenge(
                counters, List.of(throttle), deliveryBudget, TestData.challenge(second, TestData.randomToken()), at(2));

        assertThat(issued.refusedBy()).isEmpty();
        assertThat(otp.findChallenge(first, at(1))).isPresent();
        assertThat(refused.refusedBy()).contains(throttle);
        assertThat(refused.counter().count()).isEqualTo(2);
        assertThat(otp.findChallenge(second, at(2)))
                .as("nothing saved once refused")
                .isEmpty();
        assertThat(counters.peek(throttle.key(), at(2)).count()).isEqualTo(2);
    }

    private static RedisClient secondDatabase() {
        return RedisClients.fromUrl(RedisTestServers.standaloneUrl() + "/1");
    }
}
