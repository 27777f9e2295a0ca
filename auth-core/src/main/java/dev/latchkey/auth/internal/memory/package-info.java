/**
 * Bounded in-memory stores shared by the core's local fallback (codes and counters while Redis is unreachable) and the
 * {@code auth-store-memory} module, which wraps them. Not an API: exported only so that the memory store module can
 * use it from the class path too, and free to change in any release.
 */
@NullMarked
package dev.latchkey.auth.internal.memory;

import org.jspecify.annotations.NullMarked;
