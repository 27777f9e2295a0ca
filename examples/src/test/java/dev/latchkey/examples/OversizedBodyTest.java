package dev.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.testkit.MutableClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client still sending an oversized body reads the 413, not a reset: the server discards up to 1 MiB more before
 * it answers and closes. Repeated, because a reset depends on timing.
 */
class OversizedBodyTest {
    private static final int ATTEMPTS = 20;
    private static final int SEVENTY_KB = 70 * 1024;
    private static final int ONE_MB = 1_000_000;

    private ExampleServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void javaClientsReliablyReadThe413ForBodiesOf70KbAnd1Mb() throws Exception {
        URI uri = start().resolve("/api/auth/send-otp");
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (int size : new int[] {SEVENTY_KB, ONE_MB}) {
            byte[] body = new byte[size];
            Arrays.fill(body, (byte) ' ');
            for (int i = 0; i < ATTEMPTS; i++) {
                HttpResponse<String> answer = client.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(10))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode())
                        .as("attempt %d with %d bytes", i, size)
                        .isEqualTo(413);
                assertThat(answer.body()).contains("request_too_large");
            }
        }
    }

    @Test
    void nodeFetchReliablyReadsThe413InsteadOfTerminated(@TempDir Path dir) throws Exception {
        assertThat(onPath("node"))
                .as("node must be installed for this check (.ci/run installs nodejs when absent)")
                .isTrue();
        URI uri = start().resolve("/api/auth/send-otp");
        Path script = dir.resolve("oversized.mjs");
        Files.writeString(script, """
                const [url, attempts, ...sizes] = process.argv.slice(2);
                for (const size of sizes) {
                  for (let i = 0; i < Number(attempts); i++) {
                    try {
                      const answer = await fetch(url, {
                        method: 'POST',
                        headers: {'Content-Type': 'application/json'},
                        body: Buffer.alloc(Number(size), 32),
                        signal: AbortSignal.timeout(10000),
                      });
                      await answer.text();
                      console.log(size + ' ' + answer.status);
                    } catch (e) {
                      console.log(size + ' ' + (e.cause ? e.cause.code || e.cause.message : e.message));
                    }
                  }
                }
                """, StandardCharsets.UTF_8);
        Process node = new ProcessBuilder(
                        "node",
                        script.toString(),
                        uri.toString(),
                        Integer.toString(ATTEMPTS),
                        Integer.toString(SEVENTY_KB),
                        Integer.toString(ONE_MB))
                .redirectErrorStream(true)
                .start();
        boolean finished = node.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            node.destroyForcibly();
        }
        assertThat(finished).as("node finished within two minutes").isTrue();
        List<String> lines = new ArrayList<>(new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .lines()
                .toList());
        assertThat(lines).hasSize(2 * ATTEMPTS).allSatisfy(line -> assertThat(line)
                .endsWith(" 413"));
    }

    private URI start() {
        server = ExampleServer.start(TestServers.env(), new TestInbox(), new MutableClock(Instant.now()));
        return server.baseUri();
    }

    private static boolean onPath(String command) throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
