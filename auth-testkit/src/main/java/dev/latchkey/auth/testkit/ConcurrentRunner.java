package dev.latchkey.auth.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * Runs one task on many threads released at the same instant, so that store operations really overlap.
 *
 * <p>Every thread is started and parked on a start gate first; only when all of them are waiting is the gate
 * opened. This maximises contention on the store, which is what exposes a read-then-write race.
 */
public final class ConcurrentRunner {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private ConcurrentRunner() {}

    /**
     * Calls {@code task} once per thread index {@code 0 .. threads-1}, all at once.
     *
     * @return the results, in thread-index order
     * @throws AssertionError if a task threw (with that exception as the cause) or the run took over a minute
     */
    public static <T> List<T> runConcurrently(int threads, IntFunction<T> task) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch startGate = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<T>> futures = new ArrayList<>(threads);
            for (int i = 0; i < threads; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    startGate.await();
                    return task.apply(index);
                }));
            }
            if (!ready.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("threads did not start within " + TIMEOUT);
            }
            startGate.countDown();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            List<T> results = new ArrayList<>(threads);
            for (Future<T> future : futures) {
                results.add(future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
            return results;
        } catch (ExecutionException e) {
            throw new AssertionError("a concurrent task failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("concurrent tasks did not finish within " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running concurrent tasks", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
