package dev.latchkey.auth.store.postgres;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Reads keys one at a time for its callers but from the database in batches ("natural" or group batching, as
 * PostgreSQL's own group commit does for WAL flushes): a caller queues its key; if fewer than {@code maxInFlight}
 * batches are running, it runs one itself with every key queued by then; otherwise it waits for a running batch to
 * serve it. Nothing ever waits to fill a batch, so a lone caller pays one round trip as before, and under load many
 * lookups share one round trip, which moves the ceiling past a round trip per lookup.
 *
 * <p>Every read still starts after its caller asked (a key is taken off the queue only by a batch about to run), so a
 * caller never sees an answer older than its own call. A batch that fails fails every caller in it with the same
 * exception, each on its own thread; when the failure is an outage, the callers queued behind it fail with it too.
 *
 * <p>Why no caller is stranded: a batch runner releases its turn before it looks at the queue, and a caller queues its
 * key before it tries to take a turn. So either the caller's try succeeds, or a runner still holds a turn and will see
 * the key when it releases, and wake the oldest waiter to run the next batch.
 *
 * @param <V> what one key reads
 */
final class CoalescingReader<V> {

    /** One batched read: the answer for each key found; keys not in the map read as absent. */
    @FunctionalInterface
    interface BatchRead<V> {
        Map<String, V> read(List<String> keys);
    }

    private final BatchRead<V> read;
    private final Predicate<RuntimeException> outage;
    private final int maxBatch;
    private final Semaphore turns;
    private final ConcurrentLinkedQueue<Waiter<V>> queue = new ConcurrentLinkedQueue<>();

    /**
     * @param outage which read failures mean the database cannot be read at all (not just these keys): such a failure
     *     also fails every caller queued at that moment
     */
    CoalescingReader(BatchRead<V> read, Predicate<RuntimeException> outage, int maxBatch, int maxInFlight) {
        if (maxBatch < 1 || maxInFlight < 1) {
            throw new IllegalArgumentException("maxBatch and maxInFlight must be positive");
        }
        this.read = read;
        this.outage = outage;
        this.maxBatch = maxBatch;
        this.turns = new Semaphore(maxInFlight);
    }

    /** Reads {@code key}, in a batch with whatever other keys are waiting. */
    Optional<V> get(String key) {
        Objects.requireNonNull(key, "key");
        Waiter<V> waiter = new Waiter<>(key, Thread.currentThread());
        // A pending interrupt is set aside until the answer: a batch run on this thread holds other callers' keys,
        // and an interrupted connection borrow or socket read would fail all of them for this caller's sake.
        boolean interrupted = Thread.interrupted();
        queue.add(waiter);
        while (!waiter.done) {
            if (turns.tryAcquire()) {
                try {
                    // Bounded: the queue is FIFO and holds this caller's key until a batch takes it, so at most
                    // position / maxBatch runs; once another runner has taken it, this one waits for that batch.
                    while (!waiter.taken && runOneBatch()) {
                        // the next batch
                    }
                } finally {
                    turns.release();
                    wakeNextRunner();
                }
                if (waiter.done) {
                    break;
                }
            }
            // A running batch either holds this key or, on finishing, wakes the oldest waiter to run the next.
            LockSupport.park(this);
            // An interrupt would make every later park return at once: remember it for the caller instead.
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return waiter.answer();
    }

    /** Reads the keys at the head of the queue; false if it was empty. */
    private boolean runOneBatch() {
        List<Waiter<V>> batch = new ArrayList<>(Math.min(maxBatch, 16));
        try {
            Waiter<V> next;
            while (batch.size() < maxBatch && (next = queue.poll()) != null) {
                next.taken = true;
                batch.add(next);
            }
            if (batch.isEmpty()) {
                return false;
            }
            if (!queue.isEmpty() && turns.availablePermits() > 0) {
                // More than one batch is waiting and a turn is free: let the oldest caller left run it meanwhile.
                wakeNextRunner();
            }
            Map<String, V> found;
            try {
                found = read.read(keysOf(batch));
            } catch (RuntimeException failure) {
                if (outage.test(failure)) {
                    // Those queued behind an outage would each wait for this batch and then for one of their own,
                    // twice the time in which a failed call promises its answer. They asked while this read was
                    // failing, so failing them with it is fail closed and in time; an answer found is never shared
                    // this way.
                    Waiter<V> queued;
                    while ((queued = queue.poll()) != null) {
                        queued.taken = true;
                        queued.fail(failure);
                    }
                }
                throw failure;
            }
            for (Waiter<V> waiter : batch) {
                waiter.answer(found.get(waiter.key));
            }
            return true;
        } catch (Throwable failure) {
            // Whatever went wrong, nobody taken off the queue is left waiting: its key is in no queue any more.
            for (Waiter<V> waiter : batch) {
                if (!waiter.done) {
                    waiter.fail(failure);
                }
            }
            return true;
        }
    }

    private static List<String> keysOf(List<? extends Waiter<?>> batch) {
        if (batch.size() == 1) {
            return List.of(batch.get(0).key);
        }
        // Two callers asking for the same key share a slot in the read.
        Map<String, Boolean> distinct = new HashMap<>();
        List<String> keys = new ArrayList<>(batch.size());
        for (Waiter<?> waiter : batch) {
            if (distinct.putIfAbsent(waiter.key, Boolean.TRUE) == null) {
                keys.add(waiter.key);
            }
        }
        return keys;
    }

    private void wakeNextRunner() {
        Waiter<V> oldest = queue.peek();
        if (oldest != null) {
            LockSupport.unpark(oldest.thread);
        }
    }

    private static final class Waiter<V> {
        final String key;
        final Thread thread;
        private @Nullable V value;
        private @Nullable Throwable failure;
        /** Set when a batch takes the key off the queue: from then on only that batch answers it. */
        volatile boolean taken;
        /** Written last, after the answer; its volatile write publishes the answer to the waiting thread. */
        volatile boolean done;

        Waiter(String key, Thread thread) {
            this.key = key;
            this.thread = thread;
        }

        void answer(@Nullable V found) {
            value = found;
            finish();
        }

        void fail(Throwable cause) {
            failure = cause;
            finish();
        }

        private void finish() {
            done = true;
            if (thread != Thread.currentThread()) {
                LockSupport.unpark(thread);
            }
        }

        Optional<V> answer() {
            Throwable cause = failure;
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            if (cause != null) {
                // A checked exception thrown sneakily by the read.
                throw new IllegalStateException("the batched read failed", cause);
            }
            return Optional.ofNullable(value);
        }
    }
}
