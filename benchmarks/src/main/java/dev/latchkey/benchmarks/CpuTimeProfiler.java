package dev.latchkey.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time of the benchmark threads per operation ({@code ·cpu}, µs/op), next to JMH's wall-clock average. On a machine
 * shared with other builds a benchmark thread waits for a core a varying share of each iteration, which inflates
 * wall-clock time by whatever the other load happens to be; the thread's own CPU time does not include that wait, so
 * it is the steadier number to compare libraries by. Use with {@code -prof dev.latchkey.benchmarks.CpuTimeProfiler}.
 */
public final class CpuTimeProfiler implements InternalProfiler {
    static final String LABEL = "cpu";

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private Map<Long, Long> before = Map.of();

    @Override
    public String getDescription() {
        return "CPU time of the JMH worker threads per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        before = workerCpuNanos();
    }

    @Override
    @SuppressWarnings("rawtypes") // the InternalProfiler signature
    public Collection<? extends Result> afterIteration(
            BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
        Map<Long, Long> after = workerCpuNanos();
        long nanos = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            nanos += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        long ops = result.getMetadata().getMeasuredOps();
        double microsPerOp = ops == 0 ? Double.NaN : nanos / 1000.0 / ops;
        return List.of(new ScalarResult(LABEL, microsPerOp, "us/op", AggregationPolicy.AVG));
    }

    private Map<Long, Long> workerCpuNanos() {
        Map<Long, Long> cpu = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains("jmh-worker")) {
                long nanos = threads.getThreadCpuTime(info.getThreadId());
                if (nanos >= 0) {
                    cpu.put(info.getThreadId(), nanos);
                }
            }
        }
        return cpu;
    }
}
