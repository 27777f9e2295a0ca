package dev.latchkey.auth.internal.memory;

import dev.latchkey.auth.AuthException;
import java.time.Instant;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A bounded concurrent map whose values expire, with an expiry-ordered index so that expired entries are found from
 * the head of the index instead of by scanning the map.
 *
 * <p>Invariant: for every entry {@code (key, value)} the index holds exactly one mark {@code (expiry(value), key)},
 * and an absent key has no mark. Marks of a key are only added or removed inside {@link ConcurrentHashMap#compute}
 * for that key, so they change under the same per-key lock as the entry and can never disagree with it for long
 * enough to matter: a purge that reads a head mark re-checks it under the lock before removing anything.
 *
 * <p>Every write first removes a few expired heads ({@value #PURGE_PER_WRITE}), and a write adds at most one entry,
 * so expired entries never pile up while the map is in use; {@link #purgeExpired} drains all of them.
 *
 * <p>Shared by the core's local fallback stores and the {@code auth-store-memory} module (the only module this
 * package is exported to), so the bounded, fail-closed memory store exists once.
 *
 * @param <V> immutable value type
 */
public final class ExpiringMap<V> {
    /** More than the one entry a write can add, so the backlog of expired entries shrinks under any load. */
    public static final int PURGE_PER_WRITE = 4;

    /** Told about every change of an entry, inside the entry's lock; {@code null} stands for absent. */
    @FunctionalInterface
    public interface ChangeListener<V> {
        /** Called with the entry's value before and after the change. */
        void changed(String key, V before, V after);
    }

    private record Mark(Instant expiresAt, String key) implements Comparable<Mark> {
        @Override
        public int compareTo(Mark other) {
            int byTime = expiresAt.compareTo(other.expiresAt);
            return byTime != 0 ? byTime : key.compareTo(other.key);
        }
    }

    /** Thrown inside a compute when a new entry does not fit; never escapes this class. */
    private static final class Full extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Full() {
            super(null, null, false, false);
        }
    }

    private final ConcurrentHashMap<String, V> entries = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<Mark> byExpiry = new ConcurrentSkipListSet<>();
    private final AtomicInteger size = new AtomicInteger();
    private final String description;
    private final int capacity;
    private final Function<V, Instant> expiryOf;
    private final ChangeListener<V> listener;

    /**
     * A map of at most {@code capacity} entries, each expiring at {@code expiryOf(value)}.
     *
     * @param description names the map in the error a full map throws
     * @param listener told about every change of an entry, inside the entry's lock
     * @throws IllegalArgumentException if the capacity is below 1
     */
    public ExpiringMap(String description, int capacity, Function<V, Instant> expiryOf, ChangeListener<V> listener) {
        if (capacity < 1) {
            throw new IllegalArgumentException(description + " capacity must be at least 1");
        }
        this.description = description;
        this.capacity = capacity;
        this.expiryOf = expiryOf;
        this.listener = listener;
    }

    /** A map without a change listener; see {@link #ExpiringMap(String, int, Function, ChangeListener)}. */
    public ExpiringMap(String description, int capacity, Function<V, Instant> expiryOf) {
        this(description, capacity, expiryOf, (key, before, after) -> {});
    }

    /** The current value, live or not; callers decide liveness with their own {@code now}. */
    public @Nullable V get(String key) {
        return entries.get(key);
    }

    /**
     * Atomically replaces the key's value by {@code update.apply(key, current)} ({@code null} meaning absent on
     * either side), after purging a few expired entries as of {@code now}.
     *
     * @return the new value, or {@code null} if the key is now absent
     * @throws AuthException {@code UNAVAILABLE} if a new key does not fit even after purging every expired entry
     */
    public V compute(String key, Instant now, BiFunction<String, V, V> update) {
        purge(now, PURGE_PER_WRITE);
        try {
            return entries.compute(key, (k, before) -> apply(k, before, update));
        } catch (Full full) {
            purge(now, Integer.MAX_VALUE);
            try {
                return entries.compute(key, (k, before) -> apply(k, before, update));
            } catch (Full stillFull) {
                // Fail closed instead of evicting live entries: evicting throttle counters or pending challenges
                // would reset attempt limits (OWASP ASVS 5.0 V6.3, NIST SP 800-63B-4 §3.2.2 rate limiting).
                throw AuthException.unavailable(description + " is full (" + capacity + " entries)", null);
            }
        }
    }

    /** Removes the key's entry. */
    public boolean remove(String key) {
        boolean[] removed = {false};
        entries.compute(key, (k, before) -> {
            removed[0] = before != null;
            return apply(k, before, (k2, v) -> null);
        });
        return removed[0];
    }

    /** Removes every entry that expired at or before {@code now}; returns how many. */
    public int purgeExpired(Instant now) {
        return purge(now, Integer.MAX_VALUE);
    }

    /** Entries held, expired or not. */
    public int size() {
        return size.get();
    }

    /** Marks in the expiry index; equals {@link #size()} whenever no write is in progress. */
    public int indexedCount() {
        return byExpiry.size();
    }

    private V apply(String key, V before, BiFunction<String, V, V> update) {
        V after = update.apply(key, before);
        if (before == null && after != null) {
            reserveSlot();
        } else if (before != null && after == null) {
            size.decrementAndGet();
        }
        Instant expiryBefore = before == null ? null : expiryOf.apply(before);
        Instant expiryAfter = after == null ? null : expiryOf.apply(after);
        if (!Objects.equals(expiryBefore, expiryAfter)) {
            if (expiryBefore != null) {
                byExpiry.remove(new Mark(expiryBefore, key));
            }
            if (expiryAfter != null) {
                byExpiry.add(new Mark(expiryAfter, key));
            }
        }
        if (before != after) {
            listener.changed(key, before, after);
        }
        return after;
    }

    private void reserveSlot() {
        while (true) {
            int current = size.get();
            if (current >= capacity) {
                throw new Full();
            }
            if (size.compareAndSet(current, current + 1)) {
                return;
            }
        }
    }

    private int purge(Instant now, int limit) {
        int removed = 0;
        for (int examined = 0; examined < limit; examined++) {
            Iterator<Mark> head = byExpiry.iterator();
            if (!head.hasNext()) {
                break;
            }
            Mark mark = head.next();
            if (mark.expiresAt().isAfter(now)) {
                break;
            }
            boolean[] expired = {false};
            entries.compute(mark.key(), (k, before) -> {
                if (before != null && expiryOf.apply(before).equals(mark.expiresAt())) {
                    expired[0] = true;
                    return apply(k, before, (k2, v) -> null);
                }
                // The entry changed since the mark was read; its own mark is elsewhere in the index.
                byExpiry.remove(mark);
                return before;
            });
            if (expired[0]) {
                removed++;
            }
        }
        return removed;
    }
}
