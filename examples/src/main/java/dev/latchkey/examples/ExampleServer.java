package dev.latchkey.examples;

import com.sun.net.httpserver.HttpServer;
import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.ConfigurationException;
import dev.latchkey.auth.oauth.ExchangeCodes;
import dev.latchkey.auth.oauth.OAuthLogin;
import dev.latchkey.auth.oauth.OAuthProvider;
import dev.latchkey.auth.spi.AuthEventListener;
import dev.latchkey.auth.spi.OtpSender;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
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
    /** Time a client has to send a whole request; JSON bodies here are a few hundred bytes. */
    static final int MAX_REQUEST_SECONDS = 5;
    /** Least time a shutdown gives the gate to pass on answers already written; loopback copies take microseconds. */
    static final Duration RELAY_FLUSH = Duration.ofSeconds(1);

    private final HttpServer server;
    private final ConnectionGate gate;
    private final Admission admission;
    private final Backends backends;
    /** Closed before the backends, so its revocation mirror stops subscribing to stores that are going away. */
    private final AuthFacade auth;

    private final int graceSeconds;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ExampleServer(
            HttpServer server,
            ConnectionGate gate,
            Admission admission,
            AuthFacade auth,
            Backends backends,
            int graceSeconds) {
        this.server = server;
        this.auth = auth;
        this.gate = gate;
        this.admission = admission;
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
     * @throws ConfigurationException naming the variable, for a missing or invalid setting
     * @throws UncheckedIOException if {@code HOST}:{@code PORT} cannot be bound
     */
    public static ExampleServer start(Map<String, String> env, OtpSender sender, Clock clock) {
        return start(env, sender, clock, System::nanoTime);
    }

    /** As {@link #start(Map, OtpSender, Clock)}, with the time source that measures how long requests queue. */
    static ExampleServer start(Map<String, String> env, OtpSender sender, Clock clock, LongSupplier queueTime) {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(queueTime, "queueTime");
        ExampleConfig config = ExampleConfig.fromEnv(env);
        config.warnings().forEach(LOG::warn);
        limitSlowClients();
        Backends backends = Backends.open(config);
        Admission admission = null;
        HttpServer server = null;
        ConnectionGate gate = null;
        try {
            StatsListener stats = new StatsListener(clock);
            AuthFacade auth = AuthFacade.builder()
                    .settings(config.settings())
                    .userDatabase(backends.users)
                    .otpStore(backends.codes)
                    .rateLimitStore(backends.rateLimits)
                    .sessionStore(backends.sessions)
                    .revocationList(backends.revocations)
                    .externalIdentityStore(backends.identities)
                    .otpSender(sender)
                    .clock(clock)
                    .eventListener(AuthEventListener.logging().andThen(stats))
                    .newUserCustomizer(new BootstrapAdmin(config.bootstrapAdminEmail(), config.bootstrapAdminMobile()))
                    .build();
            server = bindLoopback();
            gate = new ConnectionGate(
                    publicAddress(config),
                    server.getAddress(),
                    config.maxConnections(),
                    config.maxConnectionsPerClient());
            AuthEndpoints endpoints =
                    new AuthEndpoints(auth, stats, clock, backends::poolUsage, config.healthDetails(), gate::clientIp);
            Router router = endpoints.routes();
            StaticPage.register(router);
            routeExternalSignIn(router, config, auth, backends, clock, endpoints, baseUri(gate.address()));
            admission = new Admission(config.httpThreads(), queueTime);
            server.createContext("/", router);
            server.setExecutor(admission);
            server.start();
            gate.start();
            ExampleServer started =
                    new ExampleServer(server, gate, admission, auth, backends, config.shutdownGraceSeconds());
            LOG.info(
                    "Latchkey example listening on {} ({}, signing {})",
                    started.baseUri(),
                    config.storesDescription(),
                    config.settings().signingKey().algorithm());
            return started;
        } catch (RuntimeException e) {
            if (gate != null) {
                gate.close();
            }
            if (server != null) {
                server.stop(0);
            }
            if (admission != null) {
                admission.shutdownNow();
            }
            backends.close();
            throw e;
        }
    }

    /**
     * Sign-in with the configured providers. Their redirect URIs are {@code PUBLIC_BASE_URL} (or, on a loopback
     * address, the bound address) plus {@code /api/auth/oauth/<id>/callback}: from configuration, never from a
     * request's {@code Host} header.
     */
    private static void routeExternalSignIn(
            Router router,
            ExampleConfig config,
            AuthFacade auth,
            Backends backends,
            Clock clock,
            AuthEndpoints endpoints,
            URI boundBase) {
        List<OAuthProvider> providers = config.oauth().build(boundBase);
        if (providers.isEmpty()) {
            OAuthEndpoints.registerNone(router);
            return;
        }
        OAuthLogin.Builder login = OAuthLogin.builder()
                .facade(auth)
                .hashSecret(config.settings().hashSecret())
                .replayGuard(backends.rateLimits)
                .allowedReturnPaths(config.oauth().returnPaths())
                .clock(clock);
        providers.forEach(login::provider);
        Map<String, String> names = new HashMap<>();
        config.oauth().providers().forEach(setup -> names.put(setup.id(), setup.displayName()));
        new OAuthEndpoints(auth, login.build(), names, new ExchangeCodes(clock), endpoints::tokenResponse)
                .register(router);
    }

    private static InetSocketAddress publicAddress(ExampleConfig config) {
        InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
        if (address.isUnresolved()) {
            throw new ConfigurationException(
                    "HOST", "cannot be resolved", "an IP address or a resolvable host name, such as 127.0.0.1");
        }
        return address;
    }

    /** The JDK server itself, on a free loopback port: only the {@link ConnectionGate} connects to it. */
    private static HttpServer bindLoopback() {
        try {
            return HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on a loopback port: " + e.getMessage(), e);
        }
    }

    /**
     * The JDK server reads a request on the thread that serves it, so a client sending its headers or body slowly (or
     * reading the answer slowly) holds that thread: past these many seconds the server closes such a connection
     * (CWE-400: slow-request denial of service). A body left unread (a refusal, a 413) is not drained either, which
     * would again read at the client's pace: the connection is closed after the answer instead. The JDK reads these
     * properties once, when the first server of the process is created; a value given with {@code -D} wins.
     */
    static void limitSlowClients() {
        setIfAbsent("sun.net.httpserver.maxReqTime", Integer.toString(MAX_REQUEST_SECONDS));
        setIfAbsent("sun.net.httpserver.maxRspTime", "30");
        setIfAbsent("sun.net.httpserver.drainAmount", "0");
        // The headers have arrived whole before a request reaches the JDK server (ConnectionGate); fewer than 100
        // header lines is still far more than any client of this API sends.
        setIfAbsent("sun.net.httpserver.maxReqHeaders", "100");
    }

    /** Requests accepted and not yet answered, queued ones included. */
    int requestsInFlight() {
        return admission.inFlight();
    }

    /** The port actually bound: the chosen one when {@code PORT=0}. */
    public int port() {
        return gate.address().getPort();
    }

    /** {@code http://host:port}, for clients. */
    public URI baseUri() {
        return baseUri(gate.address());
    }

    private static URI baseUri(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return URI.create("http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort());
    }

    /**
     * Answers new requests with 503, lets the requests already accepted, running or queued, finish (up to {@code
     * SHUTDOWN_GRACE_SECONDS}), stops listening, then closes the pools and clients this server created. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("Latchkey example stopping");
        // HttpServer.stop closes every connection once the exchanges it has started are done, and it knows nothing of
        // the requests still waiting in our queue; so the admission drains first (answering requests that arrive
        // meanwhile with 503 and Connection: close), and the server is stopped after. stop(0) also avoids JDK 17
        // waiting out the whole delay when nothing is running (JDK-8304065).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(graceSeconds);
        try {
            if (!admission.drain(graceSeconds, TimeUnit.SECONDS)) {
                LOG.warn("requests still running after {} s; closing them", graceSeconds);
            }
            server.stop(0);
            // The answers are written, but the gate may not have passed the last of them on to the clients yet: its
            // relays end by themselves now that the server has closed its side. At least RELAY_FLUSH even when the
            // drain used up the grace, so an answer finished at its very end still reaches its client.
            gate.close(max(RELAY_FLUSH, Duration.ofNanos(deadline - System.nanoTime())));
            admission.shutdown(graceSeconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            admission.shutdownNow();
        } finally {
            gate.close();
            auth.close();
            backends.close();
            LOG.info("Latchkey example stopped");
        }
    }

    /**
     * Runs the server until SIGTERM or Ctrl-C. A bad setting stops start-up with one line naming the variable and exit
     * status 2.
     */
    public static void main(String[] args) {
        limitSlowClients();
        ExampleServer server;
        try {
            server = start(System.getenv());
        } catch (ConfigurationException | UncheckedIOException e) {
            System.err.println("latchkey-example: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "latchkey-shutdown"));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
