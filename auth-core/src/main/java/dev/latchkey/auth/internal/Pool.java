package dev.latchkey.auth.internal;

import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * A small lock-free pool of reusable, non-thread-safe objects (an initialised {@code Mac} or {@code Signature}), so
 * that verification neither looks a provider up nor re-initialises a key per call. Unlike a {@code ThreadLocal} it
 * does not grow with the number of threads (virtual threads included): at most {@code slots} objects are kept, one
 * more is made when all are in use, and a surplus one is dropped on release.
 */
final class Pool<T> {
    /** Makes a fresh object; may throw, which the caller of {@link #take} sees. */
    interface Factory<T> {
        T create() throws java.security.GeneralSecurityException;
    }

    private final AtomicReferenceArray<@Nullable T> slots;
    private final int mask;
    private final Factory<T> factory;

    Pool(Factory<T> factory) {
        int wanted = Math.min(64, Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
        int size = Integer.highestOneBit(wanted - 1) << 1;
        this.slots = new AtomicReferenceArray<>(size);
        this.mask = size - 1;
        this.factory = factory;
    }

    /** A pooled object, or a new one if none is free. */
    T take() throws java.security.GeneralSecurityException {
        int start = start();
        for (int i = 0; i <= mask; i++) {
            int slot = (start + i) & mask;
            T item = slots.get(slot);
            if (item != null && slots.compareAndSet(slot, item, null)) {
                return item;
            }
        }
        return factory.create();
    }

    /** Returns an object in its initial state (only then); dropped if the pool is full. */
    void give(T item) {
        int start = start();
        for (int i = 0; i <= mask; i++) {
            int slot = (start + i) & mask;
            if (slots.get(slot) == null && slots.compareAndSet(slot, null, item)) {
                return;
            }
        }
    }

    private int start() {
        int h = System.identityHashCode(Thread.currentThread());
        return h ^ (h >>> 16);
    }
}
