package dev.latchkey.auth.micrometer;

import dev.latchkey.auth.AuthEvent;
import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.Destination;
import dev.latchkey.auth.spi.AuthEventListener;
import dev.latchkey.auth.spi.OperationObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Publishes a facade's audit events as counters and its operations as timers. Register it on the builder as both the
 * event listener (keeping the default audit log) and the operation observer:
 *
 * <pre>{@code
 * LatchkeyMetrics metrics = new LatchkeyMetrics(meterRegistry);
 * AuthFacade auth = AuthFacade.builder()
 *         ...
 *         .eventListener(AuthEventListener.logging().andThen(metrics))
 *         .operationObserver(metrics)
 *         .build();
 * }</pre>
 *
 * <p>Meters (tag values in brackets; no tag carries personal data or the tenant, see the package description):
 *
 * <ul>
 *   <li>{@value #CODES_SENT} {@code channel} [email, sms], {@code delivered} [true, false: invite-only, unknown
 *       destination];
 *   <li>{@value #SENDS_THROTTLED} {@code limit} [the throttle's name: cooldown, destination, ip, tenant];
 *   <li>{@value #CODES_VERIFIED} {@code channel};
 *   <li>{@value #LOGIN_FAILURES} {@code reason} [invalid_code, locked_out];
 *   <li>{@value #LOCKOUTS} {@code channel};
 *   <li>{@value #LOGINS}, {@value #USERS_CREATED}, {@value #REFRESHES}, {@value #REFRESH_REUSE}, {@value
 *       #USERS_DISABLED};
 *   <li>{@value #SIGN_OUTS} {@code scope} [local, global, others];
 *   <li>{@value #OPERATIONS}, a timer per facade operation: {@code operation} [send_otp, verify_otp, refresh, ...],
 *       {@code outcome} [success, an error code such as invalid_code, or error for an unexpected exception].
 * </ul>
 */
public final class LatchkeyMetrics implements AuthEventListener, OperationObserver {
    /** Counter: codes generated and handed to the sender (or, invite-only, silently not sent). */
    public static final String CODES_SENT = "latchkey.otp.sent";
    /** Counter: code requests a throttle refused. */
    public static final String SENDS_THROTTLED = "latchkey.otp.throttled";
    /** Counter: correct codes presented. */
    public static final String CODES_VERIFIED = "latchkey.otp.verified";
    /** Counter: failed verifications, by reason. */
    public static final String LOGIN_FAILURES = "latchkey.login.failures";
    /** Counter: destinations whose failure budget ran out. */
    public static final String LOCKOUTS = "latchkey.lockouts";
    /** Counter: sessions started by a login. */
    public static final String LOGINS = "latchkey.logins";
    /** Counter: users created at their first login. */
    public static final String USERS_CREATED = "latchkey.users.created";
    /** Counter: refresh tokens rotated. */
    public static final String REFRESHES = "latchkey.refreshes";
    /** Counter: already-rotated refresh tokens presented, each revoking its session. */
    public static final String REFRESH_REUSE = "latchkey.refresh.reuse.detected";
    /** Counter: sign-outs, by scope. */
    public static final String SIGN_OUTS = "latchkey.signouts";
    /** Counter: users disabled. */
    public static final String USERS_DISABLED = "latchkey.users.disabled";
    /** Timer: facade operations, by operation and outcome. */
    public static final String OPERATIONS = "latchkey.operations";

    /** The {@code outcome} tag of an operation that returned normally. */
    public static final String SUCCESS = "success";
    /** The {@code outcome} tag of an operation that threw something other than an {@link AuthException}. */
    public static final String ERROR = "error";

    private final MeterRegistry registry;

    /** Metrics on {@code registry}; meters appear as their first event happens. */
    public LatchkeyMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void onEvent(AuthEvent event) {
        // Java 17 has no pattern matching in switch; every event kind is handled, none needs a tag it does not carry.
        if (event instanceof AuthEvent.CodeSent sent) {
            count(CODES_SENT, "channel", channel(sent.destination()), "delivered", Boolean.toString(sent.delivered()));
        } else if (event instanceof AuthEvent.SendThrottled throttled) {
            count(SENDS_THROTTLED, "limit", throttled.limit());
        } else if (event instanceof AuthEvent.CodeVerified verified) {
            count(CODES_VERIFIED, "channel", channel(verified.destination()));
        } else if (event instanceof AuthEvent.CodeFailed) {
            count(LOGIN_FAILURES, "reason", "invalid_code");
        } else if (event instanceof AuthEvent.LockedOut locked) {
            count(LOGIN_FAILURES, "reason", "locked_out");
            count(LOCKOUTS, "channel", channel(locked.destination()));
        } else if (event instanceof AuthEvent.UserCreated) {
            count(USERS_CREATED);
        } else if (event instanceof AuthEvent.LoggedIn) {
            count(LOGINS);
        } else if (event instanceof AuthEvent.Refreshed) {
            count(REFRESHES);
        } else if (event instanceof AuthEvent.RefreshReuseDetected) {
            count(REFRESH_REUSE);
        } else if (event instanceof AuthEvent.SignedOut signedOut) {
            count(SIGN_OUTS, "scope", signedOut.scope().name().toLowerCase(Locale.ROOT));
        } else if (event instanceof AuthEvent.UserDisabled) {
            count(USERS_DISABLED);
        }
    }

    @Override
    public void operationFinished(String operation, long elapsedNanos, @Nullable Throwable failure) {
        Timer.builder(OPERATIONS)
                .description("Latchkey facade operations")
                .tag("operation", operation)
                .tag("outcome", outcome(failure))
                .register(registry)
                .record(elapsedNanos, TimeUnit.NANOSECONDS);
    }

    /** {@link #SUCCESS}, the error code of an {@link AuthException}, or {@link #ERROR}: always from a small set. */
    static String outcome(@Nullable Throwable failure) {
        if (failure == null) {
            return SUCCESS;
        }
        return failure instanceof AuthException auth ? auth.code() : ERROR;
    }

    private static String channel(Destination destination) {
        return destination.channel().name().toLowerCase(Locale.ROOT);
    }

    private void count(String name, String... tags) {
        Counter.builder(name).tags(tags).register(registry).increment();
    }
}
