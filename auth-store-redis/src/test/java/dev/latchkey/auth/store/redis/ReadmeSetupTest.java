package dev.latchkey.auth.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.AuthSettings;
import dev.latchkey.auth.HealthReport;
import dev.latchkey.auth.JwtKey;
import dev.latchkey.auth.spi.OtpSender;
import dev.latchkey.auth.spi.UserDatabase;
import dev.latchkey.auth.store.memory.MemoryUserDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Redis setup snippet of the module README, verbatim between the markers, so it cannot rot. */
class ReadmeSetupTest {
    @Test
    void theReadmeShowsExactlyTheSetupThisTestRuns() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        // The markers also occur in these lines; the real ones, further down, are the last begin and the next end.
        String source = Files.readString(Path.of("src/test/java/dev/latchkey/auth/store/redis/ReadmeSetupTest.java"));
        int begin = source.indexOf('\n', source.lastIndexOf("// README setup, begin (")) + 1;
        String snippet = source.substring(begin, source.indexOf("// README setup, end", begin));

        for (String line : snippet.strip().split("\n")) {
            assertThat(readme).contains(line.strip().replace("fromEnv(env,", "fromEnv(System.getenv(),"));
        }
    }

    @Test
    void theReadmeSetupBuildsAWorkingFacade() {
        SecureRandom random = new SecureRandom();
        byte[] hashSecret = new byte[32];
        byte[] signingSecret = new byte[32];
        random.nextBytes(hashSecret);
        random.nextBytes(signingSecret);
        AuthSettings settings = AuthSettings.builder()
                .hashSecret(hashSecret)
                .signingKey(JwtKey.hs256("k1", signingSecret))
                .build();
        OtpSender sender = message -> {};
        UserDatabase users = new MemoryUserDatabase();
        String prefix = RedisTestServers.uniquePrefix(ReadmeSetupTest.class);
        Map<String, String> env = Map.of(
                "REDIS_URL",
                RedisTestServers.STANDALONE_URL,
                "REDIS_KEY_PREFIX",
                prefix,
                "OTP_HASH_SECRET",
                TestData.KEY_SECRET_TEXT);

        // README setup, begin (System.getenv() replaced by env)
        RedisStores stores =
                RedisStores.fromEnv(env, users); // REDIS_URL, REDIS_KEY_PREFIX, OTP_HASH_SECRET; close() on shutdown
        AuthFacade auth = AuthFacade.builder()
                .settings(settings)
                .stores(stores) // codes, counters, sessions, revocations; a Redis cache in front of your users
                .otpSender(sender)
                .build();
        // README setup, end

        try (stores) {
            assertThat(auth.health().status()).isNotEqualTo(HealthReport.Status.DOWN);
            assertThat(auth.health().components()).containsKeys("otp", "rateLimits", "sessions", "revocations");
            assertThat(stores.keyPrefix()).isEqualTo(prefix);
        } finally {
            RedisTestServers.deleteKeys(RedisTestServers.standalone(), prefix);
        }
    }
}
