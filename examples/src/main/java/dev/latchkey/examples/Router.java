package dev.latchkey.examples;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exact-path routing (404 for an unknown path, 405 with {@code Allow} for a known path and another method) and the
 * one place where failures become HTTP answers, so every error has the same shape and nothing internal leaks.
 */
final class Router implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);
    /** The only message a client gets for a backend failure; the details go to the log. */
    static final String BACKEND_UNAVAILABLE = "a backend is unavailable; try again later";

    /** An endpoint: reads the exchange's request, returns the answer, throws for failures. */
    @FunctionalInterface
    interface Endpoint {
        Reply handle(HttpExchange exchange) throws IOException;
    }

    /**
     * @param endpoint the handler
     * @param bearer whether the endpoint takes a Bearer token, so a 401 carries {@code WWW-Authenticate} (RFC 6750
     *     §3)
     */
    private record Route(Endpoint endpoint, boolean bearer) {}

    /** How much of an oversized body is read and discarded so that the client sees the 413 (see discardRest). */
    static final int DISCARD_LIMIT = 1 << 20;

    private final Map<String, Map<String, Route>> routes = new HashMap<>();

    Router add(String method, String path, Endpoint endpoint) {
        return add(method, path, endpoint, false);
    }

    Router addBearer(String method, String path, Endpoint endpoint) {
        return add(method, path, endpoint, true);
    }

    private Router add(String method, String path, Endpoint endpoint, boolean bearer) {
        routes.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(method, new Route(endpoint, bearer));
        return this;
    }

    @Override
    public void handle(HttpExchange exchange) {
        long started = System.nanoTime();
        try (exchange) {
            EndTracking body = new EndTracking(exchange.getRequestBody());
            exchange.setStreams(body, null);
            if (!JsonRequest.declaresBody(exchange.getRequestHeaders())) {
                body.read();
            }
            Reply reply = answer(exchange);
            if (!body.reachedEnd && reply.status() == 413) {
                discardRest(exchange, body, started);
            }
            if (!body.reachedEnd) {
                // A body left unread is not drained (ExampleServer.limitSlowClients): the JDK server closes the
                // connection after the answer, and says so, so that the client does not send its next request on it.
                exchange.getResponseHeaders().set("Connection", "close");
            }
            write(exchange, reply);
        } catch (IOException e) {
            // The client went away mid-exchange; nothing left to answer.
            LOG.debug("exchange aborted: {}", e.toString());
        }
    }

    /** Refusals never read the request body: a client sending it slowly must not hold this thread any longer. */
    private Reply answer(HttpExchange exchange) throws IOException {
        return switch (Admission.mode()) {
            case SERVE -> dispatch(exchange);
            case BUSY ->
                Reply.error(
                        503,
                        "unavailable",
                        "the server is busy; try again later",
                        Map.of("Retry-After", "1", "Connection", "close"));
            case SHUTTING_DOWN ->
                Reply.error(503, "unavailable", "the server is shutting down", Map.of("Connection", "close"));
        };
    }

    private Reply dispatch(HttpExchange exchange) throws IOException {
        Map<String, Route> byMethod = routes.get(exchange.getRequestURI().getRawPath());
        if (byMethod == null) {
            return Reply.error(404, "not_found", "no such endpoint");
        }
        Route route = byMethod.get(exchange.getRequestMethod());
        if (route == null) {
            String allow = String.join(", ", new TreeSet<>(byMethod.keySet()));
            return Reply.error(405, "method_not_allowed", "use " + allow, Map.of("Allow", allow));
        }
        try {
            return route.endpoint().handle(exchange);
        } catch (AuthException e) {
            return failure(e, route);
        } catch (HttpFailure e) {
            return e.reply();
        } catch (RuntimeException e) {
            // The stack trace goes to the log only; exception messages of Latchkey and its stores hold no secrets.
            LOG.error(
                    "{} {} failed",
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(),
                    e);
            return Reply.error(500, "server_error", "internal error");
        }
    }

    private static Reply failure(AuthException e, Route route) {
        Map<String, String> headers = new LinkedHashMap<>();
        e.retryAfter().ifPresent(wait -> headers.put("Retry-After", Long.toString(wholeSeconds(wait))));
        if (route.bearer() && e.errorCode() == ErrorCode.INVALID_TOKEN) {
            headers.put("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        }
        if (e.httpStatus() >= 500) {
            // Store messages name the backend and its driver's state (host, SQLState): useful to the operator,
            // of use to an attacker probing the infrastructure (ASVS 5.0 V16.5: generic errors to clients).
            LOG.warn("store unavailable: {}{}", e.getMessage(), rootCause(e));
            return Reply.error(e.httpStatus(), e.errorCode().code(), BACKEND_UNAVAILABLE, headers);
        }
        // An AuthException always has a message (its constructor requires one).
        return Reply.error(
                e.httpStatus(), e.errorCode().code(), Objects.requireNonNullElse(e.getMessage(), ""), headers);
    }

    /** Retry-After takes whole seconds (RFC 9110 §10.2.3); round up so a client never retries too early. */
    private static long wholeSeconds(Duration wait) {
        long seconds = wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? "" : " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }

    private static void write(HttpExchange exchange, Reply reply) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        // Token responses must not be cached (RFC 6749 §5.1); nothing here is worth caching, so say it everywhere.
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        reply.headers().forEach(headers::set);
        if (reply.body() == null) {
            exchange.sendResponseHeaders(reply.status(), -1);
            return;
        }
        byte[] bytes = JsonRequest.MAPPER.writeValueAsBytes(reply.body());
        headers.set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(reply.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /**
     * Reads and throws away the rest of an oversized body, up to {@link #DISCARD_LIMIT} more bytes and only within
     * the request time, so the client, still sending, sees the 413: closing a socket with unread data makes TCP send a
     * reset, which clients such as Node's fetch report as "terminated" instead of the answer. The bounds keep the slow
     * body problem closed: a slow sender still meets the server's request timer, and a larger body is cut off.
     */
    private static void discardRest(HttpExchange exchange, EndTracking body, long started) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > JsonRequest.MAX_BODY_BYTES + (long) DISCARD_LIMIT) {
                    return; // more than we would read: no use starting
                }
            } catch (NumberFormatException e) {
                return; // the JDK server has refused malformed lengths already
            }
        }
        long deadline = started + TimeUnit.SECONDS.toNanos(ExampleServer.MAX_REQUEST_SECONDS);
        byte[] sink = new byte[8192];
        long discarded = 0;
        while (!body.reachedEnd && discarded < DISCARD_LIMIT && System.nanoTime() - deadline < 0) {
            int n = body.read(sink, 0, (int) Math.min(sink.length, DISCARD_LIMIT - discarded));
            discarded += Math.max(n, 0);
        }
    }

    /** The request body, noting whether it was read to its end (an empty one is, by the first read). */
    private static final class EndTracking extends FilterInputStream {
        private boolean reachedEnd;

        EndTracking(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            reachedEnd |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            reachedEnd |= n < 0;
            return n;
        }
    }
}
