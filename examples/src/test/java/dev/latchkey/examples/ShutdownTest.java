package dev.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
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

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
