package dev.latchkey.auth.store.redis;

import static dev.latchkey.auth.store.redis.TestData.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.User;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.SessionRecord;
import dev.latchkey.auth.spi.SessionWithUser;
import dev.latchkey.auth.store.memory.MemoryUserDatabase;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/**
 * A bundle's session store reads a session and its user's cached record in one script. These tests hold that read to
 * what the two separate lookups answer: the right user, never a stale or foreign record.
 */
class SessionWithCachedUserTest {
    private static final String PREFIX = RedisTestServers.uniquePrefix(SessionWithCachedUserTest.class);

    private final UnifiedJedis redis = RedisTestServers.standalone();
    private final String prefix = PREFIX + UUID.randomUUID() + ":";
    private final MemoryUserDatabase database = new MemoryUserDatabase();
    private final CachingUserDatabase cache =
            new CachingUserDatabase(database, redis, Duration.ofSeconds(60), prefix, TestData.KEY_SECRET);
    private final RedisSessionStore sessions = new RedisSessionStore(redis, prefix, cache);
    private final String tenant = "tenant-" + UUID.randomUUID();

    @AfterAll
    static void removeTestKeys() {
        RedisTestServers.deleteKeys(RedisTestServers.standalone(), PREFIX);
    }

    @Test
    void readsTheSessionWithItsUserFromTheCacheOnceCached() {
        User user = newUser("ann@example.com");
        SessionRecord session = session(user);
        sessions.create(session);

        Optional<SessionWithUser> first = sessions.findWithUser(session.id(), cache);
        database.disable(tenant, user.id(), at(1)); // behind the cache's back: the cached record still says active

        Optional<SessionWithUser> second = sessions.findWithUser(session.id(), cache);

        assertThat(first).hasValueSatisfying(found -> {
            assertThat(found.session()).isEqualTo(session);
            assertThat(found.user()).isEqualTo(user);
        });
        assertThat(second)
                .as("served from the cached record, as CachingUserDatabase.findById would be")
                .hasValueSatisfying(found -> assertThat(found.user()).isEqualTo(user));
    }

    @Test
    void aUserDisabledThroughTheCacheIsReadFromTheDatabaseNotFromAStaleRecord() {
        User user = newUser("bob@example.com");
        SessionRecord session = session(user);
        sessions.create(session);
        sessions.findWithUser(session.id(), cache); // caches the active record

        cache.disable(tenant, user.id(), at(2));

        assertThat(sessions.findWithUser(session.id(), cache))
                .hasValueSatisfying(found -> assertThat(found.user().active()).isFalse());
    }

    @Test
    void aRecordOfAnotherUserNamedByTheSessionIsIgnored() {
        User owner = newUser("carol@example.com");
        User other = newUser("dave@example.com");
        SessionRecord session = session(owner);
        sessions.create(session);
        cache.findById(tenant, other.id()); // the other user's record is cached
        // The session now names the other user's record (damage, or a write by anything but Latchkey).
        redis.hset(prefix + "session:{" + session.id() + "}", "ukey", cache.recordKeyOf(tenant, other.id()));

        assertThat(sessions.findWithUser(session.id(), cache))
                .hasValueSatisfying(found -> assertThat(found.user()).isEqualTo(owner));
    }

    @Test
    void aSessionWrittenWithoutTheRecordKeyIsReadWithItsUserFromTheDatabase() {
        User user = newUser("erin@example.com");
        SessionRecord session = session(user);
        new RedisSessionStore(redis, prefix).create(session); // as an older version, or a store outside a bundle

        assertThat(sessions.findWithUser(session.id(), cache))
                .hasValueSatisfying(found -> assertThat(found.user()).isEqualTo(user));
    }

    @Test
    void aMissingSessionIsEmptyAndAnotherUserDatabaseGetsTheTwoLookups() {
        User user = newUser("fay@example.com");
        SessionRecord session = session(user);
        sessions.create(session);

        assertThat(sessions.findWithUser(UUID.randomUUID().toString(), cache)).isEmpty();
        assertThat(sessions.readsUserWithSession(database)).isFalse();
        assertThat(sessions.readsUserWithSession(cache)).isTrue();
        assertThat(sessions.findWithUser(session.id(), database))
                .hasValueSatisfying(found -> assertThat(found.user()).isEqualTo(user));
    }

    @Test
    void aClusterWithoutAHashTaggedPrefixReadsTheUserSeparately() {
        UnifiedJedis cluster = RedisTestServers.cluster();
        CachingUserDatabase clusterCache =
                new CachingUserDatabase(database, cluster, Duration.ofSeconds(60), prefix, TestData.KEY_SECRET);
        CachingUserDatabase oneSlotCache = new CachingUserDatabase(
                database, cluster, Duration.ofSeconds(60), "{" + prefix + "}:", TestData.KEY_SECRET);

        assertThat(new RedisSessionStore(cluster, prefix, clusterCache).readsUserWithSession(clusterCache))
                .isFalse();
        assertThat(new RedisSessionStore(cluster, "{" + prefix + "}:", oneSlotCache).readsUserWithSession(oneSlotCache))
                .isTrue();
    }

    private User newUser(String email) {
        return database.upsert(new NewUser(UUID.randomUUID(), tenant, email, null, null, "member", Set.of()), at(0))
                .user();
    }

    private SessionRecord session(User user) {
        return new SessionRecord(
                UUID.randomUUID().toString(),
                tenant,
                user.id(),
                "hash-" + UUID.randomUUID(),
                null,
                0,
                at(0),
                at(0),
                at(0).plus(Duration.ofHours(1)),
                at(0).plus(Duration.ofDays(30)));
    }
}
