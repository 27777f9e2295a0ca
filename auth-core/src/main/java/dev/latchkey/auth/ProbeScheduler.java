package dev.latchkey.auth;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Runs the fallback's probes. The default runs them on a small pool of daemon threads shared by every facade of the
 * process; tests inject one that runs a probe when told to, so hysteresis is tested without waiting for time to pass.
 */
@FunctionalInterface
interface ProbeScheduler {
    /** Runs {@code probe} every {@code interval}, the first time after one interval, until it returns false. */
    void every(Duration interval, BooleanSupplier probe);

    /** The default: shared daemon threads, so probes never keep the host's JVM alive. */
    static ProbeScheduler daemon() {
        return Daemon::every;
    }

    /** The shared pool; two threads, so one probe stuck on a black-holed server does not hold every other's. */
    final class Daemon {
        private static final AtomicInteger THREADS = new AtomicInteger();
        private static final ScheduledExecutorService POOL = pool();

        private Daemon() {}

        private static ScheduledExecutorService pool() {
            ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(2, task -> {
                Thread thread = new Thread(task, "latchkey-fallback-probe-" + THREADS.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
            pool.setRemoveOnCancelPolicy(true);
            return pool;
        }

        static void every(Duration interval, BooleanSupplier probe) {
            AtomicReference<ScheduledFuture<?>> self = new AtomicReference<>();
            long nanos = interval.toNanos();
            self.set(POOL.scheduleWithFixedDelay(
                    () -> {
                        boolean again;
                        try {
                            again = probe.getAsBoolean();
                        } catch (RuntimeException e) {
                            // A probe reports failures itself; an unexpected one must not end the probing.
                            again = true;
                        }
                        if (!again) {
                            ScheduledFuture<?> future = self.get();
                            if (future != null) {
                                future.cancel(false);
                            }
                        }
                    },
                    nanos,
                    nanos,
                    TimeUnit.NANOSECONDS));
        }
    }
}
