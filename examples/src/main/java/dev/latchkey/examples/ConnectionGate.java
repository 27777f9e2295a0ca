package dev.latchkey.examples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example server's listening socket: it accepts connections, caps them per client address and in total, waits
 * for a request's complete header block for at most {@link #HEADER_TIME}, and only then relays the connection to the
 * JDK server, which listens on a loopback port of its own.
 *
 * <p>Why a relay: the JDK server reads the request line and headers on the worker thread that serves the request, so
 * connections that send {@code POST /api/auth/send-otp HTTP/1.1\r\nHost: x\r\n} and never finish hold every worker
 * (and the threads that would answer 503) until {@code sun.net.httpserver.maxReqTime} ends: a slow-header denial of
 * service (CWE-400). The JDK server has no accept hook to count connections per address, and a {@code Filter} runs
 * only after the headers have been read, which is too late; so the only place to stop such a connection before it
 * costs a worker is in front of the server. Blocking sockets with a thread per connection are the simplest code that
 * does it; the total cap bounds those threads. The check covers a connection's first request; a later request on a
 * kept-alive connection goes to the JDK server as it comes, so a client could still hold at most its per-address
 * cap of workers for the JDK's request time ({@code sun.net.httpserver.maxReqTime}): the per-address default (8) is
 * kept below the default number of workers (16) for that reason.
 *
 * <p>In production, a reverse proxy (nginx, HAProxy, Envoy) with header timeouts and per-IP connection limits does
 * this job better, and the JDK server should then listen behind it only.
 */
