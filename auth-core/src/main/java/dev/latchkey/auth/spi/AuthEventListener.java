package dev.latchkey.auth.spi;

import dev.latchkey.auth.AuthEvent;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives audit events. Called synchronously on the thread of the operation; keep it fast. An exception thrown
 * here is logged and otherwise ignored: auditing never changes the outcome of an operation.
 */
@FunctionalInterface
public interface AuthEventListener {
    void onEvent(AuthEvent event);

    /**
     * The default listener: one SLF4J line per event on the logger {@code dev.latchkey.auth.audit}, WARN for reuse
     * detection and lock-outs, INFO otherwise. Events carry no code or token and destinations print masked, so
     * nothing sensitive is logged (ASVS 5.0 V16.2.5).
     */
    static AuthEventListener logging() {
        Logger log = LoggerFactory.getLogger("dev.latchkey.auth.audit");
        return event -> {
            if (event instanceof AuthEvent.RefreshReuseDetected || event instanceof AuthEvent.LockedOut) {
                log.warn("{}", event);
            } else {
                log.info("{}", event);
            }
        };
    }

    /** A listener that calls this one, then {@code next}; a failure of one does not keep the other from running. */
    default AuthEventListener andThen(AuthEventListener next) {
        Objects.requireNonNull(next, "next");
        return event -> {
            try {
                onEvent(event);
            } finally {
                next.onEvent(event);
            }
        };
    }
}
