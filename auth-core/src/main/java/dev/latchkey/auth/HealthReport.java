package dev.latchkey.auth;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Aggregated health of the stores behind a facade, as returned by {@code AuthFacade.health()}.
 *
 * @param status {@link Status#DOWN} if any store is down (and no fallback serves it), {@link Status#DEGRADED} if any
 *     is slow or served by its fallback, else {@link Status#UP}
 * @param components one entry per store, keyed by component name ({@code users}, {@code otp}, {@code sessions})
 */
public record HealthReport(Status status, Map<String, Component> components) {

    /** Health of the whole or of one component. */
    public enum Status {
        UP,
        DEGRADED,
        DOWN
    }

    /**
     * Health of one store.
     *
     * @param status UP, DEGRADED (answered, but slower than the configured threshold; or served by its fallback) or
     *     DOWN
     * @param latency how long the probe took
     * @param detail a short, secret-free explanation when not UP
     * @param fallback whether the component is served by its fallback ({@code STORE_FALLBACK}, {@code
     *     REVOCATION_OUTAGE_POLICY}) rather than by its store; then the status is DEGRADED
     */
    public record Component(
            Status status, Duration latency, @Nullable String detail, boolean fallback) {
        public Component {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(latency, "latency");
        }

        /** A component served by its own store. */
        public Component(Status status, Duration latency, @Nullable String detail) {
            this(status, latency, detail, false);
        }

        public Optional<String> detailText() {
            return Optional.ofNullable(detail);
        }
    }

    public HealthReport {
        Objects.requireNonNull(status, "status");
        components = Map.copyOf(components);
    }

    public boolean isUp() {
        return status == Status.UP;
    }
}
