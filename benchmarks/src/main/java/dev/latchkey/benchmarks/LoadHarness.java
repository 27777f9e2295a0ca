package dev.latchkey.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.AuthSettings;
import dev.latchkey.auth.HealthReport;
import dev.latchkey.auth.JwtKey;
import dev.latchkey.auth.LoginResult;
import dev.latchkey.auth.OtpDispatch;
import dev.latchkey.auth.SignOutScope;
import dev.latchkey.auth.store.memory.MemoryStores;
import dev.latchkey.auth.store.redis.RedisClients;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The load harness: login (send + verify, a new user each), session check, refresh and authenticate on every backend
 * at each thread count, with the round-trip floors ({@code SELECT 1}, Redis {@code PING}) measured in the same run,
 * round trips per operation counted through loopback proxies, and the revocation propagation time across two
 * facades. Creates and drops its own schema and key prefix.
 *
 * <p>Arguments ({@code key=value}): {@code seconds} per scenario (default 10), {@code threads} (default {@code 1,16}),
 * {@code backends} (default {@code memory,pg,pg+redis}), {@code operations} (default all four), {@code propagation}
 * trials (default 200). Servers:
 * {@code PGHOST}/{@code PGPORT}/{@code PGDATABASE}/{@code PGUSER} (default 127.0.0.1:5432, test, postgres) and
 * {@code REDIS_HOST}/{@code REDIS_PORT} (default 127.0.0.1:6379).
 */
public final class LoadHarness {
    static final String TENANT = "bench";
    static final List<String> OPERATIONS = List.of("login", "session", "refresh", "authenticate");

    /** One measured scenario. Round trips are per operation, counted on a traced instance; -1 when not counted. */
    public record Row(
            String backend,
            String operation,
            int threads,
            long operations,
            double perSecond,
            double p50Micros,
            double p99Micros,
            double cpuMicrosPerOp,
            double pgCpuMicrosPerOp,
            double redisCpuMicrosPerOp,
            double pgRoundTrips,
            double redisRoundTrips) {}

    /**
     * Revocation propagation across two facades: sign-out on one, until the other refuses. {@code mirror} is the
     * receiving facade's revocation-mirror state after the trials, as its health report shows it.
     */
    public record Propagation(
            String backend, int trials, double p50Millis, double p99Millis, int neverRefused, String mirror) {}

    /** Everything one run measured. */
    public record Report(List<Row> rows, List<Propagation> propagation) {}

    private final Duration duration;
    private final int[] threadCounts;
    private final List<Backend> backends;
    private final int propagationTrials;
    private final List<String> operations;
    private final Backend.Endpoints direct;
    private final AuthSettings settings;
    private final AtomicLong numbers = new AtomicLong();

