package dev.latchkey.auth.store.redis;

import static dev.latchkey.auth.store.redis.TestData.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ConfigurationException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.spi.CodeCheck;
import dev.latchkey.auth.store.memory.MemoryUserDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.util.SafeEncoder;

/** {@code REDIS_URL} handling against a password-protected throwaway server with an ACL user. */
class RedisClientsTest {
    private static final String PASSWORD = "p@ss:w+rd/%";
    private static final String ENCODED_PASSWORD = "p%40ss%3Aw+rd%2F%25";
    private static final String PREFIX = RedisTestServers.uniquePrefix(RedisClientsTest.class);
    private static Path dir;
    private static int port;

    @BeforeAll
    static void startProtectedServer() throws Exception {
        dir = Files.createTempDirectory("latchkey-redis-auth");
        port = RedisTestServers.freePort();
        RedisTestServers.startServer(port, dir, "--requirepass", PASSWORD);
        try (Jedis admin = admin(0)) {
            admin.aclSetUser("alice", "on", ">alice-secret", "~*", "&*", "+@all");
        }
    }

    @AfterAll
    static void stopProtectedServer() {
        try (Jedis admin = admin(0)) {
            admin.shutdown();
        } catch (RuntimeException closedWithoutReply) {
            // SHUTDOWN closes the connection without an answer.
        }
        RedisTestServers.awaitStopped(port);
        RedisTestServers.deleteRecursively(dir);
    }

    @Test
    void passwordAndDatabaseFromTheUrlAreUsed() {
        try (RedisClient client = RedisClients.fromUrl("redis://:" + ENCODED_PASSWORD + "@127.0.0.1:" + port + "/3")) {
            client.set(PREFIX + "db-check", "here");
        }

        try (Jedis admin = admin(3)) {
            assertThat(admin.get(PREFIX + "db-check")).isEqualTo("here");
        }
        try (Jedis admin = admin(0)) {
            assertThat(admin.get(PREFIX + "db-check")).isNull();
        }
    }

    @Test
    void anAclUserFromTheUrlIsUsed() {
        try (RedisClient client = RedisClients.fromUrl("redis://alice:alice-secret@127.0.0.1:" + port)) {
            Object whoAmI = client.sendCommand(Protocol.Command.ACL, "WHOAMI");
            assertThat(SafeEncoder.encode((byte[]) whoAmI)).isEqualTo("alice");
        }
    }

    @Test
    void aWrongPasswordIsUnavailableWithoutRevealingThePassword() {
        try (RedisStores stores = RedisStores.fromUrl(
                "redis://:wrong-secret@127.0.0.1:" + port, new MemoryUserDatabase(), TestData.KEY_SECRET)) {
            RedisOTPStore store = stores.otp();
            assertThatThrownBy(() -> store.verify(TestData.newKey(), TestData.randomToken(), at(0)))
                    .isInstanceOfSatisfying(
                            AuthException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE))
                    .hasMessageNotContaining("wrong-secret");
        }
    }

    @Test
    void aTlsUrlAgainstAPlainServerFailsWithinTheTimeout() {
        long start = System.nanoTime();
        try (RedisOTPStore store = RedisOTPStore.fromUrl(
                "rediss://:" + ENCODED_PASSWORD + "@127.0.0.1:" + port,
                Duration.ofMillis(500),
                Duration.ofMillis(500),
                PREFIX)) {
            assertThatThrownBy(store::ping).isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.errorCode())
                    .isEqualTo(ErrorCode.UNAVAILABLE));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void malformedUrlsAreConfigurationErrorsNamingRedisUrlWithoutEchoingThem() {
        for (String url : new String[] {
            "http://127.0.0.1:6379",
            "redis://",
            "redis://:%zz-secret@127.0.0.1:6379",
            "redis://127.0.0.1:6379/not-a-db",
            "redis://127.0.0.1:6379/-1",
            "redis ://secret@host",
            "",
            "   "
        }) {
            assertThatThrownBy(() -> RedisClients.fromUrl(url))
                    .as(url)
                    .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                        assertThat(e.setting()).isEqualTo("REDIS_URL");
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_CONFIGURATION);
                        assertThat(e.expected()).contains("redis://");
                    })
                    .hasMessageStartingWith("REDIS_URL: ")
                    .hasMessageNotContaining("secret")
                    .hasMessageNotContaining("127.0.0.1")
                    .hasNoCause();
        }
    }

    @Test
    void aMissingUrlIsAConfigurationErrorNotANullPointerException() {
        assertThatThrownBy(() -> RedisClients.fromUrl(null))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo("REDIS_URL"))
                .hasMessage("REDIS_URL: is not set; expected redis://[user:password@]host[:port][/db] or rediss://..."
                        + " for TLS, with reserved characters in user and password percent-encoded");
    }

    @Test
    void nonPositiveTimeoutsAreConfigurationErrorsNamingTheTimeout() {
        assertThatThrownBy(() -> RedisClients.fromUrl("redis://127.0.0.1", Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo("connectTimeout"));
        assertThatThrownBy(
                        () -> RedisClients.fromUrl("redis://127.0.0.1", Duration.ofSeconds(1), Duration.ofMillis(-1)))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo("socketTimeout"));
        assertThatThrownBy(() -> RedisClients.fromUrl("redis://127.0.0.1", null, Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo("connectTimeout"));
    }

    @Test
    void aStoreClosesTheClientItCreatedButNeverTheHostsClient() {
        String url = "redis://:" + ENCODED_PASSWORD + "@127.0.0.1:" + port;
        RedisOTPStore owning =
                RedisOTPStore.fromUrl(url, RedisClients.DEFAULT_TIMEOUT, RedisClients.DEFAULT_TIMEOUT, PREFIX);
        owning.ping();
        owning.close();
        assertThatThrownBy(owning::ping).isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.errorCode())
                .isEqualTo(ErrorCode.UNAVAILABLE));

        try (RedisClient hostClient = RedisClients.fromUrl(url)) {
            RedisOTPStore otp = new RedisOTPStore(hostClient, PREFIX);
            RedisSessionStore sessions = new RedisSessionStore(hostClient, PREFIX);
            RedisRevocationList revocations = new RedisRevocationList(hostClient, PREFIX);
            otp.close();
            sessions.close();
            revocations.close();

            String key = TestData.newKey();
            String hash = TestData.randomToken();
            otp.saveChallenge(TestData.challenge(key, hash));
            assertThat(otp.verify(key, hash, at(1))).isEqualTo(CodeCheck.MATCHED);
            assertThat(hostClient.ping()).isEqualTo("PONG");
        }
    }

    private static Jedis admin(int database) {
        return new Jedis(
                new HostAndPort("127.0.0.1", port),
                DefaultJedisClientConfig.builder()
                        .password(PASSWORD)
                        .database(database)
                        .build());
    }
}
