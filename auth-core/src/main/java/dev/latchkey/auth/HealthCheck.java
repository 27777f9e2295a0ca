package dev.latchkey.auth;

import dev.latchkey.auth.spi.Store;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Probes every store once and aggregates the answers into a {@link HealthReport}. */
final class HealthCheck {
    private final Map<String, Store> stores;
    private final Duration degradedThreshold;

    /** @param stores the stores by component name, in report order; the raw stores, so a probe sees real failures */
    HealthCheck(Map<String, Store> stores, Duration degradedThreshold) {
        this.stores = Collections.unmodifiableMap(new LinkedHashMap<>(stores));
        this.degradedThreshold = degradedThreshold;
    }

    HealthReport check() {
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
