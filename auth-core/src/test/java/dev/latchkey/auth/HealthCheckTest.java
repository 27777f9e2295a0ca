package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.spi.Store;
import dev.latchkey.auth.spi.StoreUnavailableException;
import dev.latchkey.auth.spi.StoreUnavailableException.Reason;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Health probes run in parallel within one deadline and name the cause class of a failure, never its secrets. */
class HealthCheckTest {
    private static final Duration SLOW = Duration.ofSeconds(1);

    @Test
    void storesThatHangCostOneDeadlineInAllNotOneEach() throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        Store hangs = () -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Map<String, Store> stores = new LinkedHashMap<>();
        stores.put("users", hangs);
        stores.put("otp", hangs);
        stores.put("sessions", hangs);
        stores.put("rateLimits", () -> {});
        HealthCheck check = new HealthCheck(stores, SLOW, Duration.ofMillis(300));

        long start = System.nanoTime();
        HealthReport report = check.check();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isLessThan(Duration.ofMillis(900));
        assertThat(report.status()).isEqualTo(HealthReport.Status.DOWN);
        assertThat(report.components().get("users").detail()).isEqualTo("timeout");
        assertThat(report.components().get("sessions").detail()).isEqualTo("timeout");
        assertThat(report.components().get("rateLimits").status()).isEqualTo(HealthReport.Status.UP);
        assertThat(report.components().get("users").latency())
                .as("a timed-out probe reports how long it was waited for")
                .isBetween(Duration.ofMillis(300), took);
        never.countDown();
    }

    @Test
    void theDefaultDeadlineIsTwoAndAHalfSeconds() {
        assertThat(HealthCheck.DEADLINE).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void aDownComponentNamesTheCauseClassAndNoSecret() {
        Map<String, Store> stores = new LinkedHashMap<>();
        stores.put("auth", () -> {
            throw new StoreUnavailableException(
                    Reason.AUTHENTICATION_FAILED, "password s3cret rejected", new IllegalStateException("s3cret"));
        });
        stores.put("db", () -> {
            throw AuthException.unavailable(
                    "wrapped", new StoreUnavailableException(Reason.DATABASE_MISSING, "no such database", null));
        });
        stores.put("refused", () -> {
            throw new IllegalStateException("driver", new ConnectException("Connection refused"));
        });
        stores.put("slow", () -> {
            throw new IllegalStateException("driver", new SocketTimeoutException("Read timed out"));
        });
        stores.put("other", () -> {
            throw new IllegalStateException("password=s3cret");
        });
        long start = System.nanoTime();
        HealthReport report = new HealthCheck(stores, SLOW).check();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(report.components())
                .extractingByKeys("auth", "db", "refused", "slow", "other")
                .extracting(HealthReport.Component::detail)
                .containsExactly(
                        "authentication failed",
                        "database missing",
                        "connection refused",
                        "timeout",
                        "unreachable or failing");
        assertThat(report.components().values())
                .allSatisfy(component -> assertThat(component.status()).isEqualTo(HealthReport.Status.DOWN));
        assertThat(report.components().values())
                .as("a failed probe reports how long it took")
                .allSatisfy(component -> assertThat(component.latency()).isBetween(Duration.ZERO, took));
    }

    @Test
    void aStoreWhoseProbeIsStillRunningIsNotProbedAgain() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger probes = new AtomicInteger();
        Store hangs = () -> {
            probes.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        HealthCheck check = everyTime(Map.of("users", hangs), Duration.ofMillis(100), new RecordingLog());
        for (int i = 0; i < 2; i++) {
            assertThat(check.check().components().get("users").detail()).isEqualTo("timeout");
        }
        assertThat(probes)
                .as("one probe in flight per store, however long it hangs")
                .hasValue(1);
        release.countDown();
    }

    @Test
    void aFinishedProbeIsRunAgainByTheNextCheckOnceTheReportIsNoLongerReused() {
        AtomicInteger probes = new AtomicInteger();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Store store = () -> {
            probes.incrementAndGet();
            RuntimeException e = failure.get();
            if (e != null) {
                throw e;
            }
        };
        HealthCheck check = everyTime(Map.of("otp", store), HealthCheck.DEADLINE, new RecordingLog());

        assertThat(check.check().status()).isEqualTo(HealthReport.Status.UP);
        failure.set(new IllegalStateException("driver", new ConnectException("Connection refused")));
        assertThat(check.check().status()).isEqualTo(HealthReport.Status.DOWN);
        assertThat(probes).hasValue(2);
    }

    @Test
    void aReportIsReusedForASecondSoTheStoresSeeOneProbe() {
        AtomicInteger probes = new AtomicInteger();
        HealthCheck check = new HealthCheck(Map.of("otp", probes::incrementAndGet), SLOW);

        HealthReport first = check.check();
        HealthReport second = check.check();

        assertThat(second).isSameAs(first);
        assertThat(probes).hasValue(1);
    }

    @Test
    void aCheckThatWaitedForAnotherInProgressReusesItsReport() throws Exception {
        CountDownLatch probing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger probes = new AtomicInteger();
        Store slow = () -> {
            probes.incrementAndGet();
            probing.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        HealthCheck check = new HealthCheck(Map.of("otp", slow), SLOW);
        AtomicReference<HealthReport> firstReport = new AtomicReference<>();
        AtomicReference<HealthReport> secondReport = new AtomicReference<>();
        Thread first = new Thread(() -> firstReport.set(check.check()));
        Thread second = new Thread(() -> secondReport.set(check.check()));

        first.start();
        assertThat(probing.await(10, TimeUnit.SECONDS)).isTrue();
        second.start();
        awaitState(second, Thread.State.BLOCKED); // found no report yet, and waits for the first check
        release.countDown();
        first.join(10_000);
        second.join(10_000);

        assertThat(firstReport.get()).isNotNull();
        assertThat(secondReport.get()).isSameAs(firstReport.get());
        assertThat(probes).hasValue(1);
    }

    @Test
    void aProbeThatFailsWithAnErrorIsReportedDownNeverHidden() {
        long start = System.nanoTime();
        HealthReport report = new HealthCheck(
                        Map.of("users", () -> {
                            throw new AssertionError("a bug in the driver");
                        }),
                        SLOW)
                .check();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        HealthReport.Component users = report.components().get("users");
        assertThat(report.status()).isEqualTo(HealthReport.Status.DOWN);
        assertThat(users.status()).isEqualTo(HealthReport.Status.DOWN);
        assertThat(users.detail()).isEqualTo(Reason.OTHER.description());
        assertThat(users.latency()).isBetween(Duration.ZERO, took);
    }

    @Test
    void anInterruptedCheckReportsDownAndKeepsTheInterrupt() {
        CountDownLatch never = new CountDownLatch(1);
        Store hangs = () -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        HealthCheck check = new HealthCheck(Map.of("users", hangs), SLOW, Duration.ofSeconds(10));

        long start = System.nanoTime();
        Thread.currentThread().interrupt();
        HealthReport report;
        boolean interrupted;
        try {
            report = check.check();
        } finally {
            interrupted = Thread.interrupted(); // clears it, for the tests that follow
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        never.countDown();

        assertThat(interrupted).as("the interrupt is kept for the caller").isTrue();
        HealthReport.Component users = report.components().get("users");
        assertThat(users.status()).isEqualTo(HealthReport.Status.DOWN);
        assertThat(users.detail()).isEqualTo(Reason.OTHER.description());
        assertThat(users.latency()).isBetween(Duration.ZERO, took);
        assertThat(took).as("not the deadline").isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void probesRunOnDaemonThreadsSoAHungStoreNeverKeepsTheJvmAlive() {
        AtomicReference<Thread> prober = new AtomicReference<>();
        new HealthCheck(Map.of("users", () -> prober.set(Thread.currentThread())), SLOW).check();

        assertThat(prober.get()).isNotNull().isNotSameAs(Thread.currentThread());
        assertThat(prober.get().isDaemon()).isTrue();
        assertThat(prober.get().getName()).startsWith("latchkey-health-");
    }

    @Test
    void aNoteIsTheDetailOfAComponentWithNoneOfItsOwn() {
        Map<String, Store> stores = new LinkedHashMap<>();
        stores.put("revocations", () -> {});
        stores.put("sessions", () -> {
            throw new IllegalStateException("driver", new ConnectException("Connection refused"));
        });
        stores.put("users", () -> {});
        HealthCheck check = new HealthCheck(
                stores,
                HealthCheck.Fallbacks.NONE,
                SLOW,
                Map.of("revocations", () -> "mirror live", "sessions", () -> "mirror live"));

        HealthReport report = check.check();

        assertThat(report.components().get("revocations"))
                .isEqualTo(new HealthReport.Component(
                        HealthReport.Status.UP,
                        report.components().get("revocations").latency(),
                        "mirror live"));
        assertThat(report.components().get("sessions").detail())
                .as("a failure's own detail wins over the note")
                .isEqualTo("connection refused");
        assertThat(report.components().get("users").detail()).isNull();
    }

    @Test
    void aComponentServedByItsFallbackIsDegradedWithTheFallbacksDetail() {
        Map<String, Store> stores = new LinkedHashMap<>();
        stores.put("otp", () -> {
            throw new IllegalStateException("driver", new ConnectException("Connection refused"));
        });
        stores.put("users", () -> {});
        HealthCheck check = new HealthCheck(
                stores,
                (name, probed) ->
                        name.equals("otp") ? Optional.of("served locally; store " + probed.detail()) : Optional.empty(),
                SLOW);

        HealthReport report = check.check();

        HealthReport.Component otp = report.components().get("otp");
        assertThat(report.status()).isEqualTo(HealthReport.Status.DEGRADED);
        assertThat(otp.status()).isEqualTo(HealthReport.Status.DEGRADED);
        assertThat(otp.fallback()).isTrue();
        assertThat(otp.detail()).isEqualTo("served locally; store connection refused");
        assertThat(report.components().get("users").fallback()).isFalse();
    }

    @Test
    void aComponentsStateIsLoggedWhenItChangesNeverOnEveryCheck() {
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Store otp = () -> {
            RuntimeException e = failure.get();
            if (e != null) {
                throw e;
            }
        };
        RecordingLog log = new RecordingLog();
        HealthCheck check = everyTime(Map.of("otp", otp), HealthCheck.DEADLINE, log);

        check.check();
        check.check();
        assertThat(log.lines).as("UP from the start is not news").isEmpty();

        failure.set(new IllegalStateException("driver", new ConnectException("Connection refused")));
        check.check();
        check.check();
        failure.set(null);
        check.check();
        check.check();

        assertThat(log.lines)
                .containsExactly(
                        "WARN store otp is DOWN: connection refused (ConnectException: Connection refused)",
                        "INFO store otp is UP again (was DOWN: connection refused)");
    }

    @Test
    void aSlowStoreIsLoggedAsDegradedWithoutACause() {
        RecordingLog log = new RecordingLog();
        HealthCheck check = new HealthCheck(
                Map.of("otp", () -> {}),
                HealthCheck.Fallbacks.NONE,
                Duration.ZERO,
                HealthCheck.DEADLINE,
                Map.of(),
                Duration.ZERO,
                log.logger);

        check.check();

        assertThat(log.lines).containsExactly("WARN store otp is DEGRADED: slower than threshold");
    }

    @Test
    void theLogNamesTheRootCauseOfAFailureFollowingAtMostTwentyCauses() {
        RuntimeException chain = new IllegalStateException("cause 30");
        for (int i = 29; i >= 0; i--) {
            chain = new IllegalStateException("cause " + i, chain);
        }
        RuntimeException deep = chain;
        RecordingLog log = new RecordingLog();

        everyTime(
                        Map.of("users", () -> {
                            throw deep;
                        }),
                        HealthCheck.DEADLINE,
                        log)
                .check();

        assertThat(log.lines)
                .containsExactly("WARN store users is DOWN: unreachable or failing (IllegalStateException: cause 20)");
    }

    @Test
    void aReportIsUpOnlyWhileItsStatusIsUp() {
        HealthReport.Component up = new HealthReport.Component(HealthReport.Status.UP, Duration.ZERO, null);
        HealthReport.Component slow =
                new HealthReport.Component(HealthReport.Status.DEGRADED, Duration.ZERO, "slower than threshold");

        assertThat(new HealthReport(HealthReport.Status.UP, Map.of("otp", up)).isUp())
                .isTrue();
        assertThat(new HealthReport(HealthReport.Status.DEGRADED, Map.of("otp", slow)).isUp())
                .isFalse();
        assertThat(new HealthReport(HealthReport.Status.DOWN, Map.of()).isUp()).isFalse();
        assertThat(up.detailText()).isEmpty();
        assertThat(slow.detailText()).contains("slower than threshold");
        assertThat(slow.fallback()).isFalse();
    }

    /** A check that probes on every call, reusing no report, and logs to {@code log}. */
    private static HealthCheck everyTime(Map<String, Store> stores, Duration deadline, RecordingLog log) {
        return new HealthCheck(stores, HealthCheck.Fallbacks.NONE, SLOW, deadline, Map.of(), Duration.ZERO, log.logger);
    }

    private static void awaitState(Thread thread, Thread.State state) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (thread.getState() != state) {
            assertThat(System.nanoTime()).as("waited 10 s for " + state).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    @Test
    void aCauseChainThatLoopsIsStillClassified() {
        IllegalStateException a = new IllegalStateException("a");
        IllegalStateException b = new IllegalStateException("b", a);
        a.initCause(b);
        assertThat(StoreUnavailableException.reasonOf(a)).isEqualTo(Reason.OTHER);
    }

    @Test
    void aStoreSlowerThanTheThresholdIsDegradedAndOneWithinItIsUpWithItsLatency() {
        HealthReport strict = new HealthCheck(Map.of("otp", () -> {}), Duration.ZERO).check();
        assertThat(strict.status()).isEqualTo(HealthReport.Status.DEGRADED);
        assertThat(strict.components().get("otp").detail()).isEqualTo("slower than threshold");

        long before = System.nanoTime();
        HealthReport relaxed = new HealthCheck(Map.of("otp", () -> {}), Duration.ofHours(1)).check();
        long took = System.nanoTime() - before;
        HealthReport.Component otp = relaxed.components().get("otp");
        assertThat(relaxed.status()).isEqualTo(HealthReport.Status.UP);
        assertThat(otp.detail()).isNull();
        assertThat(otp.latency()).isPositive().isLessThanOrEqualTo(Duration.ofNanos(took));
    }
}
