/**
 * In-memory implementations of every Latchkey store: {@link dev.latchkey.auth.store.memory.MemoryUserDatabase},
 * {@link dev.latchkey.auth.store.memory.MemoryOTPStore}, {@link dev.latchkey.auth.store.memory.MemoryRateLimitStore},
 * {@link dev.latchkey.auth.store.memory.MemorySessionStore} and {@link
 * dev.latchkey.auth.store.memory.MemoryRevocationList}, or all of them at once from {@link
 * dev.latchkey.auth.store.memory.MemoryStores#create()}.
 *
 * <p>They are thread-safe and atomic, bounded in memory, and purge expired entries as they go. State is lost when
 * the process ends and is not shared between processes: use them for tests, demos and single-instance applications;
 * run several instances against a shared store (PostgreSQL, Redis) instead.
 */
@NullMarked
package dev.latchkey.auth.store.memory;

import org.jspecify.annotations.NullMarked;
