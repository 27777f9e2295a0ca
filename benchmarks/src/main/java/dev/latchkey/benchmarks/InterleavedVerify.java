package dev.latchkey.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * First (uncached) verification per library, measured interleaved: every round runs a short batch of each library in
 * turn, rotating the order, and keeps the benchmark thread's CPU time per operation. JMH runs one benchmark after the
 * other, so on a virtual machine whose speed drifts over minutes (another tenant, frequency, the hypervisor) a library
 * measured at a slow moment looks slower; for ES256 and EdDSA, whose verification is 0.5–1.5 ms of the JDK's own
 * arithmetic in every library, that drift is larger than the 1.1× the targets ask about. Interleaving puts every
 * library through the same moments, and the median of the rounds drops the odd disturbed batch.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.latchkey.benchmarks.InterleavedVerify [rounds=15]
 * [batchMillis=300] [algorithms=ES256,EdDSA,RS256,HS256]}.
 */
public final class InterleavedVerify {
    /** One library's verification of the benchmark's token; null where the library lacks the algorithm. */
    private record Library(String name, Callable<Object> verify) {}

    /** Median and spread of one library's rounds, in µs of benchmark-thread CPU per verification. */
    public record Result(String algorithm, String library, double medianMicros, double minMicros, double maxMicros) {}

    private InterleavedVerify() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "15"));
        long batchNanos = Long.parseLong(options.getOrDefault("batchMillis", "300")) * 1_000_000L;
        List<String> algorithms = List.of(
                options.getOrDefault("algorithms", "ES256,EdDSA,RS256,HS256").split(","));
        List<Result> results = new ArrayList<>();
        for (String algorithm : algorithms) {
            results.addAll(measure(algorithm, rounds, batchNanos));
        }
        System.out.print(format(results));
    }

    /** Every library's median over {@code rounds} interleaved batches of about {@code batchNanos} each. */
    static List<Result> measure(String algorithm, int rounds, long batchNanos) throws Exception {
        TokenBenchmarks b = new TokenBenchmarks();
        b.algorithm = algorithm;
        b.setUp();
        List<Library> libraries = new ArrayList<>();
        libraries.add(new Library("latchkey", b::latchkeyVerifyCold));
        if (b.nimbusVerify() != null) {
            libraries.add(new Library("nimbus", b::nimbusVerify));
        }
        if (b.auth0Verify() != null) {
            libraries.add(new Library("auth0", b::auth0Verify));
        }
        libraries.add(new Library("jjwt", b::jjwtVerify));
        libraries.add(new Library("jose4j", b::jose4jVerify));
        libraries.add(new Library("jca", b::jcaVerify));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        // Warm-up: two untimed rounds, so every library's code is compiled before the first timed batch.
        for (int round = 0; round < 2; round++) {
            for (Library library : libraries) {
                batch(library, batchNanos, threads);
            }
        }
        double[][] perRound = new double[libraries.size()][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < libraries.size(); i++) {
                int next = (i + round) % libraries.size();
                perRound[next][round] = batch(libraries.get(next), batchNanos, threads);
            }
        }
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < libraries.size(); i++) {
            double[] sorted = perRound[i].clone();
            Arrays.sort(sorted);
            results.add(new Result(
                    algorithm,
                    libraries.get(i).name(),
                    sorted[sorted.length / 2],
                    sorted[0],
                    sorted[sorted.length - 1]));
        }
        return results;
    }

    /** Runs {@code library} for about {@code batchNanos} of CPU; µs of benchmark-thread CPU per operation. */
    private static double batch(Library library, long batchNanos, ThreadMXBean threads) throws Exception {
        long start = threads.getCurrentThreadCpuTime();
        long end = start + batchNanos;
        long operations = 0;
        long now;
        do {
            for (int i = 0; i < 8; i++) {
                Object verified = library.verify().call();
                if (verified == null || Boolean.FALSE.equals(verified)) {
                    throw new IllegalStateException(library.name() + " did not accept the token");
                }
            }
            operations += 8;
            now = threads.getCurrentThreadCpuTime();
        } while (now < end);
        return (now - start) / 1_000.0 / operations;
    }

    /** A table per algorithm: each library's median and range, and Latchkey's ratio to it. */
    static String format(List<Result> results) {
        StringBuilder out = new StringBuilder("\nFirst verification, interleaved rounds, benchmark-thread CPU µs/op"
                + " (median [min–max]; ratio = Latchkey's median ÷ the library's)\n"
                + "| algorithm | library | median µs | range µs | latchkey ÷ library |\n|---|---|---|---|---|\n");
        for (Result r : results) {
            double latchkey = results.stream()
                    .filter(x ->
                            x.algorithm().equals(r.algorithm()) && x.library().equals("latchkey"))
                    .findFirst()
                    .orElseThrow()
                    .medianMicros();
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %.2f | %.2f–%.2f | %.2f |%n",
                    r.algorithm(),
                    r.library(),
                    r.medianMicros(),
                    r.minMicros(),
                    r.maxMicros(),
                    latchkey / r.medianMicros()));
        }
        return out.toString();
    }
}
