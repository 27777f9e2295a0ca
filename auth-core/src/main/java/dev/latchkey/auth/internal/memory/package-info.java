/**
 * Bounded in-memory stores shared by the core's local fallback (codes and counters while Redis is unreachable) and the
 * {@code auth-store-memory} module, which is the only module this package is exported to. Not an API.
 */
@NullMarked
package dev.latchkey.auth.internal.memory;

import org.jspecify.annotations.NullMarked;
