package dev.latchkey.auth.store.redis;

import static dev.latchkey.auth.store.redis.TestData.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.spi.RevocationFeed;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/** The revocation list's rounding, its feed's subscriptions, and what closing it ends. */
class RedisRevocationFeedTest {
    private static final String PREFIX = RedisTestServers.uniquePrefix(RedisRevocationFeedTest.class);
    private final UnifiedJedis redis = RedisTestServers.standalone();

    @AfterAll
    static void removeTestKeys() {
        RedisTestServers.deleteKeys(RedisTestServers.standalone(), PREFIX);
    }

    @Test
    void aSubMillisecondExpiryIsRoundedUpSoTheDenialNeverEndsEarly() {
        String prefix = PREFIX + "rounding:";
        RedisRevocationList revocations = new RedisRevocationList(redis, prefix);
        String id = TestData.randomToken();

        revocations.revoke(id, at(900).plusNanos(1), at(0));

        Map<String, Instant> live = revocations.feed().orElseThrow().live(at(900));
        assertThat(live).containsEntry(id, at(900).plusMillis(1));
        assertThat(redis.zscore(prefix + "revocations", id)).isEqualTo((double) at(900).toEpochMilli() + 1);
    }

    @Test
    void aWholeMillisecondExpiryIsKeptExactly() {
        String prefix = PREFIX + "exact:";
        RedisRevocationList revocations = new RedisRevocationList(redis, prefix);
        String id = TestData.randomToken();

        revocations.revoke(id, at(900).plusMillis(5), at(0));

        assertThat(revocations.feed().orElseThrow().live(at(900))).containsEntry(id, at(900).plusMillis(5));
    }

    @Test
    void closingTheListEndsItsLiveSubscriptions() throws Exception {
        RedisRevocationList revocations = new RedisRevocationList(redis, PREFIX + "ending:");
        Recorder recorder = new Recorder();
        revocations.feed().orElseThrow().subscribe(recorder);
        assertThat(recorder.subscribed.await(10, TimeUnit.SECONDS)).isTrue();

        revocations.close();

        assertThat(recorder.lost.poll(10, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void aSubscriptionDeliversRevocationsAndSkipsMalformedMessages() throws Exception {
        String prefix = PREFIX + "feed:";
        RedisRevocationList revocations = new RedisRevocationList(redis, prefix);
        Recorder recorder = new Recorder();
        String id = TestData.randomToken();

        try (RevocationFeed.Subscription subscription =
                revocations.feed().orElseThrow().subscribe(recorder)) {
            assertThat(recorder.subscribed.await(10, TimeUnit.SECONDS)).isTrue();
            redis.publish(prefix + "revocations", "no-colon-at-all");
            redis.publish(prefix + "revocations", "not-a-number:" + TestData.randomToken());
            revocations.revoke(id, at(900), at(0));

            assertThat(recorder.revoked.poll(10, TimeUnit.SECONDS)).isEqualTo(id + "@" + at(900));
            assertThat(recorder.lost).isEmpty();
            assertThat(subscription).isNotNull();
        } finally {
            revocations.close();
        }
    }

    @Test
    void aClosedListRefusesNewSubscriptions() {
        RedisRevocationList revocations = new RedisRevocationList(redis, PREFIX + "closed:");
        revocations.close();

        assertThatThrownBy(() -> revocations.feed().orElseThrow().subscribe(new Recorder()))
                .isInstanceOf(IllegalStateException.class);
        assertThat(revocations.isRevoked(TestData.randomToken()))
                .as("the host's client stays open")
                .isFalse();
    }

    @Test
    void aListFromAUrlClosesItsOwnClient() {
        RedisRevocationList revocations = RedisRevocationList.fromUrl(
                RedisTestServers.standaloneUrl(),
                RedisClients.DEFAULT_TIMEOUT,
                RedisClients.DEFAULT_TIMEOUT,
                PREFIX + "owned:");
        String id = TestData.randomToken();
        revocations.revoke(id, at(900), at(0));
        assertThat(revocations.isRevoked(id)).isTrue();

        revocations.close();

        assertThatThrownBy(revocations::ping).isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.errorCode())
                .isEqualTo(ErrorCode.UNAVAILABLE));
        assertThatThrownBy(() -> revocations.isRevoked(id))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE));
    }

    private static final class Recorder implements RevocationFeed.Listener {
        final CountDownLatch subscribed = new CountDownLatch(1);
        final BlockingQueue<String> revoked = new LinkedBlockingQueue<>();
        final BlockingQueue<Throwable> lost = new LinkedBlockingQueue<>();

        @Override
        public void subscribed() {
            subscribed.countDown();
        }

        @Override
        public void revoked(String id, Instant expiresAt) {
            revoked.add(id + "@" + expiresAt);
        }

        @Override
        public void lost(Throwable cause) {
            lost.add(cause);
        }
    }
}
