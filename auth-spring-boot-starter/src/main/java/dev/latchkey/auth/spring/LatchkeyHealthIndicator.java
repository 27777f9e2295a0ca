package dev.latchkey.auth.spring;

import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.HealthReport;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Actuator health from {@link AuthFacade#health()}: DOWN when a store is down, otherwise UP; a store slower than the
 * configured threshold is reported in the details ({@code "latchkey": "DEGRADED"}) but keeps the status UP, so that a
 * slow store (or one served by its fallback) does not take every instance out of a load balancer at once. Each store
 * is a detail with its status, latency and, when its fallback serves it, {@code "fallback": true}.
 */
public final class LatchkeyHealthIndicator implements HealthIndicator {
    private final AuthFacade auth;

    public LatchkeyHealthIndicator(AuthFacade auth) {
        this.auth = auth;
    }

    @Override
    public Health health() {
        HealthReport report = auth.health();
        Health.Builder health = report.status() == HealthReport.Status.DOWN ? Health.down() : Health.up();
        health.withDetail("latchkey", report.status().name());
        new TreeMap<>(report.components()).forEach((name, component) -> {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("status", component.status().name());
            detail.put("latencyMs", component.latency().toNanos() / 1_000_000.0);
            component.detailText().ifPresent(text -> detail.put("detail", text));
            if (component.fallback()) {
                detail.put("fallback", true);
            }
            health.withDetail(name, detail);
        });
        return health.build();
    }
}
