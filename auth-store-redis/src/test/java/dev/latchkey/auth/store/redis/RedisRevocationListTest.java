package dev.latchkey.auth.store.redis;

import static dev.latchkey.auth.store.redis.TestData.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

class RedisRevocationListTest {
    private static final String PREFIX = RedisTestServers.uniquePrefix(RedisRevocationListTest.class);
    private final UnifiedJedis redis = RedisTestServers.standalone();
    private final RedisRevocationList revocations = new RedisRevocationList(redis, PREFIX);

    @AfterAll
    static void removeTestKeys() {
        RedisTestServers.deleteKeys(RedisTestServers.standalone(), PREFIX);
    }

    @Test
    void aRevokedIdIsReportedAndOthersAreNot() {
        String sessionId = TestData.randomToken();

        revocations.revoke(sessionId, at(900), at(0));

        assertThat(revocations.isRevoked(sessionId)).isTrue();
        assertThat(revocations.isRevoked(TestData.randomToken())).isFalse();
    }

    @Test
    void theListLivesOnlyUntilItsLastTokensCouldNoLongerBeAccepted() {
        String jti = TestData.randomToken();

        revocations.revoke(jti, at(900), at(0));

        long ttl = redis.pttl(PREFIX + "revocations");
        long expected = Duration.ofSeconds(900).plus(RedisTime.RETENTION_SLACK).toMillis();
        assertThat(ttl).isBetween(expected - 5_000, expected);
    }

    @Test
    void aRevocationDropsTheEntriesThatExpiredBeforeIt() {
        String early = TestData.randomToken();
        String later = TestData.randomToken();
        revocations.revoke(early, at(900), at(0));

        revocations.revoke(later, at(1_900), at(1_000));

        assertThat(redis.zscore(PREFIX + "revocations", early)).isNull();
        assertThat(revocations.isRevoked(early)).isFalse();
        assertThat(revocations.isRevoked(later)).isTrue();
    }

    @Test
    void revokingTokensThatHaveAlreadyExpiredStoresNothing() {
        String sessionId = TestData.randomToken();

        revocations.revoke(sessionId, at(0), at(10));
        revocations.revoke(sessionId, at(10), at(10));

        assertThat(revocations.isRevoked(sessionId)).isFalse();
        assertThat(redis.zscore(PREFIX + "revocations", sessionId)).isNull();
    }

    @Test
    void listsWithDifferentPrefixesDoNotSeeEachOther() {
        String sessionId = TestData.randomToken();
        RedisRevocationList other = new RedisRevocationList(redis, PREFIX + "other:");

        revocations.revoke(sessionId, at(900), at(0));

        assertThat(other.isRevoked(sessionId)).isFalse();
    }

    @Test
    void worksOnRedisClusterToo() {
        UnifiedJedis cluster = RedisTestServers.cluster();
        RedisRevocationList clustered = new RedisRevocationList(cluster, PREFIX);
        String first = TestData.randomToken();
        String second = TestData.randomToken();

        clustered.revoke(first, at(900), at(0));
        clustered.revoke(second, at(900), at(0));

        assertThat(clustered.isRevoked(first)).isTrue();
        assertThat(clustered.isRevoked(second)).isTrue();
        assertThat(clustered.isRevoked(TestData.randomToken())).isFalse();
        clustered.ping();
        RedisTestServers.deleteClusterKeys(cluster, PREFIX);
    }

    @Test
    void pingAnswers() {
        revocations.ping();
    }
}
