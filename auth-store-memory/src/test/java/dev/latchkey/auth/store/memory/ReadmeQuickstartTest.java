package dev.latchkey.auth.store.memory;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.AuthPrincipal;
import dev.latchkey.auth.AuthSettings;
import dev.latchkey.auth.JwtKey;
import dev.latchkey.auth.LoginResult;
import dev.latchkey.auth.OtpDispatch;
import dev.latchkey.auth.SignOutScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Compiles and runs the README's quickstart, and fails if the README's copy drifts from this one. */
class ReadmeQuickstartTest {
    private final List<String> outbox = new ArrayList<>();
    private final String hashSecret = "q8Zr1vT0xN4mW7kB2yH5cJ9pL3sD6fG0aE1uR4iO7nV";

    @Test
    void quickstartRunsTheWholeLifeCycle() {
        // quickstart:start
        MemoryStores stores = MemoryStores.create();
        AuthFacade auth = AuthFacade.builder()
                .settings(AuthSettings.builder()
                        .hashSecret(hashSecret.getBytes(UTF_8)) // 32+ random bytes, shared by all instances
                        .signingKey(JwtKey.generateEs256("k1")) // or JwtKey.hs256 / fromJwk, see Configuration
                        .build())
                .stores(stores) // users, codes, counters, sessions and revocations in one line
                .otpSender(message -> outbox.add(message.code())) // your SMS or email provider goes here
                .build();

        OtpDispatch sent = auth.sendOtp("acme", "ada@example.com"); // pass the client IP too, for its own limits
        String code = outbox.get(0); // what the user types in
        LoginResult login = auth.verifyOtp("acme", "ada@example.com", sent.challengeId(), code);
        AuthPrincipal caller = auth.authenticate("Bearer " + login.tokens().accessToken());
        caller.requireRole("member");
        LoginResult next = auth.refresh(login.tokens().refreshToken());
        auth.signOut(next.tokens().accessToken(), SignOutScope.LOCAL);
        // quickstart:end

        assertThat(caller.emailAddress()).contains("ada@example.com");
        assertThat(next.user().id()).isEqualTo(login.user().id());
        assertThat(auth.listSessions("acme", login.user().id())).isEmpty();
    }

    @Test
    void readmeShowsExactlyThisQuickstart() throws IOException {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme, UTF_8);
        int marker = text.indexOf("<!-- quickstart -->");
        assertThat(marker).as("README quickstart marker").isNotNegative();
        int start = text.indexOf("```java\n", marker) + "```java\n".length();
        int end = text.indexOf("```", start);
        String inReadme = text.substring(start, end);

        String source = Files.readString(
                Path.of("src/test/java/dev/latchkey/auth/store/memory/ReadmeQuickstartTest.java"), UTF_8);
        String inTest = source.substring(
                source.indexOf("// quickstart:start") + "// quickstart:start".length(),
                source.indexOf("// quickstart:end"));
        assertThat(normalise(inReadme)).isEqualTo(normalise(inTest));
    }

    private static String normalise(String code) {
        return code.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce("", (a, b) -> a + b + "\n");
    }
}