final class ConnectionGate implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGate.class);
    /** Time a client has from connecting to the end of its request headers; a browser needs milliseconds. */
    static final Duration HEADER_TIME = Duration.ofSeconds(2);
    /** Larger header blocks get 431; the API's requests carry a few hundred bytes of headers. */
    static final int MAX_HEADER_BYTES = 16 * 1024;

    private final ServerSocket listener;
    private final InetSocketAddress upstream;
    private final int maxConnections;
    private final int maxPerClient;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perClient = new ConcurrentHashMap<>();
    /** The client address behind each relayed connection, by the relay's local port as the JDK server sees it. */
    private final Map<Integer, InetAddress> clientByRelayPort = new ConcurrentHashMap<>();

    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    /** Clients whose header block is still being read: nothing of theirs has reached the JDK server yet. */
    private final Set<Socket> reading = ConcurrentHashMap.newKeySet();

    private final ExecutorService threads;
    private final Thread acceptor;
    private volatile boolean closed;

    /**
     * Listens on {@code address} and relays to {@code upstream}; call {@link #start()} to accept.
     *
     * @throws UncheckedIOException if the address cannot be bound
     */
    ConnectionGate(InetSocketAddress address, InetSocketAddress upstream, int maxConnections, int maxPerClient) {
        this.upstream = upstream;
        this.maxConnections = maxConnections;
        this.maxPerClient = maxPerClient;
        try {
            this.listener = new ServerSocket(address.getPort(), 256, address.getAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "HOST/PORT: cannot listen on " + address.getHostString() + ":" + address.getPort() + ": "
                            + e.getMessage(),
                    e);
        }
        this.threads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "latchkey-gate");
            thread.setDaemon(true);
            return thread;
        });
        this.acceptor = new Thread(this::acceptLoop, "latchkey-gate-accept");
        this.acceptor.setDaemon(true);
    }

    void start() {
        acceptor.start();
    }

    /** The address this gate listens on. */
    InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /**
     * The client's address for a request the JDK server received from {@code peer}: the address behind the relay, or
     * {@code peer}'s own address for a connection that did not come through this gate.
     */
    String clientIp(InetSocketAddress peer) {
        InetAddress client = clientByRelayPort.get(peer.getPort());
        return (client != null ? client : peer.getAddress()).getHostAddress();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("accept failed: {}", e.toString());
                }
                continue;
            }
            InetAddress address = client.getInetAddress();
            if (!admit(address)) {
                refuse(client);
                continue;
            }
            sockets.add(client);
            try {
                threads.execute(() -> {
                    try {
                        serve(client);
                    } finally {
                        sockets.remove(client);
                        closeQuietly(client);
                        release(address);
                    }
                });
            } catch (RejectedExecutionException closing) {
                // Accepted just as close() began: no server is left to answer it.
                sockets.remove(client);
                closeQuietly(client);
                release(address);
            }
        }
    }

    private boolean admit(InetAddress address) {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            return false;
        }
        AtomicInteger count = perClient.computeIfAbsent(address, a -> new AtomicInteger());
        if (count.incrementAndGet() > maxPerClient) {
            release(address);
            return false;
        }
        return true;
    }

    private void release(InetAddress address) {
        open.decrementAndGet();
        perClient.computeIfPresent(address, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    /** Answers at once from the accepting thread: a 503 of a few bytes always fits a fresh socket's send buffer. */
    private static void refuse(Socket client) {
        try (client) {
            client.getOutputStream()
                    .write(plainAnswer(503, "Service Unavailable", "too many connections; try again later", true));
        } catch (IOException ignored) {
            // The client is gone already; nothing to answer.
        }
    }

    private void serve(Socket client) {
        byte[] head;
        reading.add(client);
        try {
            // Checked after joining the set: a close that began earlier may have missed this client, and must not
            // wait HEADER_TIME for headers that no server is left to answer.
            if (closed) {
                return;
            }
            head = readHead(client);
        } catch (SocketTimeoutException slow) {
            answer(client, plainAnswer(408, "Request Timeout", "request headers took too long", false));
            return;
        } catch (IOException gone) {
            return;
        } finally {
            reading.remove(client);
        }
        if (head == null) {
            answer(client, plainAnswer(431, "Request Header Fields Too Large", "request headers too large", false));
            return;
        }
        try (Socket relay = new Socket()) {
            sockets.add(relay);
            relay.connect(upstream, (int) HEADER_TIME.toMillis());
            int port = relay.getLocalPort();
            clientByRelayPort.put(port, client.getInetAddress());
            try {
                client.setSoTimeout(0);
                OutputStream toServer = relay.getOutputStream();
                toServer.write(head);
                toServer.flush();
                threads.execute(() -> copy(client, relay));
                copy(relay, client);
            } finally {
                clientByRelayPort.remove(port);
                sockets.remove(relay);
            }
        } catch (IOException serverGone) {
            // Stopping, or the request was answered and closed: either way the client's connection ends here.
            LOG.debug("relay ended: {}", serverGone.toString());
        }
    }

    /**
     * Bytes up to and including the blank line ending the headers, or {@code null} past {@link #MAX_HEADER_BYTES}.
     *
     * @throws SocketTimeoutException once {@link #HEADER_TIME} since the connection has passed
     */
    private static byte @Nullable [] readHead(Socket client) throws IOException {
        long deadline = System.nanoTime() + HEADER_TIME.toNanos();
        InputStream in = client.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0; // how much of \r\n\r\n was seen last
        while (head.size() < MAX_HEADER_BYTES) {
            // The deadline is for the whole block: a byte every second must not keep the connection open.
            long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
            if (left <= 0) {
                throw new SocketTimeoutException("headers");
            }
            client.setSoTimeout((int) left);
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the end of the headers");
            }
            head.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
            if (matched == 4) {
                return head.toByteArray();
            }
        }
        return null;
    }

    /** Copies until either side ends, then closes both, which also ends the copy in the other direction. */
    private static void copy(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException ended) {
            // One side closed; the finally block ends the other.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void answer(Socket client, byte[] answer) {
        try {
            client.getOutputStream().write(answer);
        } catch (IOException ignored) {
            // The client is gone already.
        }
    }

    /** A complete HTTP/1.1 answer in the JSON error shape of every other error of the server. */
    private static byte[] plainAnswer(int status, String reason, String message, boolean retry) {
        String code = status == 503 ? "unavailable" : status == 408 ? "request_timeout" : "headers_too_large";
        byte[] body = ("{\"error\":\"" + code + "\",\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: application/json; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + (retry ? "Retry-After: 1\r\n" : "")
                + "Cache-Control: no-store\r\n"
                + "Connection: close\r\n\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing is all that was wanted.
        }
    }

    /** Stops accepting and closes every connection still open at once. Idempotent. */
    @Override
    public void close() {
        close(Duration.ZERO);
    }

    /**
     * Stops accepting, closes the connections whose headers have not arrived yet, and waits up to {@code grace} for
     * the relayed ones to end; then closes whatever is still open. Idempotent.
     *
     * <p>Call it after stopping the JDK server. An answer the server has written may still sit in a relay's socket
     * buffers on its way to the client: closing the client's connection at once would cut it off, and the client
     * would see its connection closed without an answer (or a body short of its {@code Content-Length}), although the
     * request was served. A relay ends by itself once the server has closed its side and every byte has been passed
     * on, so this normally waits only for that copy; the grace bounds the wait for a client that does not read.
     */
    void close(Duration grace) {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // Closing is all that was wanted.
        }
        reading.forEach(ConnectionGate::closeQuietly);
        threads.shutdown();
        try {
            if (!grace.isZero() && !threads.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.warn("connections still relaying after {} ms; closing them", grace.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sockets.forEach(ConnectionGate::closeQuietly);
            threads.shutdownNow();
        }
    }
}
