package dev.latchkey.auth;

import dev.latchkey.auth.spi.AuthEventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers events to the host's listener; a failing listener never changes an operation's outcome. */
final class Audit {
    private static final Logger LOG = LoggerFactory.getLogger("dev.latchkey.auth.audit");

    private final AuthEventListener listener;

    Audit(AuthEventListener listener) {
        this.listener = listener;
    }

    void emit(AuthEvent event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.warn("audit listener failed for {}", event.getClass().getSimpleName(), e);
        }
    }
}
