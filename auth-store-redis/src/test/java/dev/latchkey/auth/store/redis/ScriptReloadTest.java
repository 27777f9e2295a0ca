package dev.latchkey.auth.store.redis;

import static dev.latchkey.auth.store.redis.TestData.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.spi.CodeCheck;
import dev.latchkey.auth.spi.SessionRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * Scripts are called by SHA and survive SCRIPT FLUSH (as after a server restart): the next call reloads them. The
 * standalone case uses a throwaway server so flushing cannot disturb anyone else sharing the usual one.
 */
class ScriptReloadTest {
    private static final String PREFIX = RedisTestServers.uniquePrefix(ScriptReloadTest.class);
    private static Path dir;
    private static int port;
    private static RedisClient throwaway;

    @BeforeAll
    static void startThrowawayServer() throws Exception {
        dir = Files.createTempDirectory("latchkey-redis-reload");
        port = RedisTestServers.freePort();
        RedisTestServers.startServer(port, dir);
        throwaway = RedisClients.fromUrl("redis://127.0.0.1:" + port);
    }

    @AfterAll
    static void stopThrowawayServer() {
        throwaway.close();
        RedisTestServers.stopServer(port);
        RedisTestServers.deleteRecursively(dir);
    }

    @Test
    void everyOperationStillWorksAfterScriptFlushOnStandalone() {
        flowAcrossAFlush(throwaway);
    }

    @Test
    void everyOperationStillWorksAfterScriptFlushOnCluster() {
        UnifiedJedis cluster = RedisTestServers.cluster();
        try {
            flowAcrossAFlush(cluster);
        } finally {
            RedisTestServers.deleteClusterKeys(cluster, PREFIX);
        }
    }

    @Test
    void aScriptIsCachedOnTheServerByItsFirstCallAndThenReusedBySha() {
        RedisOTPStore otp = new RedisOTPStore(throwaway, PREFIX);
        flushScripts(throwaway);
        assertThat(cachedScripts(throwaway)).isZero();

        otp.verify(TestData.newKey(), TestData.randomToken(), at(1));
        assertThat(cachedScripts(throwaway)).isEqualTo(1);
        long evalsBefore = commandCalls(throwaway, "eval");
        long evalshasBefore = commandCalls(throwaway, "evalsha");

        for (int i = 0; i < 5; i++) {
            otp.verify(TestData.newKey(), TestData.randomToken(), at(1));
        }

        assertThat(commandCalls(throwaway, "eval")).isEqualTo(evalsBefore);
        assertThat(commandCalls(throwaway, "evalsha")).isEqualTo(evalshasBefore + 5);
        assertThat(cachedScripts(throwaway)).isEqualTo(1);
    }

    private static void flowAcrossAFlush(UnifiedJedis client) {
        RedisOTPStore otp = new RedisOTPStore(client, PREFIX);
        RedisSessionStore sessions = new RedisSessionStore(client, PREFIX);
        RedisRateLimitStore counters = new RedisRateLimitStore(client, PREFIX);
        String key = TestData.newKey();
        String hash = TestData.randomToken();
        otp.saveChallenge(TestData.challenge(key, hash));
        assertThat(otp.verify(key, TestData.randomToken(), at(1))).isEqualTo(CodeCheck.MISMATCHED);
        counters.increment(key, Duration.ofMinutes(1), at(1));
        SessionRecord session = TestData.session("tenant-reload", UUID.randomUUID(), TestData.randomToken());
        sessions.create(session);

        flushScripts(client);

        assertThat(otp.verify(key, hash, at(2))).isEqualTo(CodeCheck.MATCHED);
        assertThat(counters.increment(key, Duration.ofMinutes(1), at(2)).count())
                .isEqualTo(2);
        assertThat(sessions.rotate(
                        session.id(),
                        session.tokenHash(),
                        TestData.randomToken(),
                        at(3),
                        at(3).plus(Duration.ofDays(7))))
                .isTrue();
        assertThat(sessions.revoke(session.id())).isTrue();
    }

    /** SCRIPT FLUSH on every node the client talks to. */
    private static void flushScripts(UnifiedJedis client) {
        if (client instanceof RedisClusterClient cluster) {
            for (ConnectionPool node : cluster.getClusterNodes().values()) {
                try (Connection connection = node.getResource()) {
                    new Jedis(connection).scriptFlush();
                }
            }
        } else {
            client.scriptFlush();
        }
    }

    private static long cachedScripts(UnifiedJedis client) {
        return infoField(client.info("memory"), "number_of_cached_scripts");
    }

    private static long commandCalls(UnifiedJedis client, String command) {
        String stats = client.info("commandstats");
        String marker = "cmdstat_" + command + ":calls=";
        int start = stats.indexOf(marker);
        if (start < 0) {
            return 0;
        }
        start += marker.length();
        int end = stats.indexOf(',', start);
        return Long.parseLong(stats.substring(start, end));
    }

    private static long infoField(String info, String field) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim());
            }
        }
        throw new AssertionError(field + " not in INFO");
    }
}
