package dev.latchkey.auth.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CoalescingReaderTest {

    private final ExecutorService callers = Executors.newCachedThreadPool();
    private final ConcurrentLinkedQueue<List<String>> batches = new ConcurrentLinkedQueue<>();

    @AfterEach
    void stopCallers() throws InterruptedException {
        callers.shutdownNow();
        assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /** A read that answers {@code "value of <key>"} for every key except those starting with "missing". */
    private Map<String, String> echo(List<String> keys) {
        batches.add(List.copyOf(keys));
        Map<String, String> found = new HashMap<>();
        keys.stream().filter(key -> !key.startsWith("missing")).forEach(key -> found.put(key, "value of " + key));
        return found;
    }

    @Test
    void aLoneCallerIsReadAloneAndAKeyNotFoundReadsAsAbsent() {
        CoalescingReader<String> reader = new CoalescingReader<>(this::echo, 64, 2);

        assertThat(reader.get("a")).contains("value of a");
        assertThat(reader.get("missing-b")).isEmpty();
        assertThat(batches).containsExactly(List.of("a"), List.of("missing-b"));
    }

    @Test
    void callersArrivingWhileABatchRunsShareTheNextBatchAndEachGetsItsOwnAnswer() throws Exception {
        CountDownLatch firstReadStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstRead = new CountDownLatch(1);
        CoalescingReader<String> reader = new CoalescingReader<>(
                keys -> {
                    if (batches.isEmpty()) {
                        firstReadStarted.countDown();
                        await(releaseFirstRead);
                    }
                    return echo(keys);
                },
                64,
                1);
        Future<Optional<String>> first = callers.submit(() -> reader.get("k0"));
        assertThat(firstReadStarted.await(10, TimeUnit.SECONDS)).isTrue();
        List<Future<Optional<String>>> queued = new ArrayList<>();
        AtomicInteger started = new AtomicInteger();
        for (int i = 1; i <= 10; i++) {
            String key = i % 5 == 0 ? "missing-" + i : "k" + i;
            queued.add(callers.submit(() -> {
                started.incrementAndGet();
                return reader.get(key);
            }));
        }
        awaitParked(started, 10);
        releaseFirstRead.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).contains("value of k0");
        for (int i = 1; i <= 10; i++) {
            Optional<String> answer = queued.get(i - 1).get(10, TimeUnit.SECONDS);
            if (i % 5 == 0) {
                assertThat(answer).isEmpty();
            } else {
                assertThat(answer).contains("value of k" + i);
            }
        }
        assertThat(batches).hasSize(2);
        assertThat(List.copyOf(batches).get(1)).hasSize(10);
    }

    @Test
    void aKeyAskedByTwoCallersInOneBatchIsReadOnce() throws Exception {
        CountDownLatch releaseFirstRead = new CountDownLatch(1);
        CountDownLatch firstReadStarted = new CountDownLatch(1);
        CoalescingReader<String> reader = new CoalescingReader<>(
                keys -> {
                    if (batches.isEmpty()) {
                        firstReadStarted.countDown();
                        await(releaseFirstRead);
                    }
                    return echo(keys);
                },
                64,
                1);
        Future<Optional<String>> first = callers.submit(() -> reader.get("warm"));
        assertThat(firstReadStarted.await(10, TimeUnit.SECONDS)).isTrue();
        AtomicInteger started = new AtomicInteger();
        List<Future<Optional<String>>> twins = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            twins.add(callers.submit(() -> {
                started.incrementAndGet();
                return reader.get("same");
            }));
        }
        awaitParked(started, 2);
        releaseFirstRead.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).contains("value of warm");
        for (Future<Optional<String>> twin : twins) {
            assertThat(twin.get(10, TimeUnit.SECONDS)).contains("value of same");
        }
        assertThat(batches).containsExactly(List.of("warm"), List.of("same"));
    }

    @Test
    void aBatchIsNeverLargerThanTheLimit() {
        CoalescingReader<String> reader = new CoalescingReader<>(this::echo, 3, 1);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> hammer(reader, 16, 2_000));
        assertThat(batches).allSatisfy(batch -> assertThat(batch).hasSizeBetween(1, 3));
    }

    @Test
    void neverRunsMoreBatchesAtOnceThanAllowed() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        CoalescingReader<String> reader = new CoalescingReader<>(
                keys -> {
                    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        // Stands in for the round trip, so that batches overlap if nothing stops them.
                        LockSupport.parkNanos(20_000);
                        return echo(keys);
                    } finally {
                        running.decrementAndGet();
                    }
                },
                64,
                2);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> hammer(reader, 16, 2_000));
        assertThat(mostAtOnce.get()).isBetween(1, 2);
    }

    @Test
    void everyCallerIsAnsweredWithItsOwnKeyUnderContention() {
        for (int inFlight = 1; inFlight <= 3; inFlight++) {
            CoalescingReader<String> reader = new CoalescingReader<>(this::echo, 8, inFlight);
            // hammer asserts every answer; a stranded caller (a lost wake-up) would hang past the timeout.
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> hammer(reader, 16, 5_000));
        }
    }

    @Test
    void everyReadStartsAfterItsCallerAsked() {
        AtomicLong clock = new AtomicLong();
        CoalescingReader<Long> reader = new CoalescingReader<>(
                keys -> {
                    long readAt = clock.get();
                    Map<String, Long> found = new HashMap<>();
                    keys.forEach(key -> found.put(key, readAt));
                    return found;
                },
                64,
                2);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                running.add(callers.submit(() -> {
                    for (int i = 0; i < 5_000; i++) {
                        long asked = clock.incrementAndGet();
                        assertThat(reader.get("k" + (i % 7)).orElseThrow())
                                .as("a read may not be older than the call")
                                .isGreaterThanOrEqualTo(asked);
                    }
                    return null;
                }));
            }
            for (Future<?> caller : running) {
                caller.get();
            }
        });
    }

    @Test
    void aFailedBatchFailsEveryCallerInItAndTheNextBatchReadsAgain() throws Exception {
        CountDownLatch firstReadStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstRead = new CountDownLatch(1);
        AtomicInteger reads = new AtomicInteger();
        CoalescingReader<String> reader = new CoalescingReader<>(
                keys -> {
                    int read = reads.incrementAndGet();
                    if (read == 1) {
                        firstReadStarted.countDown();
                        await(releaseFirstRead);
                        return echo(keys);
                    }
                    if (read == 2) {
                        throw new IllegalStateException("the database went away");
                    }
                    return echo(keys);
                },
                64,
                1);
        Future<Optional<String>> first = callers.submit(() -> reader.get("k0"));
        assertThat(firstReadStarted.await(10, TimeUnit.SECONDS)).isTrue();
        AtomicInteger started = new AtomicInteger();
        List<Future<Optional<String>>> failing = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String key = "k" + i;
            failing.add(callers.submit(() -> {
                started.incrementAndGet();
                return reader.get(key);
            }));
        }
        awaitParked(started, 3);
        releaseFirstRead.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).contains("value of k0");
        for (Future<Optional<String>> caller : failing) {
            assertThatThrownBy(() -> caller.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(IllegalStateException.class)
                    .hasRootCauseMessage("the database went away");
        }
        assertThat(reader.get("k4")).contains("value of k4");
    }

    @Test
    void anInterruptedCallerStillGetsItsAnswerAndKeepsItsInterrupt() throws Exception {
        CoalescingReader<String> reader = new CoalescingReader<>(this::echo, 64, 1);
        Future<Boolean> interrupted = callers.submit(() -> {
            Thread.currentThread().interrupt();
            assertThat(reader.get("k")).contains("value of k");
            return Thread.currentThread().isInterrupted();
        });
        assertThat(interrupted.get(10, TimeUnit.SECONDS)).isTrue();
    }

    /** {@code threads} callers each asking {@code calls} keys, asserting every answer. */
    private void hammer(CoalescingReader<String> reader, int threads, int calls) throws Exception {
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            running.add(callers.submit(() -> {
                for (int i = 0; i < calls; i++) {
                    String key =
                            ThreadLocalRandom.current().nextInt(10) == 0 ? "missing-" + thread : "k" + thread + "-" + i;
                    Optional<String> answer = reader.get(key);
                    if (key.startsWith("missing")) {
                        assertThat(answer).isEmpty();
                    } else {
                        assertThat(answer).contains("value of " + key);
                    }
                }
                return null;
            }));
        }
        for (Future<?> caller : running) {
            caller.get();
        }
    }

    /** Waits until {@code count} callers have started and every thread of the pool that is not running is parked. */
    private static void awaitParked(AtomicInteger started, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (started.get() < count || parkedInReader() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("callers did not queue");
            }
            Thread.sleep(5);
        }
    }

    private static long parkedInReader() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(entry -> entry.getKey().getState() == Thread.State.WAITING)
                .filter(entry -> List.of(entry.getValue()).stream()
                        .anyMatch(frame -> frame.getClassName().equals(CoalescingReader.class.getName())
                                && frame.getMethodName().equals("get")))
                .count();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
