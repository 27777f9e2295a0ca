package dev.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The gate's own shutdown, against a plain socket standing in for the JDK server. */
class ConnectionGateTest {
    private static final byte[] REQUEST = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Far more than the loopback socket buffers on the way hold, so the relay is still copying when close begins. */
    private static final int BODY_BYTES = 32 << 20;

    @Test
    void closingLetsARelayPassOnTheAnswerTheServerWrote() throws Exception {
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ConnectionGate gate = gateTo(upstream);
            CountDownLatch requestArrived = new CountDownLatch(1);
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> answerOnce(upstream, requestArrived));
            try (Socket client = new Socket()) {
                // A small window: the answer stays in the relay until the client reads it.
                client.setReceiveBufferSize(4096);
                client.connect(gate.address());
                client.getOutputStream().write(REQUEST);
                assertThat(requestArrived.await(10, TimeUnit.SECONDS)).isTrue();

                CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> gate.close(Duration.ofSeconds(20)));
                awaitRefused(gate.address());
                // Only now does the client read: an answer cut off by the close would come out short.
                byte[] answer = client.getInputStream().readAllBytes();

                assertThat(answer.length)
                        .as("bytes of the answer reaching the client")
                        .isEqualTo(head().length + BODY_BYTES);
                server.get(10, TimeUnit.SECONDS);
                closing.get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void closingDoesNotWaitForHeadersThatNeverCome() throws Exception {
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Socket client = new Socket()) {
            ConnectionGate gate = gateTo(upstream);
            client.connect(gate.address());
            client.getOutputStream().write("GET /health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));

            long start = System.nanoTime();
            gate.close(Duration.ofSeconds(20));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            // Waiting out HEADER_TIME would mean the gate read on for headers that no server is left to answer.
            assertThat(took).as("time to close").isLessThan(ConnectionGate.HEADER_TIME);
        }
    }

    private static ConnectionGate gateTo(ServerSocket upstream) {
        ConnectionGate gate = new ConnectionGate(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                (InetSocketAddress) upstream.getLocalSocketAddress(),
                10,
                10);
        gate.start();
        return gate;
    }

    /** What the JDK server does for an answered request at shutdown: writes the whole answer, then closes. */
    private static void answerOnce(ServerSocket upstream, CountDownLatch requestArrived) {
        try (Socket relay = upstream.accept()) {
            InputStream in = relay.getInputStream();
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            while (!request.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                int b = in.read();
                assertThat(b).as("request byte").isNotNegative();
                request.write(b);
            }
            requestArrived.countDown();
            OutputStream out = relay.getOutputStream();
            out.write(head());
            out.write(new byte[BODY_BYTES]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] head() {
        return ("HTTP/1.1 200 OK\r\nContent-Length: " + BODY_BYTES + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Waits until the gate refuses new connections: the first thing a close does. */
    private static void awaitRefused(InetSocketAddress address) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            assertThat(System.nanoTime() - deadline).as("gate still listening").isNegative();
            try (Socket probe = new Socket()) {
                probe.connect(address);
            } catch (ConnectException refused) {
                return;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
