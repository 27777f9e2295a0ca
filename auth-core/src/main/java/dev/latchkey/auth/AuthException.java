package dev.latchkey.auth;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The one root of every expected failure in Latchkey. Each instance carries a stable {@link ErrorCode}, a suggested
 * HTTP status and, for throttling errors, how long the caller should wait.
 *
 * <p>Messages are written for developers and operators and never contain a one-time code, a token, a secret or a
 * hash, so they may be logged and returned to clients as they are.
 */
public class AuthException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;
    private final transient @Nullable Duration retryAfter;

    public AuthException(ErrorCode errorCode, String message) {
        this(errorCode, message, null, null);
    }

    public AuthException(
            ErrorCode errorCode, String message, @Nullable Duration retryAfter, @Nullable Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
        this.retryAfter = retryAfter;
    }

    /** Thrown for malformed or unacceptable input; nothing was changed. */
    public static AuthException invalidRequest(String message) {
        return new AuthException(ErrorCode.INVALID_REQUEST, message);
    }

    /** Thrown when a store could not be reached or failed; callers must treat it as a failed operation. */
    public static AuthException unavailable(String message, @Nullable Throwable cause) {
        return new AuthException(ErrorCode.UNAVAILABLE, message, null, cause);
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    /** Shorthand for {@code errorCode().code()}: the stable wire name, for example {@code invalid_code}. */
    public String code() {
        return errorCode.code();
    }

    /** Shorthand for {@code errorCode().httpStatus()}. */
    public int httpStatus() {
        return errorCode.httpStatus();
    }

    /** For {@link ErrorCode#RATE_LIMITED} and {@link ErrorCode#TOO_MANY_ATTEMPTS}: how long to wait. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
