package dev.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code main} as a user runs it: a separate JVM, the console code sender, SIGTERM. */
class MainProcessTest {
    private static final Pattern LISTENING = Pattern.compile(".*listening on (http://\\S+) .*");
    private static final Pattern OTP_LINE = Pattern.compile("OTP (\\S+) (\\d{6})");

    @Test
    void aBadSettingStopsStartUpWithExitStatus2AndTheVariableName() throws Exception {
        Process process = launch(Map.of("PORT", "eighty"));
        Lines err = new Lines(process.getErrorStream());

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(err.all()).anySatisfy(line -> assertThat(line)
                .isEqualTo("latchkey-example: PORT: is not a whole number;"
                        + " expected a whole number from 0 to 65535, such as 8080"));
    }

    @Test
    void logsInThroughTheConsoleCodeAndStopsCleanlyOnSigterm() throws Exception {
        Process process = launch(Map.of("PORT", "0"));
        Lines out = new Lines(process.getInputStream());
        Lines err = new Lines(process.getErrorStream());
        try {
            Matcher listening = err.await(LISTENING);
            Api api = new Api(URI.create(listening.group(1)));

            assertThat(api.sendOtp("acme", "email", "Ada@Example.com").statusCode())
                    .isEqualTo(202);
            Matcher otp = out.await(OTP_LINE);
            assertThat(otp.group(1)).isEqualTo("ada@example.com");
            HttpResponse<String> login = api.verifyOtp("acme", "email", "ada@example.com", otp.group(2));
            assertThat(login.statusCode()).isEqualTo(200);
            JsonNode tokens = Api.body(login);
            assertThat(api.get("/api/auth/session", tokens.get("accessToken").asText())
                            .statusCode())
                    .isEqualTo(200);
            assertThat(err.all()).noneSatisfy(line -> assertThat(line).contains(otp.group(2)));

            // SIGTERM; through the handle, because Process.destroy() also closes our ends of the pipes.
            process.toHandle().destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue())
                    .as("exit status after SIGTERM: 128 + 15")
                    .isEqualTo(143);
            err.await(Pattern.compile(".*Latchkey example stopped.*"));
            assertThat(out.all()).hasSize(1);
            assertThat(err.all())
                    .anySatisfy(line -> assertThat(line).contains("WARN").contains("JWT_SECRET"))
                    .noneSatisfy(line ->
                            assertThat(line).contains(tokens.get("accessToken").asText()));
        } finally {
            process.destroyForcibly();
        }
    }

    private static Process launch(Map<String, String> env) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(
                java.toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-cp",
                System.getProperty("java.class.path"),
                ExampleServer.class.getName());
        // Only what the test sets: the machine's own DATABASE_URL or JWT_SECRET must not leak in.
        builder.environment().keySet().removeIf(name -> !name.equals("PATH") && !name.equals("HOME"));
        builder.environment().putAll(env);
        return builder.start();
    }

    /** Collects a stream's lines on a thread of its own, so neither pipe can fill up and block the child. */
    private static final class Lines {
        private final BlockingQueue<String> fresh = new LinkedBlockingQueue<>();
        private final List<String> seen = new CopyOnWriteArrayList<>();

        Lines(InputStream stream) {
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        seen.add(line);
                        fresh.add(line);
                    }
                } catch (IOException e) {
                    // Our end of the pipe was closed (the child was killed): nothing more to read.
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        Matcher await(Pattern pattern) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (Matcher m = null; System.nanoTime() < deadline; ) {
                String line = fresh.poll(100, TimeUnit.MILLISECONDS);
                if (line != null && (m = pattern.matcher(line)).matches()) {
                    return m;
                }
            }
            throw new AssertionError("no line matching " + pattern + " in " + seen);
        }

        List<String> all() {
            return List.copyOf(seen);
        }
    }
}
