package dev.latchkey.auth.spi;

import org.jspecify.annotations.Nullable;

/**
 * Optional timing hook: told, after each public operation of the facade, which operation ran, how long it took and
 * how it ended. Meant for metrics (the {@code auth-micrometer} module records a timer per operation and outcome).
 *
 * <p>Off unless given to the builder; without one the facade reads no clock and calls nothing extra. Called
 * synchronously on the operation's thread, after the operation finished, so keep it fast; an exception thrown here
 * is logged and otherwise ignored, like an {@link AuthEventListener}'s.
 */
@FunctionalInterface
public interface OperationObserver {

    /**
     * One facade operation finished.
     *
     * @param operation the operation's stable name: {@code send_otp}, {@code verify_otp}, {@code refresh}, {@code
     *     session}, {@code authenticate}, {@code verify_access_token}, {@code sign_out}, {@code list_sessions},
     *     {@code disable_user}, {@code find_user}, {@code update_user}, {@code external_sign_in}, {@code
     *     list_external_identities}, {@code unlink_external_identity} or {@code health}
     * @param elapsedNanos wall time, measured with {@link System#nanoTime()}
     * @param failure what it threw ({@link dev.latchkey.auth.AuthException} for every expected failure), or {@code
     *     null} when it returned normally
     */
    void operationFinished(String operation, long elapsedNanos, @Nullable Throwable failure);
}
