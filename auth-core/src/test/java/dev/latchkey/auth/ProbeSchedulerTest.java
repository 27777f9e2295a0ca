package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The default scheduler of the fallback's probes: a daemon thread per fallback, until its probe says stop. */
class ProbeSchedulerTest {
    private static final Duration SOON = Duration.ofMillis(1);

    @Test
    void probesRunOnADaemonThreadThatEndsWhenTheProbeSaysStop() throws InterruptedException {
        List<Thread> threads = new CopyOnWriteArrayList<>();
        AtomicInteger runs = new AtomicInteger();

        ProbeScheduler.daemon().every(SOON, () -> {
            threads.add(Thread.currentThread());
            return runs.incrementAndGet() < 3;
        });

        Thread thread = awaitEnd(threads);
        assertThat(runs).hasValue(3);
        assertThat(threads).containsOnly(thread);
        assertThat(thread.isDaemon()).as("never keeps the host's JVM alive").isTrue();
        assertThat(thread.getName()).startsWith("latchkey-fallback-probe-");
    }

    @Test
    void anUnexpectedFailureOfAProbeDoesNotEndTheProbing() throws InterruptedException {
        List<Thread> threads = new CopyOnWriteArrayList<>();
        AtomicInteger runs = new AtomicInteger();

        ProbeScheduler.daemon().every(SOON, () -> {
            threads.add(Thread.currentThread());
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("a bug in the probe");
            }
            return false;
        });

        awaitEnd(threads);
        assertThat(runs).hasValue(2);
    }

    /** Waits for the first run, then for its thread to end. */
    private static Thread awaitEnd(List<Thread> threads) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (threads.isEmpty()) {
            assertThat(System.nanoTime()).as("waited 10 s for a probe").isLessThan(deadline);
            Thread.onSpinWait();
        }
        Thread thread = threads.get(0);
        thread.join(10_000);
        assertThat(thread.isAlive()).as("the thread ends with the probing").isFalse();
        return thread;
    }
}
