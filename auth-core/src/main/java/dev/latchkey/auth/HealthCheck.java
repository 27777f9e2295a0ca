package dev.latchkey.auth;

import dev.latchkey.auth.spi.Store;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Probes every store and aggregates the answers into a {@link HealthReport}. A report is reused for {@link #REUSE}, so
 * however often a health endpoint is called, the stores see at most one probe each per second.
 */
final class HealthCheck {
    static final Duration REUSE = Duration.ofSeconds(1);

    private final Map<String, Store> stores;
    private final Duration degradedThreshold;
    private volatile @Nullable Probed last;

    private record Probed(HealthReport report, long atNanos) {}

    /** @param stores the stores by component name, in report order; the raw stores, so a probe sees real failures */
    HealthCheck(Map<String, Store> stores, Duration degradedThreshold) {
        this.stores = Collections.unmodifiableMap(new LinkedHashMap<>(stores));
        this.degradedThreshold = degradedThreshold;
    }

    HealthReport check() {
        Probed previous = last;
        long now = System.nanoTime();
        if (previous != null && now - previous.atNanos() < REUSE.toNanos()) {
            return previous.report();
        }
        synchronized (this) {
            previous = last;
            if (previous != null && System.nanoTime() - previous.atNanos() < REUSE.toNanos()) {
                return previous.report();
            }
            HealthReport report = probeAll();
            last = new Probed(report, System.nanoTime());
            return report;
        }
    }

    private HealthReport probeAll() {
        Map<String, HealthReport.Component> components = new LinkedHashMap<>();
        HealthReport.Status overall = HealthReport.Status.UP;
        for (Map.Entry<String, Store> store : stores.entrySet()) {
            HealthReport.Component component = probe(store.getValue());
            components.put(store.getKey(), component);
            if (component.status().compareTo(overall) > 0) {
                overall = component.status();
            }
        }
        return new HealthReport(overall, components);
    }

    private HealthReport.Component probe(Store store) {
        long start = System.nanoTime();
        try {
            store.ping();
        } catch (RuntimeException e) {
            Duration latency = Duration.ofNanos(System.nanoTime() - start);
            return new HealthReport.Component(HealthReport.Status.DOWN, latency, "unreachable or failing");
        }
        Duration latency = Duration.ofNanos(System.nanoTime() - start);
        if (latency.compareTo(degradedThreshold) > 0) {
            return new HealthReport.Component(HealthReport.Status.DEGRADED, latency, "slower than threshold");
        }
        return new HealthReport.Component(HealthReport.Status.UP, latency, null);
    }
}
