package dev.latchkey.examples;

import com.sun.net.httpserver.HttpServer;
import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.spi.AuthEventListener;
import dev.latchkey.auth.spi.OtpSender;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A runnable passwordless auth server on the JDK's built-in HTTP server: the reference for wiring Latchkey into any
 * HTTP layer. Configured entirely from environment variables (see {@code .env.example}); with none set it runs on
 * {@code 127.0.0.1:8080} with in-memory stores and prints each one-time code to standard output as {@code OTP
 * <destination> <code>}.
 *
 * <pre>{@code
 * try (ExampleServer server = ExampleServer.start(Map.of("PORT", "0"), message -> inbox.add(message))) {
 *     URI base = server.baseUri();
 *     ...
 * }
 * }</pre>
 */
public final class ExampleServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExampleServer.class);
    /** Requests waiting for a worker; past it the accepting thread runs the request itself (back-pressure). */
    private static final int QUEUED_REQUESTS = 256;

    private final HttpServer server;
    private final ThreadPoolExecutor workers;
    private final Router router;
    private final Backends backends;
    private final int graceSeconds;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ExampleServer(
            HttpServer server, ThreadPoolExecutor workers, Router router, Backends backends, int graceSeconds) {
        this.server = server;
        this.workers = workers;
        this.router = router;
        this.backends = backends;
        this.graceSeconds = graceSeconds;
    }

    /** Starts with the console code sender and the system clock: what {@link #main} runs. */
    public static ExampleServer start(Map<String, String> env) {
        return start(env, new ConsoleOtpSender(System.out), Clock.systemUTC());
    }

    /** Starts with the given code sender (an SMS or email provider, or a test's inbox) and the system clock. */
    public static ExampleServer start(Map<String, String> env, OtpSender sender) {
        return start(env, sender, Clock.systemUTC());
    }

    /**
     * Reads the configuration, builds the stores and the facade, and starts listening.
     *
     * @param env environment-style variables, e.g. {@code System.getenv()}
     * @param sender delivers one-time codes
     * @param clock the time of every expiry decision
     * @throws IllegalArgumentException naming the variable, for a missing or invalid setting
     * @throws UncheckedIOException if {@code HOST}:{@code PORT} cannot be bound
     */
    public static ExampleServer start(Map<String, String> env, OtpSender sender, Clock clock) {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(clock, "clock");
        ExampleConfig config = ExampleConfig.fromEnv(env);
        config.warnings().forEach(LOG::warn);
        Backends backends = Backends.open(config);
        ThreadPoolExecutor workers = null;
        try {
            StatsListener stats = new StatsListener(clock);
            AuthFacade auth = AuthFacade.builder()
                    .settings(config.settings())
                    .userDatabase(backends.users)
                    .otpStore(backends.codes)
                    .sessionStore(backends.sessions)
                    .revocationList(backends.revocations)
                    .otpSender(sender)
                    .clock(clock)
                    .eventListener(AuthEventListener.logging().andThen(stats))
                    .newUserCustomizer(new BootstrapAdmin(config.bootstrapAdminEmail(), config.bootstrapAdminMobile()))
                    .build();
            Router router = new AuthEndpoints(auth, stats, clock).routes();
            HttpServer server = bind(config);
            workers = workers(config.httpThreads());
            server.createContext("/", router);
            server.setExecutor(workers);
            server.start();
            ExampleServer started = new ExampleServer(server, workers, router, backends, config.shutdownGraceSeconds());
            LOG.info(
                    "Latchkey example listening on {} ({}, signing {})",
                    started.baseUri(),
                    config.storesDescription(),
                    config.settings().signingKey().algorithm());
            return started;
        } catch (RuntimeException e) {
            if (workers != null) {
                workers.shutdownNow();
            }
            backends.close();
            throw e;
        }
    }

    private static HttpServer bind(ExampleConfig config) {
        InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("HOST: cannot resolve " + config.host());
        }
        try {
            return HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "HOST/PORT: cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A fixed number of workers and a bounded queue: a burst cannot create unbounded threads or queue unbounded
     * work. When both are full, the server's accepting thread runs the request itself, which stops it accepting
     * more until a worker is free.
     */
    private static ThreadPoolExecutor workers(int threads) {
        AtomicInteger number = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread thread = new Thread(task, "latchkey-http-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        return new ThreadPoolExecutor(
                threads,
                threads,
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(QUEUED_REQUESTS),
                factory,
                new ThreadPoolExecutor.CallerRunsPolicy());
    }

    /** The port actually bound: the chosen one when {@code PORT=0}. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://host:port}, for clients. */
    public URI baseUri() {
        InetSocketAddress address = server.getAddress();
        String host = address.getAddress().getHostAddress();
        return URI.create("http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort());
    }

    /**
     * Stops accepting connections, lets requests in flight finish (up to {@code SHUTDOWN_GRACE_SECONDS}), then closes
     * the pools and clients this server created. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("Latchkey example stopping");
        // HttpServer.stop(delay) closes the listening socket at once and then waits for running exchanges; on JDK 17
        // it also waits out the whole delay when nothing is running (JDK-8304065). So it runs aside, the router tells
        // us when the last request is done, and stop(0) then ends the wait.
        Thread stopper = new Thread(() -> server.stop(graceSeconds), "latchkey-http-stop");
        stopper.start();
        try {
            if (!router.drain(graceSeconds, TimeUnit.SECONDS)) {
                LOG.warn("requests still running after {} s; closing them", graceSeconds);
            }
            server.stop(0);
            stopper.join();
            workers.shutdown();
            if (!workers.awaitTermination(graceSeconds, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        } finally {
            backends.close();
            LOG.info("Latchkey example stopped");
        }
    }

    /**
     * Runs the server until SIGTERM or Ctrl-C. A bad setting stops start-up with one line naming the variable and exit
     * status 2.
     */
    public static void main(String[] args) {
        // A client sending its request or reading its answer very slowly would hold one of the few workers: the
        // JDK server closes such connections after these many seconds (unless set with -D on the command line).
        setIfAbsent("sun.net.httpserver.maxReqTime", "30");
        setIfAbsent("sun.net.httpserver.maxRspTime", "30");
        ExampleServer server;
        try {
            server = start(System.getenv());
        } catch (IllegalArgumentException | UncheckedIOException e) {
            System.err.println("latchkey-example: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "latchkey-shutdown"));
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
