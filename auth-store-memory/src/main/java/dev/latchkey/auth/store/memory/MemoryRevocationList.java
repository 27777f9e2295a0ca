package dev.latchkey.auth.store.memory;

import dev.latchkey.auth.internal.memory.ExpiringMap;
import dev.latchkey.auth.spi.RevocationList;
import java.time.Instant;
import java.util.Objects;

/**
 * A {@link RevocationList} in the memory of one process. An entry is kept until the expiry it was revoked with (the
 * latest moment an access token of the session could still be accepted), after which later writes drop it.
 *
 * <p>Memory is bounded: at most {@code maxEntries} revocations are held. When the list is full of live entries,
 * {@link #revoke} fails with {@code UNAVAILABLE} rather than forgetting an earlier revocation, which would let a
 * signed-out session's access tokens back in.
 */
public final class MemoryRevocationList implements RevocationList {
    /** Default bound on held revocations. */
    public static final int DEFAULT_MAX_ENTRIES = 100_000;

    private final ExpiringMap<Instant> deniedUntil;

    /** A list with the default bound. */
    public MemoryRevocationList() {
        this(DEFAULT_MAX_ENTRIES);
    }

    /**
     * A list holding at most {@code maxEntries} revocations.
     *
     * @throws IllegalArgumentException if the bound is below 1
     */
    public MemoryRevocationList(int maxEntries) {
        this.deniedUntil = new ExpiringMap<>("in-memory revocation list", maxEntries, until -> until);
    }

    @Override
    public void revoke(String sessionId, Instant expiresAt, Instant now) {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(now, "now");
        if (!expiresAt.isAfter(now)) {
            // Every token of the session has expired already; an entry would only take a slot.
            return;
        }
        deniedUntil.compute(
                sessionId,
                now,
                (id, previous) -> previous == null || expiresAt.isAfter(previous) ? expiresAt : previous);
    }

    /**
     * {@inheritDoc}
     *
     * <p>An entry past its expiry may still answer {@code true} until a write purges it; by then every access token
     * it covered has expired anyway.
     */
    @Override
    public boolean isRevoked(String sessionId) {
        return deniedUntil.get(Objects.requireNonNull(sessionId, "sessionId")) != null;
    }

    /** Always answers: the list lives in this process. */
    @Override
    public void ping() {
        // Nothing can be unreachable.
    }

    int entryCount() {
        return deniedUntil.size();
    }
}
