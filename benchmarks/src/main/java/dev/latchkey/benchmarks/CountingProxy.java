package dev.latchkey.benchmarks;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy in front of PostgreSQL or Redis that counts the client's requests that wait for an answer:
 * PostgreSQL protocol {@code Sync} and simple {@code Query} messages, or Redis top-level commands (RESP arrays).
 * Bytes pass through unchanged; the client side is parsed as it streams.
 */
final class CountingProxy implements Closeable {
    enum Protocol {
        POSTGRES,
        REDIS
    }

    private final Protocol protocol;
    private final InetSocketAddress target;
    private final ServerSocket server;
    private final AtomicLong requests = new AtomicLong();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    CountingProxy(Protocol protocol, String host, int port) throws IOException {
        this.protocol = protocol;
        this.target = new InetSocketAddress(host, port);
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "proxy-" + protocol);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    long requests() {
        return requests.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                start(() -> clientToServer(client, upstream));
                start(() -> pump(upstream.getInputStream(), client.getOutputStream()));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("proxy: " + e);
                }
            }
        }
    }

    private static void start(IoRunnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (IOException ignored) {
                // a side closed
            }
        });
        t.setDaemon(true);
        t.start();
    }

    @FunctionalInterface
    private interface IoRunnable {
        void run() throws IOException;
    }

    private static void pump(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[16384];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            out.flush();
        }
        out.close();
    }

    private void clientToServer(Socket client, Socket upstream) throws IOException {
        Tee in = new Tee(client.getInputStream(), upstream.getOutputStream());
        try {
            if (protocol == Protocol.POSTGRES) {
                postgres(new DataInputStream(in));
            } else {
                redis(in);
            }
        } catch (EOFException e) {
            upstream.close();
        }
    }

    /** Untyped start-up packets (SSL/GSS requests, then the start-up message), then typed messages. */
    private void postgres(DataInputStream in) throws IOException {
        while (true) {
            int length = in.readInt();
            int code = in.readInt();
            in.skipNBytes(length - 8L);
            if (code != 80877103 && code != 80877104) {
                break;
            }
        }
        while (true) {
            int type = in.readUnsignedByte();
            int length = in.readInt();
            in.skipNBytes(length - 4L);
            if (type == 'S' || type == 'Q') {
                requests.incrementAndGet();
            }
        }
    }

    /** RESP arrays of bulk strings, as Jedis sends them. */
    private void redis(InputStream in) throws IOException {
        while (true) {
            String header = line(in);
            if (header.startsWith("*")) {
                int items = Integer.parseInt(header.substring(1));
                for (int i = 0; i < items; i++) {
                    String bulk = line(in);
                    int size = Integer.parseInt(bulk.substring(1));
                    in.skipNBytes(size + 2L);
                }
            }
            requests.incrementAndGet();
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException();
            }
            if (c != '\r') {
                s.append((char) c);
            }
        }
        return s.toString();
    }

    /** Forwards every byte read to the upstream as it is consumed. */
    private static final class Tee extends InputStream {
        private final InputStream in;
        private final OutputStream out;
        private final byte[] buffer = new byte[16384];
        private int position;
        private int limit;

        Tee(InputStream in, OutputStream out) {
            this.in = in;
            this.out = out;
        }

        @Override
        public int read() throws IOException {
            if (position == limit) {
                limit = in.read(buffer);
                position = 0;
                if (limit < 0) {
                    limit = 0;
                    return -1;
                }
                out.write(buffer, 0, limit);
                out.flush();
            }
            return buffer[position++] & 0xff;
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
