package dev.latchkey.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The pool behind every pooled {@code Mac} and {@code Signature}: an object is held by one caller at a time, a given
 * back object is reused instead of a new one being made, and no more than the pool's capacity (twice the processors,
 * rounded up to a power of two, between 4 and 64) is ever kept.
 */
class PoolTest {
    /** A stand-in for a non-thread-safe JDK object: it notices being used by two callers at once. */
    private static final class Item {
        final int serial;
        final AtomicBoolean inUse = new AtomicBoolean();

        Item(int serial) {
            this.serial = serial;
        }
    }

    private final AtomicInteger created = new AtomicInteger();
    private final Pool<Item> pool = new Pool<>(() -> new Item(created.incrementAndGet()));

    @Test
    void anEmptyPoolMakesAFreshObjectForEachTake() throws Exception {
        Item first = pool.take();
        Item second = pool.take();

        assertThat(first).isNotNull();
        assertThat(second).isNotNull().isNotSameAs(first);
        assertThat(created).hasValue(2);
    }

    @Test
    void anObjectGivenBackIsReusedInsteadOfMakingANewOne() throws Exception {
        Item item = pool.take();
        pool.give(item);

        assertThat(pool.take()).isSameAs(item);
        assertThat(created).hasValue(1);
    }

    @Test
    void aPooledObjectIsHandedOutOnceUntilItIsGivenBackAgain() throws Exception {
        Item item = new Item(0);
        pool.give(item);

        Item taken = pool.take();
        Item next = pool.take();

        assertThat(taken).isSameAs(item);
        assertThat(next).as("the pool is empty again").isNotSameAs(item);
        assertThat(created).hasValue(1);
    }

    @Test
    void anObjectGivenBackOnOneThreadIsReusedOnAnother() throws Exception {
        Item item = new Item(0);
        pool.give(item);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            assertThat(other.submit(pool::take).get()).isSameAs(item);
        } finally {
            other.shutdownNow();
        }
        assertThat(created).hasValue(0);
    }

    @Test
    void thePoolKeepsExactlyItsCapacityAndDropsTheSurplus() throws Exception {
        int capacity = expectedCapacity();
        List<Item> given = new ArrayList<>();
        for (int i = 0; i < capacity + 3; i++) {
            given.add(new Item(-1 - i));
        }
        for (Item item : given) {
            pool.give(item);
        }

        Map<Item, Boolean> back = new IdentityHashMap<>();
        for (int i = 0; i < capacity + 3; i++) {
            Item taken = pool.take();
            assertThat(back.put(taken, Boolean.TRUE))
                    .as("each object is handed out once")
                    .isNull();
        }

        // The first `capacity` objects filled every slot; the three after them were dropped, so the last three takes
        // had to make new objects, and every kept object came back.
        assertThat(given.subList(0, capacity))
                .allSatisfy(item -> assertThat(back).containsKey(item));
        assertThat(given.subList(capacity, capacity + 3))
                .noneSatisfy(item -> assertThat(back).containsKey(item));
        assertThat(created).hasValue(3);
    }

    @Test
    void aFullPoolHandsBackEveryPooledObjectBeforeMakingANewOne() throws Exception {
        int capacity = expectedCapacity();
        List<Item> taken = new ArrayList<>();
        for (int i = 0; i < capacity; i++) {
            taken.add(pool.take());
        }
        for (Item item : taken) {
            pool.give(item);
        }

        for (int i = 0; i < capacity; i++) {
            assertThat(pool.take().serial).as("take %d of %d", i + 1, capacity).isLessThanOrEqualTo(capacity);
        }
        assertThat(created).as("no object made while pooled ones remained").hasValue(capacity);
        assertThat(pool.take().serial).as("the pool is empty now").isEqualTo(capacity + 1);
    }

    @Test
    void aFailureToMakeAnObjectReachesTheCaller() {
        Pool<Item> failing = new Pool<>(() -> {
            throw new GeneralSecurityException("no provider");
        });

        assertThatThrownBy(failing::take)
                .isInstanceOf(GeneralSecurityException.class)
                .hasMessage("no provider");
    }

    @Test
    void noObjectIsEverHeldByTwoThreadsAtOnce() throws Exception {
        int threads = 8;
        int rounds = 5_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        Set<String> violations = ConcurrentHashMap.newKeySet();
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                runs.add(executor.submit(() -> {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        Item item = pool.take();
                        if (!item.inUse.compareAndSet(false, true)) {
                            violations.add("item " + item.serial + " handed to two threads");
                        }
                        Thread.onSpinWait();
                        item.inUse.set(false);
                        pool.give(item);
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get(60, TimeUnit.SECONDS);
            }
        } finally {
            executor.shutdownNow();
        }

        assertThat(violations).isEmpty();
    }

    /** Twice the processors, at least 4 and at most 64, rounded up to a power of two. */
    private static int expectedCapacity() {
        int wanted = Math.min(64, Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
        int capacity = 1;
        while (capacity < wanted) {
            capacity *= 2;
        }
        return capacity;
    }
}
