package dev.latchkey.auth.spi;

import dev.latchkey.auth.AuthEvent;

/**
 * Receives audit events. Called synchronously on the thread of the operation; keep it fast. An exception thrown
 * here is logged and otherwise ignored: auditing never changes the outcome of an operation.
 */
@FunctionalInterface
public interface AuthEventListener {
    void onEvent(AuthEvent event);
}
