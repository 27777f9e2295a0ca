package dev.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Queue-age load shedding, on the executor alone: one worker is held by a latch so that the next request queues, and
 * the time source is moved instead of waiting for it.
 */
class AdmissionTest {
    private final AtomicLong now = new AtomicLong();
    private final Admission admission = new Admission(1, now::get);
    private final CountDownLatch running = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final Queue<Admission.Mode> modes = new ConcurrentLinkedQueue<>();

    @AfterEach
    void stop() {
        release.countDown();
        admission.shutdownNow();
    }

    @Test
    void aRequestTakenLaterThanTheBoundIsAnsweredBusyAndADrainStillWaitsForIt() throws Exception {
        holdTheWorker();
        admission.execute(() -> modes.add(Admission.mode()));

        now.addAndGet(Admission.MAX_QUEUE_WAIT.plusMillis(1).toNanos());
        assertThat(admission.drain(50, TimeUnit.MILLISECONDS))
                .as("the drain waits for the queued request as well as the running one")
                .isFalse();
        release.countDown();

        assertThat(admission.drain(10, TimeUnit.SECONDS)).isTrue();
        assertThat(modes).containsExactly(Admission.Mode.BUSY);
        assertThat(admission.inFlight()).isZero();
    }

    @Test
    void aRequestAnsweredBusyForItsWaitIsReportedInTheOverloadWarning() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        // slf4j-simple, the examples' logger, writes to whatever System.err is at the time.
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            holdTheWorker();
            admission.execute(() -> modes.add(Admission.mode()));
            now.addAndGet(Admission.MAX_QUEUE_WAIT.plusMillis(1).toNanos());
            release.countDown();
            assertThat(admission.drain(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            System.setErr(original);
        }

        assertThat(modes).containsExactly(Admission.Mode.BUSY);
        assertThat(log.toString(StandardCharsets.UTF_8))
                .contains("overloaded: answered 1 requests busy (503) that waited longer than 2000 ms for a worker");
    }

    @Test
    void aRequestTakenWithinTheBoundIsServed() throws Exception {
        holdTheWorker();
        admission.execute(() -> modes.add(Admission.mode()));

        now.addAndGet(Admission.MAX_QUEUE_WAIT.toNanos());
        release.countDown();

        assertThat(admission.drain(10, TimeUnit.SECONDS)).isTrue();
        assertThat(modes).containsExactly(Admission.Mode.SERVE);
        assertThat(admission.inFlight()).isZero();
    }

    @Test
    void aShutdownStillRefusesNewRequestsInsteadOfShedding() throws Exception {
        assertThat(admission.drain(1, TimeUnit.SECONDS)).isTrue();
        now.addAndGet(Admission.MAX_QUEUE_WAIT.multipliedBy(10).toNanos());
        CountDownLatch answered = new CountDownLatch(1);

        admission.execute(() -> {
            modes.add(Admission.mode());
            answered.countDown();
        });

        assertThat(answered.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(modes).containsExactly(Admission.Mode.SHUTTING_DOWN);
    }

    @Test
    void theBoundLeavesARequestMostOfItsRequestTime() {
        Duration requestTime = Duration.ofSeconds(ExampleServer.MAX_REQUEST_SECONDS);

        assertThat(Admission.MAX_QUEUE_WAIT).isPositive().isLessThanOrEqualTo(requestTime.dividedBy(2));
    }

    /** Runs a request that blocks the only worker until {@link #release}, so the next one queues. */
    private void holdTheWorker() throws InterruptedException {
        admission.execute(() -> {
            running.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    }
}
