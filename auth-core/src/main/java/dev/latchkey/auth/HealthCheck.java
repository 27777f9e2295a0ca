package dev.latchkey.auth;

import dev.latchkey.auth.spi.Store;
import dev.latchkey.auth.spi.StoreUnavailableException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every store and aggregates the answers into a {@link HealthReport}. A report is reused for {@link #REUSE}, so
 * however often a health endpoint is called, the stores see at most one probe each per second.
 *
 * <p>The probes run in parallel and the whole check is bounded by one deadline, so a backend that hangs costs one
 * timeout, not one per store; a probe that misses it is DOWN with "timeout". A DOWN component names its cause class
 * ({@link StoreUnavailableException.Reason}), and each change of a component's state is logged once, not per request.
 */
final class HealthCheck {
    static final Duration REUSE = Duration.ofSeconds(1);
    static final Duration DEADLINE = Duration.ofMillis(2500);

    private static final Logger LOG = LoggerFactory.getLogger(HealthCheck.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Map<String, Store> stores;
    private final Fallbacks fallbacks;
    private final Duration degradedThreshold;
    private final Duration deadline;
    private final Map<String, Supplier<String>> notes;
    private final long reuseNanos;
    private final Logger log;
    /**
     * Daemon threads, so a hung probe never keeps the host's JVM alive. At most one probe per store is in flight (see
     * {@link #inFlight}), so a store that never answers holds one thread, not one per check.
     */
    private final ExecutorService executor = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "latchkey-health-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    private final Map<String, Future<Outcome>> inFlight = new ConcurrentHashMap<>();
    /** The last state logged per component, so a state is logged when it changes only. */
    private final Map<String, String> logged = new ConcurrentHashMap<>();

    private volatile @Nullable Probed last;

    private record Probed(HealthReport report, long atNanos) {}

    /** A component's health and, when DOWN from a failure, that failure (for the log only, never the report). */
    private record Outcome(
            HealthReport.Component component, @Nullable Throwable failure) {}

    /**
     * Which components a fallback serves: given a component's name and its probed health, the detail to report when
     * a fallback serves it (the component is then DEGRADED, not DOWN), or empty.
     */
    @FunctionalInterface
    interface Fallbacks {
        Fallbacks NONE = (name, probed) -> Optional.empty();

        Optional<String> serving(String name, HealthReport.Component probed);
    }

    /** @param stores the stores by component name, in report order; the raw stores, so a probe sees real failures */
    HealthCheck(Map<String, Store> stores, Duration degradedThreshold) {
        this(stores, Fallbacks.NONE, degradedThreshold, DEADLINE, Map.of());
    }

    /**
     * @param fallbacks which components a fallback serves
     * @param notes per component, a state shown as the detail of an UP or DEGRADED component (such as whether the
     *     revocation mirror is live): information, never a failure
     */
    HealthCheck(
            Map<String, Store> stores,
            Fallbacks fallbacks,
            Duration degradedThreshold,
            Map<String, Supplier<String>> notes) {
        this(stores, fallbacks, degradedThreshold, DEADLINE, notes);
    }

    HealthCheck(Map<String, Store> stores, Fallbacks fallbacks, Duration degradedThreshold) {
        this(stores, fallbacks, degradedThreshold, DEADLINE, Map.of());
    }

    HealthCheck(Map<String, Store> stores, Duration degradedThreshold, Duration deadline) {
        this(stores, Fallbacks.NONE, degradedThreshold, deadline, Map.of());
    }

    private HealthCheck(
            Map<String, Store> stores,
            Fallbacks fallbacks,
            Duration degradedThreshold,
            Duration deadline,
            Map<String, Supplier<String>> notes) {
        this(stores, fallbacks, degradedThreshold, deadline, notes, REUSE, LOG);
    }

    /**
     * @param reuse how long a report is reused ({@link #REUSE}; tests pass zero to probe on every check)
     * @param log where the changes of state go (tests pass one that records them)
     */
    HealthCheck(
            Map<String, Store> stores,
            Fallbacks fallbacks,
            Duration degradedThreshold,
            Duration deadline,
            Map<String, Supplier<String>> notes,
            Duration reuse,
            Logger log) {
        this.stores = Collections.unmodifiableMap(new LinkedHashMap<>(stores));
        this.fallbacks = fallbacks;
        this.degradedThreshold = degradedThreshold;
        this.deadline = deadline;
        this.notes = Map.copyOf(notes);
        this.reuseNanos = reuse.toNanos();
        this.log = log;
    }

    HealthReport check() {
        Probed previous = last;
        long now = System.nanoTime();
        if (previous != null && now - previous.atNanos() < reuseNanos) {
            return previous.report();
        }
        synchronized (this) {
            previous = last;
            if (previous != null && System.nanoTime() - previous.atNanos() < reuseNanos) {
                return previous.report();
            }
            HealthReport report = probeAll();
            last = new Probed(report, System.nanoTime());
            return report;
        }
    }

    private HealthReport probeAll() {
        long start = System.nanoTime();
        long end = start + deadline.toNanos();
        Map<String, Future<Outcome>> probes = new LinkedHashMap<>();
        for (Map.Entry<String, Store> store : stores.entrySet()) {
            probes.put(
                    store.getKey(),
                    inFlight.compute(
                            store.getKey(),
                            (name, running) -> running == null || running.isDone()
                                    ? executor.submit(() -> probe(store.getValue()))
                                    : running));
        }
        Map<String, HealthReport.Component> components = new LinkedHashMap<>();
        HealthReport.Status overall = HealthReport.Status.UP;
        for (Map.Entry<String, Future<Outcome>> probe : probes.entrySet()) {
            Outcome outcome = servedByFallback(probe.getKey(), await(probe.getValue(), start, end));
            logChange(probe.getKey(), outcome);
            HealthReport.Component component = noted(probe.getKey(), outcome.component());
            components.put(probe.getKey(), component);
            if (component.status().compareTo(overall) > 0) {
                overall = component.status();
            }
        }
        return new HealthReport(overall, components);
    }

    /** The component with its note as detail, when it has one and the probe left the detail free. */
    private HealthReport.Component noted(String name, HealthReport.Component component) {
        Supplier<String> note = notes.get(name);
        if (note == null || component.detail() != null) {
            return component;
        }
        return new HealthReport.Component(component.status(), component.latency(), note.get());
    }

    /**
     * A probe still running at the deadline is left to finish (a store's own timeouts end it); the next check reuses
     * it rather than starting another, so a hung backend cannot pile up threads.
     */
    private static Outcome await(Future<Outcome> probe, long start, long end) {
        try {
            return probe.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return new Outcome(
                    new HealthReport.Component(
                            HealthReport.Status.DOWN,
                            Duration.ofNanos(System.nanoTime() - start),
                            StoreUnavailableException.Reason.TIMEOUT.description()),
                    null);
        } catch (ExecutionException e) {
            // probe() catches every RuntimeException, so only an Error gets here: report it, never hide it.
            return down(Objects.requireNonNullElse(e.getCause(), e), Duration.ofNanos(System.nanoTime() - start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down(e, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /** A component its fallback serves is DEGRADED, whatever its store answered: the service runs, but weaker. */
    private Outcome servedByFallback(String name, Outcome probed) {
        HealthReport.Component component = probed.component();
        Optional<String> detail = fallbacks.serving(name, component);
        if (detail.isEmpty()) {
            return probed;
        }
        return new Outcome(
                new HealthReport.Component(HealthReport.Status.DEGRADED, component.latency(), detail.get(), true),
                probed.failure());
    }

    private Outcome probe(Store store) {
        long start = System.nanoTime();
        try {
            store.ping();
        } catch (RuntimeException e) {
            return down(e, Duration.ofNanos(System.nanoTime() - start));
        }
        Duration latency = Duration.ofNanos(System.nanoTime() - start);
        if (latency.compareTo(degradedThreshold) > 0) {
            return new Outcome(
                    new HealthReport.Component(HealthReport.Status.DEGRADED, latency, "slower than threshold"), null);
        }
        return new Outcome(new HealthReport.Component(HealthReport.Status.UP, latency, null), null);
    }

    private static Outcome down(Throwable failure, Duration latency) {
        String reason = StoreUnavailableException.reasonOf(failure).description();
        return new Outcome(new HealthReport.Component(HealthReport.Status.DOWN, latency, reason), failure);
    }

    private void logChange(String name, Outcome outcome) {
        HealthReport.Component component = outcome.component();
        String state =
                component.status() + component.detailText().map(d -> ": " + d).orElse("");
        String before = logged.put(name, state);
        if (state.equals(before) || (before == null && component.status() == HealthReport.Status.UP)) {
            return;
        }
        if (component.status() == HealthReport.Status.UP) {
            log.info("store {} is UP again (was {})", name, before);
        } else {
            // The driver's own words (such as: database "x" does not exist) are what an operator needs; drivers keep
            // passwords out of them, and the report itself shows only the cause class.
            Throwable failure = outcome.failure();
            log.warn("store {} is {}{}", name, state, failure == null ? "" : " (" + rootMessage(failure) + ")");
        }
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        for (int depth = 0; depth < 20; depth++) {
            Throwable cause = root.getCause();
            if (cause == null || cause == root) {
                break;
            }
            root = cause;
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
