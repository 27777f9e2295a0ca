package dev.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.auth.spi.OtpMessage;
import dev.latchkey.auth.spi.OtpSender;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that send a request's headers and then its body very slowly hold the worker reading it. However many there
 * are, the server keeps answering: requests that find every worker and queue place taken get {@code 503} at once,
 * and the JDK server's single dispatcher thread never runs a request itself. A request that waited in the queue too
 * long to be served in time is answered {@code 503} too, rather than served late.
 */
class OverloadTest {
    private static final int THREADS = 2;
    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    private final List<Socket> slowClients = new ArrayList<>();
    private ExampleServer server;

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : slowClients) {
            socket.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void slowBodiesBeyondEveryWorkerAndQueuePlaceAre503AtOnceAndTheServerKeepsAnswering() throws Exception {
        // All from one address: the per-client connection cap (SlowHeadersTest) is lifted to reach the workers.
        server = ExampleServer.start(
                TestServers.env("HTTP_THREADS", Integer.toString(THREADS), "HTTP_MAX_CONNECTIONS_PER_CLIENT", "4096"),
                message -> {});
        Api api = new Api(server.baseUri());
        int occupying = THREADS + Admission.queueCapacity(THREADS);
        for (int i = 0; i < occupying; i++) {
            slowClients.add(sendHeadersAndOneBodyByte(server.baseUri()));
        }
        awaitHandedOver(occupying);

        // More slow clients than there are spare threads: each is refused at once, none holds a thread.
        for (int i = 0; i < 3 * Admission.spareThreads(THREADS); i++) {
            Socket refused = sendHeadersAndOneBodyByte(server.baseUri());
            slowClients.add(refused);
            assertThat(statusLine(refused)).startsWith("HTTP/1.1 503 ");
        }
        CompletableFuture<HttpResponse<String>> health = CompletableFuture.supplyAsync(() -> api.get("/health"));

        assertThat(health).succeedsWithin(PROMPTLY);
        HttpResponse<String> busy = health.join();
        assertThat(busy.statusCode()).isIn(200, 503);
        if (busy.statusCode() == 503) {
            JsonNode body = Api.assertError(busy, 503, "unavailable");
            assertThat(body.get("message").asText()).contains("busy");
            assertThat(busy.headers().allValues("Retry-After")).containsExactly("1");
        }

        for (Socket socket : slowClients) {
            socket.close();
        }
        // Their requests end as the closes reach them; one sent before that would still find the queue full.
        awaitAllAnswered();
        CompletableFuture<HttpResponse<String>> recovered = CompletableFuture.supplyAsync(() -> api.get("/health"));
        assertThat(recovered).succeedsWithin(PROMPTLY);
        assertThat(recovered.join().statusCode()).isEqualTo(200);
    }

    @Test
    void aRequestQueuedLongerThanTheBoundIsAnsweredBusyNotServedLate() throws Exception {
        HeldSender sender = new HeldSender();
        HttpResponse<String> late = sendWhileQueuedFor(Admission.MAX_QUEUE_WAIT.plusMillis(1), sender);

        JsonNode body = Api.assertError(late, 503, "unavailable");
        assertThat(body.get("message").asText()).contains("busy");
        assertThat(late.headers().allValues("Retry-After")).containsExactly("1");
        assertThat(sender.inbox.count("acme", "grace@example.com"))
                .as("no code sent for the request answered busy")
                .isZero();
        assertThat(sender.inbox.total()).isEqualTo(1);
    }

    @Test
    void aRequestQueuedForLessThanTheBoundIsStillServed() throws Exception {
        HeldSender sender = new HeldSender();
        HttpResponse<String> served = sendWhileQueuedFor(Admission.MAX_QUEUE_WAIT.minusMillis(100), sender);

        assertThat(served.statusCode()).isEqualTo(202);
        assertThat(sender.inbox.count("acme", "grace@example.com")).isEqualTo(1);
    }

    /**
     * With one worker, held in the code sender by a first send-otp (to ada), a second one (to grace) waits in the
     * queue while the server's clock moves on by {@code waited}; returns the second one's answer once the first has
     * been answered 202.
     */
    private HttpResponse<String> sendWhileQueuedFor(Duration waited, HeldSender sender) throws Exception {
        AtomicLong queueTime = new AtomicLong();
        server = ExampleServer.start(TestServers.env("HTTP_THREADS", "1"), sender, Clock.systemUTC(), queueTime::get);
        Api api = new Api(server.baseUri());
        CompletableFuture<HttpResponse<String>> running =
                CompletableFuture.supplyAsync(() -> api.sendOtp("acme", "email", "ada@example.com"));
        assertThat(sender.entered.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<HttpResponse<String>> queued =
                CompletableFuture.supplyAsync(() -> api.sendOtp("acme", "email", "grace@example.com"));
        awaitHandedOver(2);

        queueTime.addAndGet(waited.toNanos());
        sender.release.countDown();

        assertThat(running.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
        return queued.get(10, TimeUnit.SECONDS);
    }

    /** A code sender that holds the first request in it until released, then delivers to an inbox. */
    private static final class HeldSender implements OtpSender {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final TestInbox inbox = new TestInbox();

        @Override
        public void send(OtpMessage message) {
            entered.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inbox.send(message);
        }
    }

    /** The first line of the answer, waiting a few seconds at most. */
    private static String statusLine(Socket socket) throws IOException {
        socket.setSoTimeout((int) PROMPTLY.toMillis());
        BufferedReader in =
                new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        try {
            return String.valueOf(in.readLine());
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer within " + PROMPTLY, e);
        }
    }

    /** A send-otp request that announces 100 body bytes and sends one, then nothing. */
    private static Socket sendHeadersAndOneBodyByte(URI base) throws IOException {
        Socket socket = new Socket(base.getHost(), base.getPort());
        OutputStream out = socket.getOutputStream();
        out.write(("POST /api/auth/send-otp HTTP/1.1\r\nHost: " + base.getAuthority()
                        + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    /** Waits until no request is left in flight. */
    private void awaitAllAnswered() throws InterruptedException {
        long deadline = System.nanoTime() + PROMPTLY.toNanos();
        while (server.requestsInFlight() > 0) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(server.requestsInFlight() + " requests still in flight");
            }
            Thread.sleep(10);
        }
    }

    /** Waits until the server has taken every slow request off its dispatcher (to a worker, the queue or a refusal). */
    private void awaitHandedOver(int requests) throws InterruptedException {
        long deadline = System.nanoTime() + PROMPTLY.toNanos();
        while (server.requestsInFlight() < requests) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("only " + server.requestsInFlight() + " of " + requests + " slow requests"
                        + " reached the server");
            }
            Thread.sleep(10);
        }
    }
}
