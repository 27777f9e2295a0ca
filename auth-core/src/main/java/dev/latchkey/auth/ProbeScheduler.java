package dev.latchkey.auth;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Runs the fallback's probes. The default gives each fallback a daemon thread of its own, so a probe stuck on a
 * black-holed server (until the store's own timeout) delays no other facade's probes, and probes never keep the host's
 * JVM alive; tests inject one that runs a probe when told to, so hysteresis is tested without waiting for time to pass.
 */
@FunctionalInterface
interface ProbeScheduler {
    /** Runs {@code probe} every {@code interval}, the first time after one interval, until it returns false. */
    void every(Duration interval, BooleanSupplier probe);

    /** The default: one daemon thread per call, ended when the probe returns false. */
    static ProbeScheduler daemon() {
        return Daemon::every;
    }

    /** The default's implementation. */
    final class Daemon {
        private static final AtomicInteger THREADS = new AtomicInteger();

        private Daemon() {}

        static void every(Duration interval, BooleanSupplier probe) {
            ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread t = new Thread(task, "latchkey-fallback-probe-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            long nanos = interval.toNanos();
            thread.scheduleWithFixedDelay(
                    () -> {
                        boolean again;
                        try {
                            again = probe.getAsBoolean();
                        } catch (RuntimeException e) {
                            // A probe reports failures itself; an unexpected one must not end the probing.
                            again = true;
                        }
                        if (!again) {
                            thread.shutdown();
                        }
                    },
                    nanos,
                    nanos,
                    TimeUnit.NANOSECONDS);
        }
    }
}