    LoadHarness(
            Duration duration,
            int[] threadCounts,
            List<Backend> backends,
            int propagationTrials,
            List<String> operations,
            int pgPoolSize) {
        this.duration = duration;
        this.operations = operations;
        this.threadCounts = threadCounts;
        this.backends = backends;
        this.propagationTrials = propagationTrials;
        String run = UUID.randomUUID().toString().substring(0, 8);
        this.direct = new Backend.Endpoints(
                env("PGHOST", "127.0.0.1"),
                Integer.parseInt(env("PGPORT", "5432")),
                env("PGDATABASE", "test"),
                env("PGUSER", "postgres"),
                env("REDIS_HOST", "127.0.0.1"),
                Integer.parseInt(env("REDIS_PORT", "6379")),
                "bench_" + run,
                "bench:" + run + ":",
                pgPoolSize);
        byte[] hmac = randomBytes();
        this.settings = AuthSettings.builder()
                .hashSecret(randomBytes())
                .signingKey(JwtKey.hs256("bench", hmac))
                .resendCooldown(Duration.ZERO)
                .sendLimitPerIp(new AuthSettings.Limit(1_000_000_000, Duration.ofHours(1)))
                .build();
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[48];
        new java.security.SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Duration duration =
                Duration.ofMillis((long) (1000 * Double.parseDouble(options.getOrDefault("seconds", "10"))));
        int[] threads = Arrays.stream(options.getOrDefault("threads", "1,16").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        List<Backend> backends = Arrays.stream(
                        options.getOrDefault("backends", "memory,pg,pg+redis").split(","))
                .map(Backend::byLabel)
                .toList();
        int trials = Integer.parseInt(options.getOrDefault("propagation", "200"));
        List<String> operations = List.of(
                options.getOrDefault("operations", String.join(",", OPERATIONS)).split(","));
        if (!OPERATIONS.containsAll(operations)) {
            throw new IllegalArgumentException("operations must be among " + OPERATIONS);
        }
        // PostgreSQL connections per pool (the floors' and each backend's); 20 unless given. HikariCP's sizing rule,
        // about twice the cores, is 4 here: more connections than cores only queue inside the server instead.
        int pgPool = Integer.parseInt(options.getOrDefault("pgPool", "20"));
        Report report = new LoadHarness(duration, threads, backends, trials, operations, pgPool).run();
        System.out.print(format(report));
    }

    Report run() throws Exception {
        List<Row> rows = new ArrayList<>();
        List<Propagation> propagation = new ArrayList<>();
        try {
            rows.addAll(floors());
            MemoryStores sharedMemory = MemoryStores.create();
            for (Backend backend : backends) {
                Map<String, double[]> roundTrips = countRoundTrips(backend);
                try (Backend.Instance instance = backend.open(settings, direct, sharedMemory)) {
                    for (int threads : threadCounts) {
                        for (String operation : operations) {
                            double[] rt = roundTrips.getOrDefault(operation, new double[] {-1, -1});
                            rows.add(measure(backend.label, operation, threads, instance, rt));
                        }
                    }
                }
                if (backend.usesPostgres() && propagationTrials > 0) {
                    propagation.add(propagation(backend));
                }
            }
            if (backends.contains(Backend.POSTGRES)) {
                // The host DataSource case: round trips only (its throughput is the pool's, measured above).
                Map<String, double[]> host = countRoundTrips(Backend.POSTGRES_HOST_DATASOURCE);
                for (String operation : OPERATIONS) {
                    double[] rt = host.getOrDefault(operation, new double[] {-1, -1});
                    rows.add(new Row(
                            Backend.POSTGRES_HOST_DATASOURCE.label, operation, 1, 0, 0, 0, 0, 0, -1, -1, rt[0], rt[1]));
                }
            }
        } finally {
            cleanUp();
        }
        return new Report(rows, propagation);
    }

    // ---------------------------------------------------------------- floors

    private List<Row> floors() throws Exception {
        List<Row> rows = new ArrayList<>();
        try (HikariDataSource pool = Backend.hostPool(direct, direct.pgPoolSize());
                RedisClient redis = RedisClients.fromUrl(direct.redisUrl())) {
            for (int threads : threadCounts) {
                rows.add(run(
                        "floor",
                        "SELECT 1",
                        threads,
                        () -> {
                            try (Connection c = pool.getConnection();
                                    Statement s = c.createStatement()) {
                                s.execute("SELECT 1");
                            }
                        },
                        new double[] {1, 0}));
                rows.add(run("floor", "PING", threads, redis::ping, new double[] {0, 1}));
            }
        }
        return rows;
    }

    // ---------------------------------------------------------------- operations

    @FunctionalInterface
    interface Op {
        void run() throws Exception;
    }

    /** A per-thread operation factory: each thread gets its own state (its session, its refresh token). */
    private Op operation(String operation, AuthFacade facade, Map<String, String> codes) throws InterruptedException {
        switch (operation) {
            case "login":
                return () -> login(facade, codes);
            case "session": {
                String access = login(facade, codes).tokens().accessToken();
                return () -> facade.session(access);
            }
            case "refresh": {
                String[] refresh = {login(facade, codes).tokens().refreshToken()};
                return () -> refresh[0] = facade.refresh(refresh[0]).tokens().refreshToken();
            }
            case "authenticate": {
                String header = "Bearer " + login(facade, codes).tokens().accessToken();
                // The first check subscribes the revocation mirror; measured is the guard once it is live.
                facade.authenticate(header);
                awaitMirror(facade);
                return () -> facade.authenticate(header);
            }
            default:
                throw new IllegalArgumentException(operation);
        }
    }

    /** Send and verify for a mobile number never used before, so every login creates a user. */
    LoginResult login(AuthFacade facade, Map<String, String> codes) {
        long n = numbers.incrementAndGet();
        // Eight digits, zero-padded, without String.format: the harness's own CPU counts in "CPU µs/op".
        String mobile = "+4479" + Long.toString(100_000_000L + n % 100_000_000L).substring(1);
        String ip = "198.51." + ((n >> 8) & 0xff) + "." + (n & 0xff);
        OtpDispatch dispatch = facade.sendOtp(TENANT, mobile, ip);
        String code = codes.remove(dispatch.destination().value());
        if (code == null) {
            throw new IllegalStateException("no code was sent to " + mobile);
        }
        return facade.verifyOtp(TENANT, mobile, dispatch.challengeId(), code, ip);
    }

    private Row measure(String backend, String operation, int threads, Backend.Instance instance, double[] rt)
            throws Exception {
        List<Op> perThread = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            perThread.add(operation(operation, instance.facade, instance.codes));
        }
        return run(backend, operation, threads, perThread, rt);
    }

