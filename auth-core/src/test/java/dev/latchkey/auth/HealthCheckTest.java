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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
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
        HealthReport report = new HealthCheck(stores, SLOW).check();

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
    }

    @Test
    void aStoreWhoseProbeIsStillRunningIsNotProbedAgain() throws InterruptedException {
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
        HealthCheck check = new HealthCheck(Map.of("users", hangs), SLOW, Duration.ofMillis(100));
        for (int i = 0; i < 2; i++) {
            assertThat(check.check().components().get("users").detail()).isEqualTo("timeout");
            Thread.sleep(HealthCheck.REUSE.toMillis() + 50); // the report cache, not an expiry under test
        }
        assertThat(probes)
                .as("one probe in flight per store, however long it hangs")
                .hasValue(1);
        release.countDown();
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
