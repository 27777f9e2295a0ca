package dev.latchkey.auth.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.AuthSettings;
import dev.latchkey.auth.HealthReport;
import dev.latchkey.auth.JwtKey;
import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.OtpSender;
import dev.latchkey.auth.spi.RevocationList;
import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.spi.UserDatabase;
import dev.latchkey.auth.store.memory.MemoryUserDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The Redis setup snippet of the project README, verbatim between the markers, so it cannot rot. */
class ReadmeSetupTest {
    @Test
    void theReadmeShowsExactlyTheSetupThisTestRuns() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        // The markers also occur in these lines; the real ones, further down, are the last begin and the next end.
        String source = Files.readString(Path.of("src/test/java/dev/latchkey/auth/store/redis/ReadmeSetupTest.java"));
        int begin = source.indexOf('\n', source.lastIndexOf("// README setup, begin (")) + 1;
        String snippet = source.substring(begin, source.indexOf("// README setup, end", begin));

        for (String line : snippet.strip().split("\n")) {
            assertThat(readme)
                    .contains(line.strip().replace("fromUrl(redisUrl)", "fromUrl(System.getenv(\"REDIS_URL\"))"));
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
        String redisUrl = RedisTestServers.STANDALONE_URL;

        // README setup, begin (System.getenv("REDIS_URL") replaced by redisUrl)
        RedisClient redis = RedisClients.fromUrl(redisUrl); // 2 s connect and socket timeouts
        OTPStore codes = new RedisOTPStore(redis);
        SessionStore sessions = new RedisSessionStore(redis);
        RevocationList revocations = new RedisRevocationList(redis);
        UserDatabase cachedUsers = new CachingUserDatabase(users, redis); // optional: any UserDatabase, cached
        // README setup, end
        AuthFacade auth = AuthFacade.builder()
                .settings(settings)
                .otpSender(sender)
                .userDatabase(cachedUsers)
                .otpStore(codes)
                .sessionStore(sessions)
                .revocationList(revocations)
                .build();

        try (redis) {
            assertThat(auth.health().status()).isNotEqualTo(HealthReport.Status.DOWN);
            assertThat(auth.health().components()).containsKeys("otp", "sessions", "revocations");
        }
    }
}
