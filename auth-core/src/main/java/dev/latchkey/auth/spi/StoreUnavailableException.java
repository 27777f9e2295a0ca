package dev.latchkey.auth.spi;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * An {@link ErrorCode#UNAVAILABLE} failure of a store that says why, so that health reports and logs can name the
 * cause class (a wrong database name, a rejected password) instead of only "unreachable". A store throws it where it
 * can tell; any other {@link RuntimeException} is still treated as unavailable, classified from its cause chain by
 * {@link #reasonOf(Throwable)}.
 *
 * <p>It is an {@link AuthException}, so callers that handle {@code UNAVAILABLE} need nothing new. Its message must not
 * contain secrets (passwords, URLs with credentials); the cause may carry the driver's own exception.
 */
public class StoreUnavailableException extends AuthException {
    private static final long serialVersionUID = 1L;

    /** Why a store is unavailable, coarse enough to show in a health report. */
    public enum Reason {
        /** The server refused the credentials or the user (PostgreSQL SQLState class 28, Redis WRONGPASS/NOAUTH). */
        AUTHENTICATION_FAILED("authentication failed"),
        /** The server answered, but the configured database does not exist (PostgreSQL 3D000, a Redis DB index). */
        DATABASE_MISSING("database missing"),
        /** Nothing listens at the configured host and port. */
        CONNECTION_REFUSED("connection refused"),
        /** The server did not answer in time. */
        TIMEOUT("timeout"),
        /** Anything else. */
        OTHER("unreachable or failing");

        private final String description;

        Reason(String description) {
            this.description = description;
        }

        /** A short, secret-free description, as shown in a health report. */
        public String description() {
            return description;
        }
    }

    /** Bounds the walk over causes and suppressed exceptions, whatever a driver builds. */
    private static final int MAX_EXCEPTIONS_READ = 64;

    private final Reason reason;

    public StoreUnavailableException(Reason reason, String message, @Nullable Throwable cause) {
        super(ErrorCode.UNAVAILABLE, message, null, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }

    /**
     * Classifies any failure: the reason of the first {@code StoreUnavailableException} among its causes, else {@link
     * Reason#CONNECTION_REFUSED} for a {@link ConnectException}, {@link Reason#TIMEOUT} for a {@link
     * SocketTimeoutException} or {@link TimeoutException}, else {@link Reason#OTHER}. Suppressed exceptions count as
     * causes: a driver that tries each address of a host name reports the per-address failures that way.
     */
    public static Reason reasonOf(Throwable failure) {
        // Identity set: a cause chain can loop, and equals() of a foreign exception is not to be trusted.
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> pending = new ArrayDeque<>();
        pending.add(failure);
        @Nullable Reason fromJdk = null;
        while (!pending.isEmpty() && seen.size() < MAX_EXCEPTIONS_READ) {
            Throwable t = pending.removeFirst();
            if (!seen.add(t)) {
                continue;
            }
            if (t instanceof StoreUnavailableException store) {
                return store.reason();
            }
            if (fromJdk == null) {
                if (t instanceof ConnectException) {
                    fromJdk = Reason.CONNECTION_REFUSED;
                } else if (t instanceof SocketTimeoutException || t instanceof TimeoutException) {
                    fromJdk = Reason.TIMEOUT;
                }
            }
            Throwable cause = t.getCause();
            if (cause != null) {
                pending.addLast(cause);
            }
            pending.addAll(Arrays.asList(t.getSuppressed()));
        }
        return fromJdk == null ? Reason.OTHER : fromJdk;
    }
}
