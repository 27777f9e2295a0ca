package dev.latchkey.auth.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.User;
import dev.latchkey.auth.spi.Budget;
import dev.latchkey.auth.spi.BudgetedCheck;
import dev.latchkey.auth.spi.BudgetedVerification;
import dev.latchkey.auth.spi.ChallengeIssue;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.OtpChallenge;
import dev.latchkey.auth.spi.SessionRecord;
import dev.latchkey.auth.spi.SessionWithUser;
import dev.latchkey.auth.spi.StoreUnavailableException;
import dev.latchkey.auth.spi.Throttle;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Stores of one bundle handed the stores of another (another schema, or the same tables through a second bundle): the
 * one-statement shortcuts are taken only when both reach the same tables, and otherwise the step-by-step defaults
 * read and write where each store lives. Also a session id used twice, and a session check on a server nobody
 * answers.
 */
class StoresAcrossBundlesTest {
    private static final String SCHEMA = TestPostgres.uniqueSchema("bundles_a");
    private static final String OTHER_SCHEMA = TestPostgres.uniqueSchema("bundles_b");
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final AtomicInteger BORROWS = new AtomicInteger();
    private static final DataSource COUNTING = counting(TestPostgres.sharedDataSource());
    private static final PostgresStores HERE =
            PostgresStores.builder().dataSource(COUNTING).schema(SCHEMA).build();
    private static final PostgresStores SAME_TABLES =
            PostgresStores.builder().dataSource(COUNTING).schema(SCHEMA).build();
    private static final PostgresStores ELSEWHERE =
            PostgresStores.builder().dataSource(COUNTING).schema(OTHER_SCHEMA).build();

    private final String tenant = "tenant-" + UUID.randomUUID();

    @AfterAll
    static void dropSchemas() {
        TestPostgres.dropSchema(SCHEMA);
        TestPostgres.dropSchema(OTHER_SCHEMA);
    }

    @Test
    void aSessionIdUsedTwiceIsAConflictAndTheFirstSessionIsKept() {
        SessionRecord first = session(UUID.randomUUID(), "hash-1");
        HERE.sessions().create(first);
        SessionRecord second = new SessionRecord(
                first.id(),
                tenant,
                UUID.randomUUID(),
                "hash-2",
                null,
                0,
                NOW,
                NOW,
                NOW.plusSeconds(60),
                NOW.plusSeconds(120));

        assertThatThrownBy(() -> HERE.sessions().create(second))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFLICT))
                .hasMessage("a session with this id already exists");
        assertThat(HERE.sessions().find(first.id())).contains(first);
    }

    @Test
    void aSessionCheckWithTheUsersOfAnotherSchemaReadsTheUserFromThere() {
        User user = ELSEWHERE.users().upsert(newUser(), NOW).user();
        SessionRecord session = session(user.id(), "hash");
        HERE.sessions().create(session);

        SessionWithUser found =
                HERE.sessions().findWithUser(session.id(), ELSEWHERE.users()).orElseThrow();

        assertThat(found.session()).isEqualTo(session);
        assertThat(found.user()).isEqualTo(user);
    }

    @Test
    void aSessionCheckWithTheUsersOfASecondBundleOnTheSameTablesTakesOneRoundTrip() {
        User user = SAME_TABLES.users().upsert(newUser(), NOW).user();
        SessionRecord session = session(user.id(), "hash");
        HERE.sessions().create(session);

        int before = BORROWS.get();
        SessionWithUser found =
                HERE.sessions().findWithUser(session.id(), SAME_TABLES.users()).orElseThrow();

        assertThat(BORROWS.get() - before).as("connections borrowed").isEqualTo(1);
        assertThat(found.session()).isEqualTo(session);
        assertThat(found.user()).isEqualTo(user);
    }

    @Test
    void issuingWithTheCountersOfAnotherSchemaCountsThereAndSavesTheChallengeHere() {
        String key = "otp-" + UUID.randomUUID();
        Throttle throttle = new Throttle("per-destination", "throttle-" + UUID.randomUUID(), 5, Duration.ofMinutes(10));
        OtpChallenge challenge = new OtpChallenge(key, "hash", NOW, NOW.plusSeconds(300), 0, 5);

        ChallengeIssue issue = HERE.otp()
                .issueChallenge(
                        ELSEWHERE.rateLimits(), List.of(throttle), "budget-" + UUID.randomUUID(), challenge, NOW);

        assertThat(issue.isIssued()).isTrue();
        assertThat(ELSEWHERE.rateLimits().peek(throttle.key(), NOW).count()).isEqualTo(1);
        assertThat(HERE.rateLimits().peek(throttle.key(), NOW).count()).isZero();
        assertThat(HERE.otp().findChallenge(key, NOW)).contains(challenge);
    }

    @Test
    void verifyingWithTheCountersOfAnotherSchemaCountsTheWrongGuessThere() {
        String key = "otp-" + UUID.randomUUID();
        HERE.otp().saveChallenge(new OtpChallenge(key, "right", NOW, NOW.plusSeconds(300), 0, 5));
        Budget client = new Budget("client-" + UUID.randomUUID(), 10, Duration.ofMinutes(10));
        Budget address = new Budget("address-" + UUID.randomUUID(), 100, Duration.ofMinutes(10));

        BudgetedCheck check = HERE.otp()
                .verifyWithBudgets(
                        ELSEWHERE.rateLimits(), new BudgetedVerification(key, "wrong", client, address), NOW);

        assertThat(check.verdict()).isEqualTo(BudgetedCheck.Verdict.MISMATCHED);
        assertThat(ELSEWHERE.rateLimits().peek(client.key(), NOW).count()).isEqualTo(1);
        assertThat(HERE.rateLimits().peek(client.key(), NOW).count()).isZero();
        assertThat(HERE.otp().findChallenge(key, NOW).orElseThrow().attempts()).isEqualTo(1);
    }

    @Test
    void aSessionCheckOnAServerNobodyAnswersFailsAsRefusedWithAnExceptionOfItsOwn() throws IOException {
        PGSimpleDataSource nobody = new PGSimpleDataSource();
        nobody.setServerNames(new String[] {"127.0.0.1"});
        nobody.setPortNumbers(new int[] {closedPort()});
        nobody.setDatabaseName("test");
        nobody.setUser("postgres");
        PostgresStores stores =
                PostgresStores.builder().dataSource(nobody).schema(SCHEMA).build();

        assertThatThrownBy(() -> stores.sessions().findWithUser("any", stores.users()))
                .isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
                    assertThat(e.reason()).isEqualTo(StoreUnavailableException.Reason.CONNECTION_REFUSED);
                    assertThat(e.getCause()).isInstanceOf(StoreUnavailableException.class);
                    assertThat(e.getStackTrace()[0].getMethodName()).isEqualTo("findWithUser");
                });
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private NewUser newUser() {
        return new NewUser(
                UUID.randomUUID(), tenant, UUID.randomUUID() + "@example.com", null, "Ann", "member", Set.of("read"));
    }

    private SessionRecord session(UUID userId, String hash) {
        return new SessionRecord(
                "session-" + UUID.randomUUID(),
                tenant,
                userId,
                hash,
                null,
                0,
                NOW,
                NOW,
                NOW.plusSeconds(600),
                NOW.plusSeconds(3600));
    }

    /** The host's pool, counting the connections the stores borrow. */
    private static DataSource counting(DataSource pool) {
        return (DataSource) Proxy.newProxyInstance(
                StoresAcrossBundlesTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class},
                (p, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        BORROWS.incrementAndGet();
                    }
                    try {
                        return method.invoke(pool, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
