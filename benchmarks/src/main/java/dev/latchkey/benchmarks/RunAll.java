package dev.latchkey.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The whole benchmark: the JMH token benchmarks with a summary of ratios, then the {@link LoadHarness} (its arguments
 * pass through). {@code jmh=false} skips JMH, {@code load=false} the harness. {@code benchmarks=<regex>} picks
 * benchmark methods, {@code algorithms=ES256,EdDSA} the algorithms, and {@code forks=N} runs each benchmark in N JVMs
 * (JMH's error then spans JVM-to-JVM variation too, which a ratio of 1.1 needs to be told from noise).
 */
public final class RunAll {
    private RunAll() {}

    public static void main(String[] args) throws Exception {
        List<String> harnessArgs = new ArrayList<>();
        boolean jmh = true;
        boolean load = true;
        String benchmarks = "";
        String @Nullable [] algorithms = null;
        int forks = 1;
        for (String arg : args) {
            if (arg.equals("jmh=false")) {
                jmh = false;
            } else if (arg.equals("load=false")) {
                load = false;
            } else if (arg.startsWith("benchmarks=")) {
                // A regular expression on the benchmark method names, such as Verify, to run a subset.
                benchmarks = ".*" + arg.substring("benchmarks=".length());
            } else if (arg.startsWith("algorithms=")) {
                algorithms = arg.substring("algorithms=".length()).split(",");
            } else if (arg.startsWith("forks=")) {
                forks = Integer.parseInt(arg.substring("forks=".length()));
            } else {
                harnessArgs.add(arg);
            }
        }
        if (jmh) {
            OptionsBuilder options = new OptionsBuilder();
            options.include(TokenBenchmarks.class.getName() + benchmarks)
                    .addProfiler(CpuTimeProfiler.class)
                    .forks(forks);
            if (algorithms != null) {
                options.param("algorithm", algorithms);
            }
            Collection<RunResult> results = new Runner(options.build()).run();
            System.out.print(summary(results, null));
            System.out.print(summary(results, CpuTimeProfiler.LABEL));
        }
        if (load) {
            LoadHarness.main(harnessArgs.toArray(new String[0]));
        }
    }

    /**
     * µs per operation by algorithm and benchmark, and each library's ratio to the fastest library and the floor: by
     * wall clock ({@code metric} null, JMH's own score) or by a secondary result such as the benchmark thread's CPU
     * time ({@link CpuTimeProfiler#LABEL}).
     */
    static String summary(Collection<RunResult> results, @Nullable String metric) {
        Map<String, Map<String, Double>> byAlgorithm = new LinkedHashMap<>();
        for (RunResult r : results) {
            String algorithm = r.getParams().getParam("algorithm");
            String method = r.getParams()
                    .getBenchmark()
                    .substring(r.getParams().getBenchmark().lastIndexOf('.') + 1);
            byAlgorithm.computeIfAbsent(algorithm, a -> new LinkedHashMap<>()).put(method, score(r, metric));
        }
        return summary(byAlgorithm, metric);
    }

    /** The summary of µs per operation by algorithm and benchmark method name. */
    static String summary(Map<String, Map<String, Double>> byAlgorithm, @Nullable String metric) {
        StringBuilder out = new StringBuilder("\nToken benchmarks, "
                + (metric == null ? "wall-clock" : "benchmark-thread " + metric)
                + " µs/op (× = ratio to the fastest library; floor = JCA)\n");
        out.append("| algorithm | operation | latchkey | latchkey cached | nimbus | auth0 | jjwt | jose4j | JCA floor"
                + " | latchkey × fastest | latchkey × floor |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Map<String, Double>> e : byAlgorithm.entrySet()) {
            for (String op : List.of("Sign", "Verify")) {
                Map<String, Double> m = e.getValue();
                double latchkey = m.getOrDefault("latchkey" + op + (op.equals("Verify") ? "Cold" : ""), Double.NaN);
                if (Double.isNaN(latchkey)) {
                    continue; // not in this run (benchmarks=Verify, say)
                }
                double fastest = Double.MAX_VALUE;
                for (String lib : List.of("nimbus", "auth0", "jjwt", "jose4j")) {
                    Double v = m.get(lib + op);
                    if (v != null && v > 0.05 && v < fastest) {
                        fastest = v;
                    }
                }
                out.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %.2f | %.2f |%n",
                        e.getKey(),
                        op.toLowerCase(Locale.ROOT),
                        cell(latchkey),
                        op.equals("Verify") ? cachedCell(m.getOrDefault("latchkeyVerifyCached", Double.NaN)) : "-",
                        cell(m.getOrDefault("nimbus" + op, Double.NaN)),
                        cell(m.getOrDefault("auth0" + op, Double.NaN)),
                        cell(m.getOrDefault("jjwt" + op, Double.NaN)),
                        cell(m.getOrDefault("jose4j" + op, Double.NaN)),
                        cell(m.getOrDefault("jca" + op, Double.NaN)),
                        latchkey / fastest,
                        latchkey / m.getOrDefault("jca" + op, Double.NaN)));
            }
        }
        out.append("\nLatchkey verification (cold; cached) ÷ each library's verification, same run"
                + " (below 1 = Latchkey faster)\n");
        out.append(
                "| algorithm | latchkey µs | cached µs | ÷ nimbus | ÷ auth0 | ÷ jjwt | ÷ jose4j | ÷ fastest | ÷ JCA floor"
                        + " |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Map<String, Double>> e : byAlgorithm.entrySet()) {
            Map<String, Double> m = e.getValue();
            double cold = m.getOrDefault("latchkeyVerifyCold", Double.NaN);
            if (Double.isNaN(cold)) {
                continue;
            }
            double fastest = Double.MAX_VALUE;
            StringBuilder ratios = new StringBuilder();
            for (String lib : List.of("nimbus", "auth0", "jjwt", "jose4j")) {
                double v = m.getOrDefault(lib + "Verify", Double.NaN);
                boolean present = !Double.isNaN(v) && v > 0.05;
                if (present && v < fastest) {
                    fastest = v;
                }
                ratios.append(present ? String.format(Locale.ROOT, " %.2f |", cold / v) : " n/a |");
            }
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s |%s %.2f | %.2f |%n",
                    e.getKey(),
                    cell(cold),
                    cachedCell(m.getOrDefault("latchkeyVerifyCached", Double.NaN)),
                    ratios,
                    cold / fastest,
                    cold / m.getOrDefault("jcaVerify", Double.NaN)));
        }
        return out.toString();
    }

    private static double score(RunResult r, @Nullable String metric) {
        if (metric == null) {
            return r.getPrimaryResult().getScore();
        }
        Result<?> secondary = r.getSecondaryResults().get(metric);
        return secondary == null ? Double.NaN : secondary.getScore();
    }

    /**
     * A cache hit is a lookup, legitimately under the 50 ns that {@link #cell} takes for "no JWT work": three decimals,
     * and n/a only when not measured.
     */
    private static String cachedCell(double micros) {
        return Double.isNaN(micros) ? "n/a" : String.format(Locale.ROOT, "%.3f", micros);
    }

    /** A library without the algorithm returns at once; anything under 50 ns (no JWT work at all) is shown as n/a. */
    private static String cell(double micros) {
        return Double.isNaN(micros) || micros < 0.05 ? "n/a" : String.format(Locale.ROOT, "%.2f", micros);
    }
}
