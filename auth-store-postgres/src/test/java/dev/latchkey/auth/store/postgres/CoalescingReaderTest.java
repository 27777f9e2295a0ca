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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CoalescingReaderTest {

    private static final Predicate<RuntimeException> NO_OUTAGE = failure -> false;

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
        CoalescingReader<String> reader = new CoalescingReader<>(this::echo, NO_OUTAGE, 64, 2);

        assertThat(reader.get("a")).contains("value of a");
        assertThat(reader.get("missing-b")).isEmpty();
        assertThat(batches).containsExactly(List.of("a"), List.of("missing-b"));
    }

    @Test
    void callersArrivingWhileABatchRunsShareTheNextBatchAndEachGetsItsOwnAnswer() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            keys.add(i % 5 == 0 ? "missing-" + i : "k" + i);
        }
        List<Future<Optional<String>>> queued = queueBehindAHeldRead(this::echo, keys);

        for (int i = 0; i < keys.size(); i++) {
            Optional<String> answer = queued.get(i).get(10, TimeUnit.SECONDS);
            if (keys.get(i).startsWith("missing")) {
                assertThat(answer).isEmpty();
            } else {
                assertThat(answer).contains("value of " + keys.get(i));
            }
        }
        assertThat(batches).hasSize(2).first().isEqualTo(List.of("held"));
        assertThat(List.copyOf(batches).get(1))
                .as("one batch of every queued key")
                .containsExactlyInAnyOrderElementsOf(keys);
    }

    @Test
    void aKeyAskedByTwoCallersInOneBatchIsReadOnce() throws Exception {
        List<Future<Optional<String>>> twins = queueBehindAHeldRead(this::echo, List.of("same", "same"));

        for (Future<Optional<String>> twin : twins) {
            assertThat(twin.get(10, TimeUnit.SECONDS)).contains("value of same");
        }
        assertThat(batches).containsExactly(List.of("held"), List.of("same"));
    }

    @Test
    void aBatchIsNeverLargerThanTheLimit() {
        CoalescingReader<String> reader = new CoalescingReader<>(this::echo, NO_OUTAGE, 3, 1);
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
                NO_OUTAGE,
                64,
                2);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> hammer(reader, 16, 2_000));
        assertThat(mostAtOnce.get()).isBetween(1, 2);
    }

    @Test
    void everyCallerIsAnsweredWithItsOwnKeyUnderContention() {
        for (int inFlight = 1; inFlight <= 3; inFlight++) {
            CoalescingReader<String> reader = new CoalescingReader<>(this::echo, NO_OUTAGE, 8, inFlight);
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
                NO_OUTAGE,
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
        AtomicInteger readsAfterTheHeldOne = new AtomicInteger();
        List<Future<Optional<String>>> failing = queueBehindAHeldRead(
                keys -> {
                    if (readsAfterTheHeldOne.incrementAndGet() == 1) {
                        throw new IllegalStateException("the database went away");
                    }
                    return echo(keys);
                },
                List.of("k1", "k2", "k3"));

        for (Future<Optional<String>> caller : failing) {
            assertThatThrownBy(() -> caller.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(IllegalStateException.class)
                    .hasRootCauseMessage("the database went away");
        }
        assertThat(heldReader.get("k4")).contains("value of k4");
    }

    @Test
    void callersQueuedBehindABatchThatFailsForAnOutageFailWithItWithoutAReadOfTheirOwn() throws Exception {
        AtomicInteger laterReads = new AtomicInteger();
        Queued queued = queueBehindAHeldRead(
                keys -> {
                    throw new IllegalStateException("the database is unreachable");
                },
                keys -> {
                    laterReads.incrementAndGet();
                    return echo(keys);
                },
                IllegalStateException.class::isInstance,
                List.of("k1", "k2", "k3"));

        assertThatThrownBy(() -> queued.held().get(10, TimeUnit.SECONDS))
                .hasRootCauseMessage("the database is unreachable");
        for (Future<Optional<String>> caller : queued.callers()) {
            assertThatThrownBy(() -> caller.get(10, TimeUnit.SECONDS))
                    .hasRootCauseMessage("the database is unreachable");
        }
        assertThat(laterReads).hasValue(0);
        assertThat(heldReader.get("k4")).as("the next caller reads again").contains("value of k4");
        assertThat(laterReads).hasValue(1);
    }

    @Test
    void callersQueuedBehindABatchThatFailsForItsOwnKeysGetAReadOfTheirOwn() throws Exception {
        Queued queued = queueBehindAHeldRead(
                keys -> {
                    throw new IllegalArgumentException("a value cannot be stored");
                },
                this::echo,
                IllegalStateException.class::isInstance,
                List.of("k1", "k2"));

        assertThatThrownBy(() -> queued.held().get(10, TimeUnit.SECONDS))
                .hasRootCauseInstanceOf(IllegalArgumentException.class);
        for (Future<Optional<String>> caller : queued.callers()) {
            assertThat(caller.get(10, TimeUnit.SECONDS)).isPresent();
        }
    }

    @Test
    void aCallerInterruptedBeforeItAsksKeepsItsInterruptButNoReadRunsInterrupted() throws Exception {
        List<Boolean> readInterrupted = new CopyOnWriteArrayList<>();
        CoalescingReader<String> reader = new CoalescingReader<>(
                keys -> {
                    readInterrupted.add(Thread.currentThread().isInterrupted());
                    return echo(keys);
                },
                NO_OUTAGE,
                64,
                1);
        Future<Boolean> interrupted = callers.submit(() -> {
            Thread.currentThread().interrupt();
            assertThat(reader.get("k")).contains("value of k");
            return Thread.currentThread().isInterrupted();
        });
        assertThat(interrupted.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(readInterrupted).containsExactly(false);
    }

    @Test
    void aCallerInterruptedWhileQueuedWaitsForItsAnswerAndKeepsItsInterrupt() throws Exception {
        whileQueued = () -> parkedThreads().forEach(Thread::interrupt);
        List<Future<Optional<String>>> queued = queueBehindAHeldRead(this::echo, List.of("k1"));

        assertThat(queued.get(0).get(10, TimeUnit.SECONDS)).contains("value of k1");
        assertThat(interruptedAfterAnswer).containsExactly(true);
    }

    @Test
    void aReadThatReturnsNothingUsableFailsItsCallersInsteadOfLeavingThemParked() {
        CoalescingReader<String> reader = new CoalescingReader<>(keys -> null, NO_OUTAGE, 64, 1);

        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(() -> reader.get("k"))
                .isInstanceOf(NullPointerException.class));
    }

    @Test
    void aReaderNeedsRoomForAtLeastOneKeyAndOneBatch() {
        assertThatThrownBy(() -> new CoalescingReader<>(this::echo, NO_OUTAGE, 0, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CoalescingReader<>(this::echo, NO_OUTAGE, 1, 0))
                .isInstanceOf(IllegalArgumentException.class);

        CoalescingReader<String> smallest = new CoalescingReader<>(this::echo, NO_OUTAGE, 1, 1);
        assertThat(smallest.get("a")).contains("value of a");
    }

    @Test
    void aCheckedExceptionThrownByTheReadReachesTheCallerWrapped() {
        Exception checked = new java.io.IOException("socket closed");
        CoalescingReader<String> reader = new CoalescingReader<>(keys -> sneakyThrow(checked), NO_OUTAGE, 64, 1);

        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(() -> reader.get("k"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the batched read failed")
                .hasCause(checked));
    }

    @Test
    void anErrorThrownByTheReadReachesTheCallerAsItIs() {
        StackOverflowError error = new StackOverflowError("deep");
        CoalescingReader<String> reader = new CoalescingReader<>(
                keys -> {
                    throw error;
                },
                NO_OUTAGE,
                64,
                1);

        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(() -> reader.get("k"))
                .isSameAs(error));
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable, R> R sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    @Test
    void everyCallerGetsItsAnswerOrTheFailureWhenReadsFailAtRandomWithSeveralBatchesInFlight() {
        CoalescingReader<String> reader = new CoalescingReader<>(
                keys -> {
                    int roll = ThreadLocalRandom.current().nextInt(10);
                    if (roll == 0) {
                        throw new IllegalStateException("outage");
                    }
                    if (roll == 1) {
                        throw new IllegalArgumentException("this batch only");
                    }
                    return echo(keys);
                },
                IllegalStateException.class::isInstance,
                8,
                2);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int thread = t;
                running.add(callers.submit(() -> {
                    for (int i = 0; i < 3_000; i++) {
                        String key = "k" + thread + "-" + i;
                        try {
                            assertThat(reader.get(key)).contains("value of " + key);
                        } catch (IllegalStateException | IllegalArgumentException expected) {
                            assertThat(expected).hasMessageMatching("outage|this batch only");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> caller : running) {
                caller.get();
            }
        });
    }

    private CoalescingReader<String> heldReader = new CoalescingReader<>(this::echo, NO_OUTAGE, 64, 1);
    /** Run by {@link #queueBehindAHeldRead} once every caller is queued, before the held read is released. */
    private Runnable whileQueued = () -> {};
    /** Whether each queued caller's thread was interrupted right after its answer. */
    private final List<Boolean> interruptedAfterAnswer = new CopyOnWriteArrayList<>();

    /**
     * With one batch at a time: a first caller's read ("held") waits until every caller asking {@code keys} is queued
     * behind it, then the later reads go to {@code then}. Returns the queued callers' answers, once the held read has
     * answered its own caller.
     */
    private List<Future<Optional<String>>> queueBehindAHeldRead(
            CoalescingReader.BatchRead<String> then, List<String> keys) throws Exception {
        Queued queued = queueBehindAHeldRead(this::echo, then, NO_OUTAGE, keys);
        assertThat(queued.held().get(10, TimeUnit.SECONDS)).contains("value of held");
        return queued.callers();
    }

    private record Queued(Future<Optional<String>> held, List<Future<Optional<String>>> callers) {}

    /** As above, with the held read's answer and the outage rule given, and the held caller's answer not awaited. */
    private Queued queueBehindAHeldRead(
            CoalescingReader.BatchRead<String> held,
            CoalescingReader.BatchRead<String> then,
            Predicate<RuntimeException> outage,
            List<String> keys)
            throws Exception {
        CountDownLatch heldReadStarted = new CountDownLatch(1);
        CountDownLatch releaseHeldRead = new CountDownLatch(1);
        heldReader = new CoalescingReader<>(
                read -> {
                    if (read.equals(List.of("held"))) {
                        heldReadStarted.countDown();
                        await(releaseHeldRead);
                        return held.read(read);
                    }
                    return then.read(read);
                },
                outage,
                64,
                1);
        Future<Optional<String>> heldCaller = callers.submit(() -> heldReader.get("held"));
        assertThat(heldReadStarted.await(10, TimeUnit.SECONDS)).isTrue();
        AtomicInteger started = new AtomicInteger();
        List<Future<Optional<String>>> queued = new ArrayList<>();
        for (String key : keys) {
            queued.add(callers.submit(() -> {
                started.incrementAndGet();
                try {
                    return heldReader.get(key);
                } finally {
                    interruptedAfterAnswer.add(Thread.interrupted());
                }
            }));
        }
        awaitParked(started, keys.size());
        whileQueued.run();
        releaseHeldRead.countDown();
        return new Queued(heldCaller, queued);
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
        return parkedThreads().size();
    }

    private static List<Thread> parkedThreads() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(entry -> entry.getKey().getState() == Thread.State.WAITING)
                .filter(entry -> List.of(entry.getValue()).stream()
                        .anyMatch(frame -> frame.getClassName().equals(CoalescingReader.class.getName())
                                && frame.getMethodName().equals("get")))
                .map(Map.Entry::getKey)
                .toList();
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
