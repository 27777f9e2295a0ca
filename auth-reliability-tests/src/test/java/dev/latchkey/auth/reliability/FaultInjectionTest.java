package dev.latchkey.auth.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.LoginResult;
import dev.latchkey.auth.SessionInfo;
import dev.latchkey.auth.SignOutScope;
import dev.latchkey.auth.reliability.FaultedDeployment.Challenge;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The facade's life cycle (send code, verify, session, refresh, authenticate, sign out) while the network between it
 * and the real PostgreSQL or Redis server is cut, black-holed or slowed, and after it heals. After every fault: no
 * login without the right code, at most one live successor per refresh family, no session lost once the server is
 * back, every failed call {@code UNAVAILABLE} within {@link #FAILURE_BOUND}, and normal service within {@link
 * #RECOVERY_BOUND} of healing.
 */
class FaultInjectionTest {
    /** The promise: a failed call is reported within about 2.5 s (the stores' 2 s timeouts plus work around them). */
    static final Duration FAILURE_BOUND = Duration.ofMillis(2500);

    /**
     * Scheduling slack on a loaded two-core CI machine. A hang (a black hole without a timeout) is bounded only by
     * the 10 s socket timeout or never, so it still breaks {@code FAILURE_BOUND + MARGIN}.
     */
    static final Duration MARGIN = Duration.ofMillis(1000);

    /** Normal service within this long after the network heals. */
    static final Duration RECOVERY_BOUND = Duration.ofSeconds(5);

    private static final String SCHEMA = FaultedDeployment.uniqueSchema();

    private final FaultProxy postgresProxy = FaultProxy.to(5432);
    private final FaultProxy redisProxy = FaultProxy.to(6379);
    private final FaultedDeployment deployment = FaultedDeployment.throughProxies(SCHEMA, postgresProxy, redisProxy);
    private final ExecutorService callers = Executors.newCachedThreadPool();

    enum Server {
        POSTGRES,
        REDIS
    }

    enum Fault {
        CUT,
        BLACK_HOLE
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        callers.shutdownNow();
        callers.awaitTermination(10, TimeUnit.SECONDS);
        postgresProxy.close();
        redisProxy.close();
        deployment.close();
        FaultedDeployment.deleteKeys(deployment.redis.keyPrefix());
    }

    @AfterAll
    static void dropSchema() {
        FaultedDeployment.dropSchema(SCHEMA);
    }

    private FaultProxy proxyOf(Server server) {
        return server == Server.POSTGRES ? postgresProxy : redisProxy;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"POSTGRES, CUT", "POSTGRES, BLACK_HOLE", "REDIS, CUT", "REDIS, BLACK_HOLE"})
    void aCutOrBlackHoleFailsEveryAffectedCallAsUnavailableInTimeAndLosesNoSession(Server server, Fault fault) {
        FaultedDeployment d = deployment;
        String tag = "";
        LoginResult first = d.logIn(tag + "ann@example.com");
        d.clock.advance(Duration.ofMinutes(1));
        // A family that has rotated once, so reuse detection has a previous token to compare with.
        LoginResult ann = d.auth.refresh(first.tokens().refreshToken());
        LoginResult bob = d.logIn(tag + "bob@example.com");
        Challenge pending = d.sendCode(tag + "cat@example.com");
        String annRefresh = ann.tokens().refreshToken();
        String annAccess = ann.tokens().accessToken();

        FaultProxy proxy = proxyOf(server);
        if (fault == Fault.CUT) {
            proxy.cut();
        } else {
            proxy.blackHole();
        }
        Outcome send = timed("sendOtp", () -> d.auth.sendOtp(d.tenant, tag + "dan@example.com"));
        Outcome wrong = timed(
                "verifyOtp with a wrong code",
                () -> d.auth.verifyOtp(d.tenant, pending.email(), pending.id(), pending.wrongCode()));
        Outcome right = timed(
                "verifyOtp with the right code",
                () -> d.auth.verifyOtp(d.tenant, pending.email(), pending.id(), pending.code()));
        Outcome refresh = timed("refresh", () -> d.auth.refresh(annRefresh));
        Outcome session = timed("session", () -> d.auth.session(annAccess));
        Outcome authenticate = timed("authenticate", () -> d.auth.authenticate("Bearer " + annAccess));
        Outcome signOut = timed("signOut", () -> d.auth.signOut(bob.tokens().accessToken(), SignOutScope.LOCAL));
        List<Outcome> during = List.of(send, wrong, right, refresh, session, authenticate, signOut);
        report(server + " " + fault, during);

        // A wrong code is refused: "invalid code" where the code store answers, UNAVAILABLE where it cannot.
        assertThat(wrong.result).as(wrong.call).isIn(ErrorCode.INVALID_CODE, ErrorCode.UNAVAILABLE);
        assertThat(wrong.took).as(wrong.call).isLessThan(FAILURE_BOUND.plus(MARGIN));
        during.stream()
                .filter(outcome -> outcome != wrong)
                .forEach(FaultInjectionTest::assertSucceededOrFailedClosedInTime);
        // What each store holds must be out of reach while its server is: the fault reached the facade.
        List<Outcome> mustFail = server == Server.POSTGRES
                ? List.of(right, refresh, session)
                : List.of(send, wrong, right, authenticate);
        mustFail.forEach(FaultInjectionTest::assertUnavailable);

        proxy.heal();
        awaitNormalService(tag);

        // No session lost: the family goes on from whichever token the client holds. If the rotation reached the
        // server but its answer did not reach the client, the client retries the old token within the grace window
        // and receives the same successor.
        String current = annRefresh;
        if (refresh.result instanceof LoginResult rotated) {
            // The old token, replayed within the grace window, yields the same successor, never a second one.
            current = rotated.tokens().refreshToken();
            assertThat(attempt(() -> d.auth.refresh(annRefresh)))
                    .isInstanceOfSatisfying(LoginResult.class, replay -> assertThat(
                                    replay.tokens().refreshToken())
                            .isEqualTo(rotated.tokens().refreshToken()));
        }
        String held = current;
        Object resumed = attempt(() -> d.auth.refresh(held));
        assertThat(resumed)
                .as("ann's session resumed after the fault; during it: %s", during)
                .isInstanceOfSatisfying(LoginResult.class, login -> {
                    assertThat(login.session().id()).isEqualTo(ann.session().id());
                    assertThat(d.auth.session(login.tokens().accessToken())
                                    .session()
                                    .id())
                            .isEqualTo(ann.session().id());
                });
        assertThat(d.auth.listSessions(d.tenant, ann.user().id()))
                .extracting(SessionInfo::id)
                .contains(ann.session().id());

        // No login without the right code, after the fault as during it.
        assertThat(attempt(() -> d.auth.verifyOtp(d.tenant, pending.email(), pending.id(), pending.wrongCode())))
                .isNotInstanceOf(LoginResult.class);
        Object retried = attempt(() -> d.auth.verifyOtp(d.tenant, pending.email(), pending.id(), pending.code()));
        if (right.result instanceof LoginResult) {
            assertThat(retried).as("a code logs in once").isEqualTo(ErrorCode.INVALID_CODE);
        } else {
            // A consume held in the network (a black hole delivers it when the path heals) or done before the user
            // store failed may have used the code up; the user then asks for a new one. Never a second login.
            assertThat(retried).isInstanceOfAny(LoginResult.class, ErrorCode.class);
            if (!(retried instanceof LoginResult)) {
                assertThat(retried).isEqualTo(ErrorCode.INVALID_CODE);
            }
        }

        // A sign-out that failed is retried by the client; once it answers, the session is over everywhere.
        if (!(signOut.result instanceof Integer)) {
            d.auth.signOut(bob.tokens().accessToken(), SignOutScope.LOCAL);
        }
        assertThat(attempt(() -> d.auth.session(bob.tokens().accessToken()))).isEqualTo(ErrorCode.INVALID_TOKEN);
        assertThat(attempt(() -> d.auth.authenticate("Bearer " + bob.tokens().accessToken())))
                .isEqualTo(ErrorCode.INVALID_TOKEN);
        assertThat(attempt(() -> d.auth.refresh(bob.tokens().refreshToken()))).isEqualTo(ErrorCode.INVALID_TOKEN);
    }

    /**
     * Session checks share PostgreSQL reads under load; one that arrives while another's read hangs in a black hole
     * must not wait for that read to fail and then for its own: every check fails in time, not in twice the time.
     */
    @Test
    void concurrentSessionChecksDuringAPostgresBlackHoleEachFailInTime() throws Exception {
        FaultedDeployment d = deployment;
        List<LoginResult> users = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            users.add(d.logIn("user" + i + "@example.com"));
        }
        postgresProxy.blackHole();

        List<Future<Outcome>> checks = new ArrayList<>();
        for (LoginResult user : users) {
            // Sessions of different users, so that the queued checks are read together (= ANY) once a turn is free.
            String access = user.tokens().accessToken();
            checks.add(callers.submit(() -> timed("session", () -> d.auth.session(access))));
            // Staggered, so that later checks arrive while the earlier ones' reads hang.
            sleep(Duration.ofMillis(100));
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Future<Outcome> check : checks) {
            outcomes.add(check.get(30, TimeUnit.SECONDS));
        }
        report("POSTGRES BLACK_HOLE, 12 concurrent session checks", outcomes);
        outcomes.forEach(FaultInjectionTest::assertUnavailable);
        outcomes.forEach(FaultInjectionTest::assertSucceededOrFailedClosedInTime);

        postgresProxy.heal();
        awaitNormalService("after-");
        for (LoginResult user : users) {
            assertThat(d.auth.session(user.tokens().accessToken()).session().id())
                    .isEqualTo(user.session().id());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void twoHundredMillisecondsOfLatencyOnlySlowsTheLifeCycle(Server server) {
        FaultedDeployment d = deployment;
        // A running service: schema migrated, pools warm. Latency then slows each round trip, not the start-up.
        d.logIn("warm-up@example.com");
        proxyOf(server).delay(Duration.ofMillis(200));
        Outcome send = timed("sendOtp", () -> d.sendCode("ann@example.com"));
        Challenge challenge = (Challenge) send.result;
        Outcome wrong = timed(
                "verifyOtp with a wrong code",
                () -> d.auth.verifyOtp(d.tenant, challenge.email(), challenge.id(), challenge.wrongCode()));
        Outcome verify = timed(
                "verifyOtp", () -> d.auth.verifyOtp(d.tenant, challenge.email(), challenge.id(), challenge.code()));
        assertThat(verify.result)
                .as("verify under latency, took %s", verify.took)
                .isInstanceOf(LoginResult.class);
        LoginResult login = (LoginResult) verify.result;
        Outcome session = timed("session", () -> d.auth.session(login.tokens().accessToken()));
        d.clock.advance(Duration.ofMinutes(1));
        Outcome refresh = timed("refresh", () -> d.auth.refresh(login.tokens().refreshToken()));
        assertThat(refresh.result)
                .as("refresh under latency, took %s", refresh.took)
                .isInstanceOf(LoginResult.class);
        LoginResult refreshed = (LoginResult) refresh.result;
        Outcome authenticate = timed(
                "authenticate",
                () -> d.auth.authenticate("Bearer " + refreshed.tokens().accessToken()));
        Outcome signOut =
                timed("signOut", () -> d.auth.signOut(refreshed.tokens().accessToken(), SignOutScope.LOCAL));

        report(server + " +200 ms", List.of(send, wrong, verify, session, refresh, authenticate, signOut));
        assertThat(wrong.result).isEqualTo(ErrorCode.INVALID_CODE);
        for (Outcome outcome : List.of(send, verify, session, refresh, authenticate, signOut)) {
            assertThat(outcome.result)
                    .as("%s under 200 ms of latency", outcome.call)
                    .isNotInstanceOf(ErrorCode.class)
                    .isNotInstanceOf(Throwable.class);
            assertThat(outcome.took).as(outcome.call).isLessThan(FAILURE_BOUND.plus(MARGIN));
        }
        assertThat(signOut.result).isEqualTo(1);
        assertThat(attempt(
                        () -> d.auth.authenticate("Bearer " + refreshed.tokens().accessToken())))
                .isEqualTo(ErrorCode.INVALID_TOKEN);
        assertThat(proxyOf(server).connectionsAccepted())
                .as("the calls went through the proxy")
                .isPositive();
    }

    @Test
    void concurrentRefreshesOfOneTokenCutMidFlightLeaveAtMostOneLiveSuccessor() throws Exception {
        FaultedDeployment d = deployment;
        LoginResult login = d.logIn("ann@example.com");
        d.clock.advance(Duration.ofMinutes(1));
        String token = login.tokens().refreshToken();

        // Latency keeps the refreshes in flight when the cut comes: some rotate, some are cut mid-call.
        postgresProxy.delay(Duration.ofMillis(150));
        int callers = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Outcome>> futures = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            futures.add(this.callers.submit(() -> {
                start.await();
                return timed("refresh", () -> d.auth.refresh(token));
            }));
        }
        start.countDown();
        Thread.sleep(200);
        postgresProxy.cut();
        List<Outcome> outcomes = new ArrayList<>();
        for (Future<Outcome> future : futures) {
            outcomes.add(future.get(30, TimeUnit.SECONDS));
        }
        report("PostgreSQL cut during " + callers + " concurrent refreshes", outcomes);
        outcomes.forEach(FaultInjectionTest::assertSucceededOrFailedClosedInTime);
        assertThat(outcomes)
                .as("the cut reached calls in flight")
                .anyMatch(outcome -> outcome.result == ErrorCode.UNAVAILABLE);

        postgresProxy.heal();
        awaitNormalService("after-cut-");

        // The client retries with the token it holds: within the grace window it receives the one successor.
        LoginResult retried = d.auth.refresh(token);
        Set<String> successors = outcomes.stream()
                .filter(outcome -> outcome.result instanceof LoginResult)
                .map(outcome -> ((LoginResult) outcome.result).tokens().refreshToken())
                .collect(Collectors.toSet());
        successors.add(retried.tokens().refreshToken());
        assertThat(successors).as("distinct successors of one token").hasSize(1);
        assertThat(retried.session().id()).isEqualTo(login.session().id());

        // Past the grace window the successor goes on, and the old token is reuse: it ends the family, successor
        // included, so no branch of it survives.
        d.clock.advance(Duration.ofMinutes(1));
        LoginResult next = d.auth.refresh(retried.tokens().refreshToken());
        assertThat(attempt(() -> d.auth.refresh(token))).isEqualTo(ErrorCode.INVALID_TOKEN);
        assertThat(attempt(() -> d.auth.refresh(next.tokens().refreshToken()))).isEqualTo(ErrorCode.INVALID_TOKEN);
        assertThat(attempt(() -> d.auth.session(next.tokens().accessToken()))).isEqualTo(ErrorCode.INVALID_TOKEN);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void aVerificationCutMidCallLogsInAtMostOnceAndNeverWithoutTheCode(Server server) throws Exception {
        FaultedDeployment d = deployment;
        Challenge challenge = d.sendCode("ann@example.com");
        FaultProxy proxy = proxyOf(server);
        proxy.delay(Duration.ofMillis(150));
        CompletableFuture<Outcome> inFlight = CompletableFuture.supplyAsync(
                () -> timed(
                        "verifyOtp",
                        () -> d.auth.verifyOtp(d.tenant, challenge.email(), challenge.id(), challenge.code())),
                callers);
        Thread.sleep(200);
        proxy.cut();
        Outcome outcome = inFlight.get(30, TimeUnit.SECONDS);
        report(server + " cut mid-verification", List.of(outcome));
        assertSucceededOrFailedClosedInTime(outcome);
        // Each round trip to the slowed server takes 300 ms (150 ms each way) and a verification makes at least one
        // (one Redis script; two PostgreSQL statements), so the cut at 200 ms lands inside the first (or, on a slow
        // machine, before the call reaches that server): never after the call ends.
        assertUnavailable(outcome);

        proxy.heal();
        awaitNormalService("after-cut-");
        assertThat(attempt(() -> d.auth.verifyOtp(d.tenant, challenge.email(), challenge.id(), challenge.wrongCode())))
                .isNotInstanceOf(LoginResult.class);
        Object again = attempt(() -> d.auth.verifyOtp(d.tenant, challenge.email(), challenge.id(), challenge.code()));
        long logins = List.of(outcome.result, again).stream()
                .filter(LoginResult.class::isInstance)
                .count();
        assertThat(logins).as("logins with one code").isLessThanOrEqualTo(1);
        if (again instanceof LoginResult login) {
            assertThat(d.auth.session(login.tokens().accessToken()).user().email())
                    .isEqualTo(challenge.email());
        } else {
            assertThat(again).isEqualTo(ErrorCode.INVALID_CODE);
        }
    }

    /**
     * Prints what each call under a fault answered and how long it took, for the record of a run: the error code or
     * the type of the result, never a token or a code.
     */
    static void report(String fault, List<Outcome> outcomes) {
        String lines = outcomes.stream()
                .map(outcome -> String.format(
                        "  %-30s %-14s %5d ms",
                        outcome.call,
                        outcome.result instanceof ErrorCode code
                                ? code.name()
                                : outcome.result.getClass().getSimpleName(),
                        outcome.took.toMillis()))
                .collect(Collectors.joining("\n"));
        System.out.println("fault: " + fault + "\n" + lines);
    }

    /** Polls a whole login until it works; fails if that takes longer than {@link #RECOVERY_BOUND}. */
    private void awaitNormalService(String tag) {
        long healed = System.nanoTime();
        int attempts = 0;
        Object last;
        do {
            attempts++;
            String email = tag + "probe-" + attempts + "@example.com";
            last = attempt(() -> {
                LoginResult login = deployment.logIn(email);
                return deployment.auth.session(login.tokens().accessToken());
            });
            if (!(last instanceof ErrorCode) && !(last instanceof Throwable)) {
                System.out.printf(
                        "  normal service %d ms after healing (%d attempts)%n",
                        Duration.ofNanos(System.nanoTime() - healed).toMillis(), attempts);
                return;
            }
            assertThat(last).as("while recovering").isEqualTo(ErrorCode.UNAVAILABLE);
            sleep(Duration.ofMillis(100));
        } while (System.nanoTime() - healed < RECOVERY_BOUND.toNanos());
        fail("no normal service within " + RECOVERY_BOUND + " of healing (" + attempts + " attempts, last " + last
                + ")");
    }

    /** What a call returned or its error code; any other exception is kept as itself, and fails the checks. */
    static Object attempt(Supplier<?> call) {
        try {
            return call.get();
        } catch (AuthException e) {
            return e.errorCode();
        } catch (RuntimeException e) {
            return e;
        }
    }

    static Outcome timed(String call, Supplier<?> body) {
        long started = System.nanoTime();
        Object result = attempt(body);
        return new Outcome(call, result, Duration.ofNanos(System.nanoTime() - started));
    }

    static void assertSucceededOrFailedClosedInTime(Outcome outcome) {
        assertThat(outcome.result)
                .as("%s: a result or UNAVAILABLE, never another error", outcome.call)
                .satisfiesAnyOf(
                        result -> assertThat(result).isEqualTo(ErrorCode.UNAVAILABLE),
                        result -> assertThat(result).isNotInstanceOfAny(ErrorCode.class, Throwable.class));
        assertThat(outcome.took).as("%s took", outcome.call).isLessThan(FAILURE_BOUND.plus(MARGIN));
    }

    static void assertUnavailable(Outcome outcome) {
        assertThat(outcome.result).as(outcome.call).isEqualTo(ErrorCode.UNAVAILABLE);
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** One call made under a fault: what it returned (or its error code) and how long it took. */
    record Outcome(String call, Object result, Duration took) {}
}
