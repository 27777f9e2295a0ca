package dev.latchkey.auth.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.User;
import dev.latchkey.auth.spi.Budget;
import dev.latchkey.auth.spi.BudgetedCheck;
import dev.latchkey.auth.spi.BudgetedVerification;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.OtpChallenge;
import dev.latchkey.auth.spi.SessionRecord;
import dev.latchkey.auth.spi.Throttle;
import dev.latchkey.auth.store.memory.MemoryUserDatabase;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Each login step is one round trip on a standalone server, counted on the wire: a client whose socket counts
 * flushes (Jedis flushes once per command it sends and waits for the reply).
 */
class RedisLoginRoundTripsTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration HOUR = Duration.ofHours(1);
    private static final String PREFIX = RedisTestServers.uniquePrefix(RedisLoginRoundTripsTest.class);
    private static final AtomicInteger SENT = new AtomicInteger();
    private static UnifiedJedis counted;

    @BeforeAll
    @SuppressWarnings("deprecation") // the socket-factory constructor: the one way to put a counting socket under it
    static void connect() {
        RedisTestServers.standalone(); // fails the test when no server answers
        URI url = URI.create(RedisTestServers.STANDALONE_URL);
        counted = new UnifiedJedis(() -> {
            Socket socket = new CountingSocket();
            try {
                socket.connect(new InetSocketAddress(url.getHost(), url.getPort()), 2_000);
                socket.setSoTimeout(2_000);
            } catch (IOException e) {
                throw new JedisConnectionException(e);
            }
            return socket;
        });
        // The connection's own set-up commands are sent with its first command, before anything is counted.
        counted.ping();
    }

    @AfterAll
    static void removeTestKeys() {
        counted.close();
        RedisTestServers.deleteKeys(RedisTestServers.standalone(), PREFIX);
    }

    @Test
    void issueChallengeWithSiblingCountersIsOneCommandAndWithForeignCountersOneEach() {
        RedisOTPStore otp = new RedisOTPStore(counted, PREFIX);
        String ns = UUID.randomUUID() + ":";
        List<Throttle> throttles = List.of(
                new Throttle("ip", ns + "ip", 10, HOUR),
                new Throttle("destination", ns + "sd", 10, HOUR),
                new Throttle("address", ns + "sa", 10, HOUR),
                new Throttle("global", ns + "sg", 10, HOUR));

        // Once uncounted, so that every script is cached on the server (a first EVALSHA may need an EVAL as well).
        otp.issueChallenge(new RedisRateLimitStore(counted, PREFIX), throttles, ns + "vc", challenge(ns + "w1"), NOW);
        otp.issueChallenge(
                new RedisRateLimitStore(counted, PREFIX + "other:"), throttles, ns + "vc", challenge(ns + "w2"), NOW);
        int fused = commands(() -> otp.issueChallenge(
                new RedisRateLimitStore(counted, PREFIX), throttles, ns + "vc", challenge(ns + "a"), NOW));
        int stepByStep = commands(() -> otp.issueChallenge(
                new RedisRateLimitStore(counted, PREFIX + "other:"), throttles, ns + "vc", challenge(ns + "b"), NOW));

        assertThat(fused)
                .as("throttles, delivery budget and challenge with the sibling counters")
                .isEqualTo(1);
        assertThat(stepByStep)
                .as("with counters in another key space: four increments, a peek and a save")
                .isEqualTo(6);
    }

    @Test
    void verifyWithBudgetsIsOneCommandWhetherItMismatchesOrMatches() {
        RedisOTPStore otp = new RedisOTPStore(counted, PREFIX);
        RedisRateLimitStore counters = new RedisRateLimitStore(counted, PREFIX);
        String ns = UUID.randomUUID() + ":";
        otp.saveChallenge(new OtpChallenge(ns + "ch", "right", NOW, NOW.plusSeconds(300), 0, 5));
        BudgetedVerification wrong = plan(ns, "wrong");
        BudgetedVerification right = plan(ns, "right");
        otp.verifyWithBudgets(counters, plan(ns + "warm-up:", "x"), NOW); // caches the script, uncounted

        int mismatch = commands(
                () -> assertThat(otp.verifyWithBudgets(counters, wrong, NOW).verdict())
                        .isEqualTo(BudgetedCheck.Verdict.MISMATCHED));
        int match = commands(
                () -> assertThat(otp.verifyWithBudgets(counters, right, NOW).verdict())
                        .isEqualTo(BudgetedCheck.Verdict.MATCHED));

        assertThat(List.of(mismatch, match))
                .as("a wrong guess counted on both budgets, and a match that resets them: one command each")
                .containsExactly(1, 1);
    }

    @Test
    void sessionCreateWritesSessionAndIndexInOneCommand() {
        RedisSessionStore sessions = new RedisSessionStore(counted, PREFIX);
        String id = UUID.randomUUID().toString();
        UUID user = UUID.randomUUID();
        SessionRecord record = new SessionRecord(
                id, "t", user, "hash", null, 0, NOW, NOW, NOW.plus(HOUR), NOW.plus(Duration.ofDays(30)));

        sessions.create(new SessionRecord(
                UUID.randomUUID().toString(), "t", user, "h", null, 0, NOW, NOW, NOW.plus(HOUR), NOW.plus(HOUR)));
        int created = commands(() -> sessions.create(record));

        assertThat(created)
                .as("session and per-user index on a standalone server")
                .isEqualTo(1);
        // Read back on the shared client: listing pipelines, which a single-connection client cannot.
        assertThat(new RedisSessionStore(RedisTestServers.standalone(), PREFIX).listForUser("t", user, NOW))
                .as("the index lists the session")
                .contains(record);
    }

    @Test
    void aSessionWithItsCachedUserIsOneCommandAndARefreshTwo() {
        String prefix = PREFIX + UUID.randomUUID() + ":";
        MemoryUserDatabase database = new MemoryUserDatabase();
        CachingUserDatabase cache =
                new CachingUserDatabase(database, counted, Duration.ofSeconds(60), prefix, TestData.KEY_SECRET);
        RedisSessionStore sessions = new RedisSessionStore(counted, prefix, cache);
        User user = database.upsert(
                        new NewUser(UUID.randomUUID(), "t", "ann@example.com", null, null, "member", Set.of()), NOW)
                .user();
        SessionRecord record = new SessionRecord(
                UUID.randomUUID().toString(), "t", user.id(), "h0", null, 0, NOW, NOW, NOW.plus(HOUR), NOW.plus(HOUR));
        sessions.create(record);
        // The user cached through the shared client (caching pipelines, which a single-connection client cannot),
        // then one read uncounted, so that the script is cached on the server.
        new CachingUserDatabase(
                        database, RedisTestServers.standalone(), Duration.ofSeconds(60), prefix, TestData.KEY_SECRET)
                .findById("t", user.id());
        sessions.findWithUser(record.id(), cache);

        int sessionCheck = commands(() -> assertThat(sessions.findWithUser(record.id(), cache))
                .hasValueSatisfying(found -> assertThat(found.user()).isEqualTo(user)));
        int refresh = commands(() -> {
            assertThat(sessions.findWithUser(record.id(), cache)).isPresent();
            assertThat(sessions.rotate(record.id(), "h0", "h1", NOW, NOW.plus(HOUR)))
                    .isTrue();
        });

        assertThat(List.of(sessionCheck, refresh))
                .as("session() reads the session and its user in one command; refresh adds only the rotation")
                .containsExactly(1, 2);
    }

    private static int commands(Runnable call) {
        int before = SENT.get();
        call.run();
        return SENT.get() - before;
    }

    private static BudgetedVerification plan(String ns, String hash) {
        return new BudgetedVerification(
                ns + "ch", hash, new Budget(ns + "vc", 5, HOUR), new Budget(ns + "vf", 10, HOUR));
    }

    private static OtpChallenge challenge(String key) {
        return new OtpChallenge(key, "hash", NOW, NOW.plusSeconds(300), 0, 5);
    }

    /** Counts the flushes of its output stream: one per command Jedis sends. */
    private static final class CountingSocket extends Socket {
        @Override
        public OutputStream getOutputStream() throws IOException {
            return new FilterOutputStream(super.getOutputStream()) {
                @Override
                public void write(byte[] bytes, int offset, int length) throws IOException {
                    out.write(bytes, offset, length);
                }

                @Override
                public void flush() throws IOException {
                    SENT.incrementAndGet();
                    out.flush();
                }
            };
        }
    }
}
