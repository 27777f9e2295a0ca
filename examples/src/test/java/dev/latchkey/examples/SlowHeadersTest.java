package dev.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The slow-header attack of the security review, played on loopback: one address opens about 100 connections a
 * second, each sending {@code POST /api/auth/send-otp HTTP/1.1\r\nHost: x\r\n} and never the rest, while real clients
 * (another loopback address) keep asking. Every real request is answered promptly, never reset or left to time out.
 */
class SlowHeadersTest {
    private static final String ATTACKER = "127.0.0.1";
    private static final String REAL_CLIENT = "127.0.0.2";
    private static final Duration ATTACK = Duration.ofSeconds(4);
    /** Well below the JDK server's request time (5 s), after which a starved request would be dropped. */
    private static final int PROMPTLY_MILLIS = 2000;

    private final ConcurrentLinkedQueue<Socket> attackSockets = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean attacking = new AtomicBoolean(true);
    private ExampleServer server;

    @AfterEach
    void stop() throws IOException {
        attacking.set(false);
        for (Socket socket : attackSockets) {
            socket.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void connectionsThatNeverFinishTheirHeadersDoNotStopRealRequestsFromBeingAnswered() throws Exception {
        server = ExampleServer.start(TestServers.env("HTTP_THREADS", "2"), message -> {});
        URI base = server.baseUri();
        Thread attacker = new Thread(() -> attack(base), "slow-header-attacker");
        attacker.start();
        Thread.sleep(500); // let the attack build up first

        List<String> answers = new ArrayList<>();
        long end = System.nanoTime() + ATTACK.toNanos() - TimeUnit.MILLISECONDS.toNanos(500);
        while (System.nanoTime() < end) {
            answers.add(realRequest(base, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
            String sendOtp = "{\"tenantId\":\"acme\",\"email\":\"ada@example.com\"}";
            answers.add(realRequest(
                    base,
                    "POST /api/auth/send-otp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + sendOtp.length() + "\r\nConnection: close\r\n\r\n" + sendOtp));
        }
        attacker.join(ATTACK.toMillis() + 5000);

        assertThat(attackSockets.size()).as("slow connections opened").isGreaterThan(200);
        assertThat(answers).hasSizeGreaterThan(4).allSatisfy(status -> assertThat(status)
                .matches("HTTP/1.1 (200|202|429|503) .*"));
        assertThat(answers).anySatisfy(status -> assertThat(status).startsWith("HTTP/1.1 200 "));
    }

    /** Opens a slow-header connection every 10 ms for {@link #ATTACK}, keeping each open until the test ends. */
    private void attack(URI base) {
        long end = System.nanoTime() + ATTACK.toNanos();
        while (attacking.get() && System.nanoTime() < end) {
            try {
                Socket socket = new Socket();
                attackSockets.add(socket);
                socket.bind(new InetSocketAddress(ATTACKER, 0));
                socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 1000);
                socket.getOutputStream()
                        .write("POST /api/auth/send-otp HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException refusedOrReset) {
                // A refused or reset attack connection is the defence working; go on attacking.
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The status line of the answer to {@code request}, sent from {@link #REAL_CLIENT}; fails on reset or silence. */
    private static String realRequest(URI base, String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(REAL_CLIENT, 0));
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), PROMPTLY_MILLIS);
            socket.setSoTimeout(PROMPTLY_MILLIS);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String statusLine = in.readLine();
            assertThat(statusLine)
                    .as("an answer to %s", request.lines().findFirst().orElseThrow())
                    .isNotNull();
            return statusLine;
        }
    }
}
