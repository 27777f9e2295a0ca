package dev.latchkey.examples;

import dev.latchkey.auth.AuthEvent;
import dev.latchkey.auth.spi.AuthEventListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Counts audit events for {@code /api/admin/stats}. The server installs it after the core's logging listener
 * ({@code AuthEventListener.logging().andThen(stats)}). Counters are per process and start at zero.
 */
final class StatsListener implements AuthEventListener {
    private final Clock clock;
    private final Instant startedAt;
    private final LongAdder codesSent = new LongAdder();
    private final LongAdder sendsThrottled = new LongAdder();
    private final LongAdder codesVerified = new LongAdder();
    private final LongAdder codesFailed = new LongAdder();
    private final LongAdder lockouts = new LongAdder();
    private final LongAdder usersCreated = new LongAdder();
    private final LongAdder logins = new LongAdder();
    private final LongAdder refreshes = new LongAdder();
    private final LongAdder refreshReuses = new LongAdder();
    private final LongAdder signOuts = new LongAdder();

    StatsListener(Clock clock) {
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    @Override
    public void onEvent(AuthEvent event) {
        LongAdder counter = counterOf(event);
        if (counter != null) {
            counter.increment();
        }
    }

    private @Nullable LongAdder counterOf(AuthEvent event) {
        if (event instanceof AuthEvent.CodeSent) {
            return codesSent;
        } else if (event instanceof AuthEvent.SendThrottled) {
            return sendsThrottled;
        } else if (event instanceof AuthEvent.CodeVerified) {
            return codesVerified;
        } else if (event instanceof AuthEvent.CodeFailed) {
            return codesFailed;
        } else if (event instanceof AuthEvent.LockedOut) {
            return lockouts;
        } else if (event instanceof AuthEvent.UserCreated) {
            return usersCreated;
        } else if (event instanceof AuthEvent.LoggedIn) {
            return logins;
        } else if (event instanceof AuthEvent.Refreshed) {
            return refreshes;
        } else if (event instanceof AuthEvent.RefreshReuseDetected) {
            return refreshReuses;
        } else if (event instanceof AuthEvent.SignedOut) {
            return signOuts;
        }
        return null;
    }

    /** Uptime and counters as a JSON-ready map. */
    Map<String, Object> snapshot() {
        Map<String, Object> counters = new LinkedHashMap<>();
        counters.put("codesSent", codesSent.sum());
        counters.put("sendsThrottled", sendsThrottled.sum());
        counters.put("codesVerified", codesVerified.sum());
        counters.put("codesFailed", codesFailed.sum());
        counters.put("lockouts", lockouts.sum());
        counters.put("usersCreated", usersCreated.sum());
        counters.put("logins", logins.sum());
        counters.put("refreshes", refreshes.sum());
        counters.put("refreshReuses", refreshReuses.sum());
        counters.put("signOuts", signOuts.sum());
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("startedAt", startedAt.toString());
        stats.put(
                "uptimeSeconds",
                Math.max(0, Duration.between(startedAt, clock.instant()).toSeconds()));
        stats.put("counters", counters);
        return stats;
    }
}
