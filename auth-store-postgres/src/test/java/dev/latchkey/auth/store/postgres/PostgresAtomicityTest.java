package dev.latchkey.auth.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.spi.CodeCheck;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.OtpChallenge;
import dev.latchkey.auth.spi.UpsertResult;
import dev.latchkey.auth.testkit.ConcurrentRunner;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Races specific to how the PostgreSQL stores are written, beyond the testkit's: several rounds each, because a
 * lost race shows up only in some interleavings.
 */
class PostgresAtomicityTest {
    private static final String SCHEMA = TestPostgres.uniqueSchema("race");
    private static final PostgresStores STORES = PostgresStores.builder()
            .dataSource(TestPostgres.sharedDataSource())
            .schema(SCHEMA)
            .build();
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final int THREADS = 16;
    private static final int ROUNDS = 10;

    @AfterAll
    static void dropSchema() {
        TestPostgres.dropSchema(SCHEMA);
    }

    /**
     * Every thread's draft carries the same email AND the same mobile. The insert may trip over the mobile index
     * (not the ON CONFLICT arbiter) before the email index; the store must still answer with the one user created,
     * never with CONFLICT.
     */
    @Test
    void concurrentUpsertsSharingEmailAndMobileAllReturnTheOneUserCreated() {
        for (int round = 0; round < ROUNDS; round++) {
            String tenant = "tenant-" + UUID.randomUUID();
            String email = "race-" + round + "@example.com";
            String mobile = "+4479111234" + String.format("%02d", round);

            List<UpsertResult> results = ConcurrentRunner.runConcurrently(THREADS, i -> STORES.users()
                    .upsert(new NewUser(UUID.randomUUID(), tenant, email, mobile, null, "member", Set.of()), NOW));

            assertThat(results).filteredOn(UpsertResult::created).hasSize(1);
            UUID winner = results.stream()
                    .filter(UpsertResult::created)
                    .findFirst()
                    .orElseThrow()
                    .user()
                    .id();
            assertThat(results).allSatisfy(r -> assertThat(r.user().id()).isEqualTo(winner));
        }
    }

    /** Right and wrong codes racing on one challenge: one match at most, and every wrong one counted before it. */
    @Test
    void mixedRightAndWrongGuessesRacingOnOneChallengeStayConsistent() {
        for (int round = 0; round < ROUNDS; round++) {
            String key = "race-" + UUID.randomUUID();
            STORES.otp().saveChallenge(new OtpChallenge(key, "right", NOW, NOW.plusSeconds(300), 0, THREADS));

            List<CodeCheck> checks = ConcurrentRunner.runConcurrently(
                    THREADS, i -> STORES.otp().verify(key, i % 2 == 0 ? "right" : "wrong-" + i, NOW));

            assertThat(checks).filteredOn(c -> c == CodeCheck.MATCHED).hasSize(1);
            assertThat(checks).doesNotContain(CodeCheck.LOCKED);
            assertThat(STORES.otp().findChallenge(key, NOW)).isEmpty();
        }
    }
}