    private Row run(String backend, String operation, int threads, Op op, double[] rt) throws Exception {
        List<Op> same = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            same.add(op);
        }
        return run(backend, operation, threads, same, rt);
    }

    /** Warms up for a fifth of the duration, then measures every thread until the deadline. */
    private Row run(String backend, String operation, int threads, List<Op> ops, double[] rt) throws Exception {
        long warmupEnd = System.nanoTime() + duration.toNanos() / 5;
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long[][] samples = new long[threads][];
        int[] counts = new int[threads];
        Throwable[] failure = new Throwable[1];
        CountDownLatch warm = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        long[] window = new long[2];
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int index = t;
            Thread worker = new Thread(
                    () -> {
                        Op op = ops.get(index);
                        long[] mine = new long[1 << 16];
                        int n = 0;
                        try {
                            while (System.nanoTime() < warmupEnd) {
                                op.run();
                            }
                            warm.countDown();
                            go.await();
                            long end = window[1];
                            long now = System.nanoTime();
                            while (now < end) {
                                op.run();
                                long after = System.nanoTime();
                                if (n == mine.length) {
                                    mine = Arrays.copyOf(mine, n * 2);
                                }
                                mine[n++] = after - now;
                                now = after;
                            }
                        } catch (Throwable e) {
                            synchronized (failure) {
                                failure[0] = e;
                            }
                            warm.countDown();
                        }
                        samples[index] = mine;
                        counts[index] = n;
                    },
                    "bench-" + operation + "-" + t);
            workers.add(worker);
            worker.start();
        }
        warm.await();
        long cpuBefore = os.getProcessCpuTime();
        ServerCpu.Sample serversBefore = ServerCpu.sample();
        window[0] = System.nanoTime();
        window[1] = window[0] + duration.toNanos();
        go.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        long elapsed = System.nanoTime() - window[0];
        long cpu = os.getProcessCpuTime() - cpuBefore;
        ServerCpu.Sample servers = ServerCpu.sample().minus(serversBefore);
        if (failure[0] != null) {
            throw new IllegalStateException(backend + " " + operation + " failed", failure[0]);
        }
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int at = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(samples[t], 0, all, at, counts[t]);
            at += counts[t];
        }
        Arrays.sort(all);
        return new Row(
                backend,
                operation,
                threads,
                total,
                total / (elapsed / 1e9),
                percentile(all, 0.50) / 1e3,
                percentile(all, 0.99) / 1e3,
                total == 0 ? 0 : cpu / 1e3 / total,
                total == 0 || servers.postgres() < 0 ? -1 : servers.postgres() / total,
                total == 0 || servers.redis() < 0 ? -1 : servers.redis() / total,
                rt[0],
                rt[1]);
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))];
    }

    // ---------------------------------------------------------------- round trips

    /**
     * Round trips per operation, counted through loopback proxies on a facade of its own: the average over a few
     * sequential calls after one warm-up call (so connections are open and the schema migrated).
     */
    private Map<String, double[]> countRoundTrips(Backend backend) throws Exception {
        Map<String, double[]> result = new HashMap<>();
        if (!backend.usesPostgres()) {
            for (String operation : OPERATIONS) {
                result.put(operation, new double[] {0, 0});
            }
            return result;
        }
        int calls = 10;
        try (CountingProxy pg = new CountingProxy(CountingProxy.Protocol.POSTGRES, direct.pgHost(), direct.pgPort());
                CountingProxy redis =
                        new CountingProxy(CountingProxy.Protocol.REDIS, direct.redisHost(), direct.redisPort());
                Backend.Instance traced = backend.open(settings, direct.via(pg, redis), null)) {
            for (String operation : OPERATIONS) {
                Op op = operation(operation, traced.facade, traced.codes);
                op.run();
                // Each call counted on its own and the median taken: the pool opening a connection or a revocation
                // feed's heartbeat in the background would otherwise add a fraction of a round trip to an average.
                long[] pgCounts = new long[calls];
                long[] redisCounts = new long[calls];
                for (int i = 0; i < calls; i++) {
                    Thread.sleep(20);
                    long pgBefore = pg.requests();
                    long redisBefore = redis.requests();
                    op.run();
                    Thread.sleep(20);
                    pgCounts[i] = pg.requests() - pgBefore;
                    redisCounts[i] = redis.requests() - redisBefore;
                }
                result.put(operation, new double[] {median(pgCounts), median(redisCounts)});
            }
        }
        return result;
    }

    private static double median(long[] counts) {
        long[] sorted = counts.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
    }

    // ---------------------------------------------------------------- revocation propagation

    /**
     * Two facades with their own connections: a session's token is accepted on B, signed out on A, and B is asked
     * until it refuses. B's revocation mirror is live before the first trial (otherwise B would ask the store, which
     * is not what is measured). Waits at most one second per trial; a trial B never refused counts as such.
     */
    private Propagation propagation(Backend backend) throws Exception {
        List<Long> nanos = new ArrayList<>();
        int never = 0;
        String mirror;
        try (Backend.Instance a = backend.open(settings, direct, null);
                Backend.Instance b = backend.open(settings, direct, null)) {
            b.facade.authenticate("Bearer " + login(a.facade, a.codes).tokens().accessToken());
            awaitMirror(b.facade);
            for (int i = 0; i < propagationTrials; i++) {
                String token = login(a.facade, a.codes).tokens().accessToken();
                String header = "Bearer " + token;
                b.facade.authenticate(header);
                a.facade.signOut(token, SignOutScope.LOCAL);
                long start = System.nanoTime();
                long deadline = start + Duration.ofSeconds(1).toNanos();
                boolean refused = false;
                while (System.nanoTime() < deadline) {
                    try {
                        b.facade.authenticate(header);
                    } catch (AuthException e) {
                        refused = true;
                        break;
                    }
                    Thread.onSpinWait();
                }
                if (refused) {
                    nanos.add(System.nanoTime() - start);
                } else {
                    never++;
                }
            }
            mirror = mirrorState(b.facade);
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Propagation(
                backend.label,
                propagationTrials,
                percentile(sorted, 0.5) / 1e6,
                percentile(sorted, 0.99) / 1e6,
                never,
                mirror);
    }

    /**
     * Waits up to ten seconds for the facade's revocation mirror to be live (it subscribes on first use); returns at
     * once for a facade without one (memory).
     */
    static void awaitMirror(AuthFacade facade) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String state = mirrorState(facade);
        while (state.startsWith("mirror ") && !state.equals("mirror live") && System.nanoTime() < deadline) {
            Thread.sleep(50);
            state = mirrorState(facade);
        }
    }

    static String mirrorState(AuthFacade facade) {
        HealthReport.Component revocations = facade.health().components().get("revocations");
        return revocations == null
                ? "no revocation list"
                : revocations.detailText().orElse("no mirror");
    }

    // ---------------------------------------------------------------- clean-up

    private void cleanUp() throws Exception {
        if (backends.stream().anyMatch(Backend::usesPostgres)) {
            try (HikariDataSource pool = Backend.hostPool(direct, 1);
                    Connection c = pool.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + direct.schema() + " CASCADE");
            }
        }
        if (backends.stream().anyMatch(Backend::usesRedis)) {
            try (RedisClient redis = RedisClients.fromUrl(direct.redisUrl())) {
                String cursor = ScanParams.SCAN_POINTER_START;
                ScanParams match =
                        new ScanParams().match(direct.keyPrefix() + "*").count(1000);
                do {
                    ScanResult<String> page = redis.scan(cursor, match);
                    if (!page.getResult().isEmpty()) {
                        redis.del(page.getResult().toArray(new String[0]));
                    }
                    cursor = page.getCursor();
                } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            }
        }
    }

    // ---------------------------------------------------------------- output

    static String format(Report report) {
        StringBuilder out = new StringBuilder();
        Map<Integer, Double> select1 = new HashMap<>();
        Map<Integer, Double> ping = new HashMap<>();
        for (Row r : report.rows()) {
            if (r.backend().equals("floor")) {
                (r.operation().equals("PING") ? ping : select1).put(r.threads(), r.perSecond());
            }
        }
        out.append(String.format(
                Locale.ROOT,
                "Latchkey load harness, %s, %s, %d cores, Java %s%n",
                LocalDate.now(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version")));
        out.append("| backend | operation | threads | ops/s | × SELECT 1 | × PING | p50 µs | p99 µs | PG RT | Redis RT"
                + " | CPU µs/op | PG CPU µs/op | Redis CPU µs/op |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : report.rows()) {
            boolean countedOnly = r.operations() == 0;
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    r.backend(),
                    r.operation(),
                    countedOnly ? "-" : Integer.toString(r.threads()),
                    countedOnly ? "-" : String.format(Locale.ROOT, "%,.0f", r.perSecond()),
                    countedOnly ? "-" : ratio(r.perSecond(), select1.get(r.threads())),
                    countedOnly ? "-" : ratio(r.perSecond(), ping.get(r.threads())),
                    countedOnly ? "-" : String.format(Locale.ROOT, "%.1f", r.p50Micros()),
                    countedOnly ? "-" : String.format(Locale.ROOT, "%.1f", r.p99Micros()),
                    roundTrips(r.pgRoundTrips()),
                    roundTrips(r.redisRoundTrips()),
                    countedOnly ? "-" : String.format(Locale.ROOT, "%.1f", r.cpuMicrosPerOp()),
                    serverCpu(countedOnly, r.pgCpuMicrosPerOp()),
                    serverCpu(countedOnly, r.redisCpuMicrosPerOp())));
        }
        if (!report.propagation().isEmpty()) {
            out.append("\nRevocation propagation (sign-out on facade A until facade B's authenticate refuses):\n");
            for (Propagation p : report.propagation()) {
                out.append(String.format(
                        Locale.ROOT,
                        "  %s: %d trials, p50 %.3f ms, p99 %.3f ms, never refused within 1 s: %d (%s)%n",
                        p.backend(),
                        p.trials(),
                        p.p50Millis(),
                        p.p99Millis(),
                        p.neverRefused(),
                        p.mirror()));
            }
        }
        return out.toString();
    }

    /** Server CPU per operation; "-" when not measurable. /proc counts in 10 ms ticks: short runs read coarsely. */
    private static String serverCpu(boolean countedOnly, double micros) {
        return countedOnly || micros < 0 ? "-" : String.format(Locale.ROOT, "%.1f", micros);
    }

    private static String ratio(double value, @Nullable Double floor) {
        return floor == null || floor == 0 ? "-" : String.format(Locale.ROOT, "%.2f", value / floor);
    }

    private static String roundTrips(double value) {
        return value < 0 ? "-" : String.format(Locale.ROOT, "%.1f", value);
    }
}
