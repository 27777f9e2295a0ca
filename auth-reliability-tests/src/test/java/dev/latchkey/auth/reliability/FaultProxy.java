package dev.latchkey.auth.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP forwarder between Latchkey and a real server that a test drives through the faults of a network:
 *
 * <ul>
 *   <li>{@link #cut()}: every forwarded connection is closed (the client sees a reset or end of stream), and new
 *       connections are reset as soon as they are accepted. The port stays bound: released, it could be taken by
 *       another process's proxy on this machine (another test run forwarding to the same server), and a client
 *       reconnecting to it would then reach the server through the cut;
 *   <li>{@link #delay(Duration)}: every chunk is held for the given time before it is forwarded, both ways;
 *   <li>{@link #blackHole()}: connections stay open but nothing moves, as when packets are dropped without a reset;
 *       new connections are accepted and get nothing either. Bytes are held, not lost, as TCP retransmission would
 *       deliver them when the path heals;
 *   <li>{@link #heal()}: back to plain forwarding (accepting again after a cut, releasing whatever a black hole
 *       held).
 * </ul>
 */
final class FaultProxy implements AutoCloseable {
    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicLong connections = new AtomicLong();
    private final Object gate = new Object();
    private final ServerSocket listener;
    private volatile boolean cut;
    private volatile boolean blackHoled;
    private volatile long delayMillis;

    FaultProxy(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = listen();
        this.port = listener.getLocalPort();
        acceptOn(listener);
    }

    /** Proxies the local server on the given port. */
    static FaultProxy to(int targetPort) {
        return new FaultProxy("127.0.0.1", targetPort);
    }

    int port() {
        return port;
    }

    /** Connections accepted since the proxy started (a reconnecting client shows here). */
    long connectionsAccepted() {
        return connections.get();
    }

    /** Closes every forwarded connection and resets new ones until {@link #heal()}. */
    synchronized void cut() {
        cut = true;
        sockets.forEach(FaultProxy::closeQuietly);
        sockets.clear();
    }

    /** Holds every chunk for {@code latency} before forwarding it, in both directions. */
    void delay(Duration latency) {
        delayMillis = latency.toMillis();
    }

    /** Stops moving bytes, without closing anything. */
    void blackHole() {
        blackHoled = true;
    }

    /** Plain forwarding again: no delay, nothing held, connections accepted. */
    synchronized void heal() {
        delayMillis = 0;
        synchronized (gate) {
            blackHoled = false;
            gate.notifyAll();
        }
        cut = false;
    }

    @Override
    public void close() {
        heal();
        cut();
        closeQuietly(listener);
    }

    private static ServerSocket listen() {
        try {
            ServerSocket socket = new ServerSocket();
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void acceptOn(ServerSocket server) {
        daemon("fault-proxy-accept", () -> {
            while (!server.isClosed()) {
                Socket client;
                try {
                    client = server.accept();
                } catch (IOException e) {
                    return;
                }
                connections.incrementAndGet();
                if (cut) {
                    resetQuietly(client);
                    continue;
                }
                sockets.add(client);
                daemon("fault-proxy-connect", () -> connect(client));
            }
        });
    }

    private void connect(Socket client) {
        try {
            awaitPath();
            Socket upstream = new Socket(targetHost, targetPort);
            upstream.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
            sockets.add(upstream);
            // A cut between accepting and here may have missed these two sockets: honour it now.
            if (cut || client.isClosed()) {
                closeQuietly(client);
                closeQuietly(upstream);
                return;
            }
            daemon("fault-proxy-up", () -> pump(client, upstream));
            daemon("fault-proxy-down", () -> pump(upstream, client));
        } catch (IOException | InterruptedException e) {
            closeQuietly(client);
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                awaitPath();
                long delay = delayMillis;
                if (delay > 0) {
                    Thread.sleep(delay);
                }
                awaitPath();
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // The connection was cut or closed by an end; closing both ends below is all there is to do.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    /** Blocks while the path is a black hole. */
    private void awaitPath() throws InterruptedException {
        synchronized (gate) {
            while (blackHoled) {
                gate.wait();
            }
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Closes with a reset (RST) rather than an orderly end of stream, as a refused or cut path shows. */
    private static void resetQuietly(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            // Closing below still ends the connection, with an orderly end of stream instead of a reset.
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Already closed or broken: the goal, a closed socket, is reached either way.
        }
    }
}
