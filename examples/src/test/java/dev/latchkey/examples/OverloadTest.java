package dev.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that send a request's headers and then its body very slowly hold the worker reading it. However many there
 * are, the server keeps answering: requests that find every worker and queue place taken get {@code 503} at once,
 * and the JDK server's single dispatcher thread never runs a request itself.
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
    void slowBodiesFillingEveryWorkerAndTheQueueDoNotStopTheServerAnswering() throws Exception {
        server = ExampleServer.start(TestServers.env("HTTP_THREADS", Integer.toString(THREADS)), message -> {});
        Api api = new Api(server.baseUri());
        // Every worker reading a body, every queue place taken, and one spare thread busy refusing one more.
        int slow = THREADS + Admission.queueCapacity(THREADS) + 1;
        for (int i = 0; i < slow; i++) {
            slowClients.add(sendHeadersAndOneBodyByte(server.baseUri()));
        }
        awaitHandedOver(slow);

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
        CompletableFuture<HttpResponse<String>> recovered = CompletableFuture.supplyAsync(() -> api.get("/health"));
        assertThat(recovered).succeedsWithin(PROMPTLY);
        assertThat(recovered.join().statusCode()).isEqualTo(200);
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
