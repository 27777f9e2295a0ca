package dev.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShutdownTest {
    @Test
    void closeStopsAcceptingButLetsTheRequestInFlightFinish() throws Exception {
        CountDownLatch inSender = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TestInbox inbox = new TestInbox();
        ExampleServer server = ExampleServer.start(TestServers.env("SHUTDOWN_GRACE_SECONDS", "20"), message -> {
            inSender.countDown();
            await(release);
            inbox.send(message);
        });
        Api api = new Api(server.baseUri());
        CompletableFuture<HttpResponse<String>> inFlight =
                CompletableFuture.supplyAsync(() -> api.sendOtp("acme", "email", "ada@example.com"));
        assertThat(inSender.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
        assertThat(refusedWithin(api, Duration.ofSeconds(10)))
                .as("new requests refused while one is in flight")
                .isTrue();
        assertThat(closing).isNotDone();
        release.countDown();

        HttpResponse<String> answer = inFlight.get(10, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(inbox.total()).isEqualTo(1);
        closing.get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> api.get("/health")).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void aRequestQueuedBeforeCloseIsServedNotRefused() throws Exception {
        CountDownLatch inSender = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TestInbox inbox = new TestInbox();
        // One worker: the second request waits in the queue while the first is held in the sender.
        ExampleServer server =
                ExampleServer.start(TestServers.env("SHUTDOWN_GRACE_SECONDS", "20", "HTTP_THREADS", "1"), message -> {
                    inSender.countDown();
                    await(release);
                    inbox.send(message);
                });
        Api api = new Api(server.baseUri());
        CompletableFuture<HttpResponse<String>> running =
                CompletableFuture.supplyAsync(() -> api.sendOtp("acme", "email", "ada@example.com"));
        assertThat(inSender.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<HttpResponse<String>> queued =
                CompletableFuture.supplyAsync(() -> api.sendOtp("acme", "email", "grace@example.com"));
        awaitInFlight(server, 2);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
        awaitRefusal(api);
        release.countDown();

        assertThat(running.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
        assertThat(queued.get(10, TimeUnit.SECONDS).statusCode())
                .as("the queued request, accepted before the shutdown began")
                .isEqualTo(202);
        assertThat(inbox.total()).isEqualTo(2);
        closing.get(10, TimeUnit.SECONDS);
    }

    @Test
    void anIdleServerClosesPromptlyDespiteALongGrace() {
        ExampleServer server = ExampleServer.start(TestServers.env("SHUTDOWN_GRACE_SECONDS", "30"), message -> {});
        Api api = new Api(server.baseUri());
        assertThat(api.get("/health").statusCode()).isEqualTo(200);

        long start = System.nanoTime();
        server.close();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThatThrownBy(() -> api.get("/health")).isInstanceOf(UncheckedIOException.class);
        server.close();
    }

    /** Whether a new request is refused (connection closed or 503) before the deadline. */
    private static boolean refusedWithin(Api api, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (api.get("/health").statusCode() == 503) {
                    return true;
                }
            } catch (UncheckedIOException e) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /**
     * Waits until a new request is refused. One sent before the shutdown began waits behind the busy worker, so each
     * try gives up quickly and the next one is sent.
     */
    private static void awaitRefusal(Api api) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> answer = api.send(
                        api.request("/health").timeout(Duration.ofMillis(300)).GET());
                if (answer.statusCode() == 503) {
                    return;
                }
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof HttpTimeoutException)) {
                    return;
                }
            }
        }
        throw new AssertionError("new requests were not refused within 10 s of the shutdown");
    }

    private static void awaitInFlight(ExampleServer server, int requests) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.requestsInFlight() < requests) {
            assertThat(System.nanoTime() - deadline)
                    .as("requests reaching the server")
                    .isNegative();
            Thread.sleep(10);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
