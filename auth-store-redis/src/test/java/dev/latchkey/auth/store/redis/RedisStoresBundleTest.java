package dev.latchkey.auth.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.ConfigurationException;
import dev.latchkey.auth.spi.RevocationFeed;
import dev.latchkey.auth.store.memory.MemoryUserDatabase;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/** How the bundle wires its stores together: the user cache, the links behind it, its TTL, and what close ends. */
class RedisStoresBundleTest {
    private static final String PREFIX = RedisTestServers.uniquePrefix(RedisStoresBundleTest.class);
    private final UnifiedJedis redis = RedisTestServers.standalone();

    @AfterAll
    static void removeTestKeys() {
        RedisTestServers.deleteKeys(RedisTestServers.standalone(), PREFIX);
    }

    @Test
    void theSessionStoreReadsUsersThroughTheBundlesOwnCache() {
        MemoryUserDatabase database = new MemoryUserDatabase();
        RedisStores stores = cachedBundle(database, Duration.ofSeconds(60));

        assertThat(stores.users()).isInstanceOf(CachingUserDatabase.class);
        assertThat(stores.sessions().readsUserWithSession(stores.users())).isTrue();
        assertThat(stores.sessions().readsUserWithSession(database)).isFalse();
    }

    @Test
    void externalIdentityLinksComeFromTheDatabaseBehindTheCache() {
        MemoryUserDatabase database = new MemoryUserDatabase();

        assertThat(cachedBundle(database, Duration.ofSeconds(60)).externalIdentities())
                .containsSame(database);
    }

    @Test
    void aOneMillisecondCacheTtlIsAcceptedAndAZeroOneIsRefusedBeforeTheSecretIsChecked() {
        assertThat(cachedBundle(new MemoryUserDatabase(), Duration.ofMillis(1)).users())
                .isInstanceOf(CachingUserDatabase.class);
        assertThatThrownBy(() -> RedisStores.builder()
                        .client(redis)
                        .keyPrefix(PREFIX)
                        .users(new MemoryUserDatabase())
                        .userCacheTtl(Duration.ZERO)
                        .build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo("userCacheTtl"));
    }

    @Test
    void closingTheBundleEndsItsRevocationFeed() {
        RedisStores stores = cachedBundle(new MemoryUserDatabase(), Duration.ofSeconds(60));
        RevocationFeed feed = stores.revocations().orElseThrow().feed().orElseThrow();

        stores.close();

        assertThatThrownBy(() -> feed.subscribe(new RevocationFeed.Listener() {
                    @Override
                    public void subscribed() {}

                    @Override
                    public void revoked(String id, Instant expiresAt) {}

                    @Override
                    public void lost(Throwable cause) {}
                }))
                .isInstanceOf(IllegalStateException.class);
        assertThat(redis.ping()).as("the host's client stays open").isEqualTo("PONG");
    }

    private RedisStores cachedBundle(MemoryUserDatabase database, Duration ttl) {
        return RedisStores.builder()
                .client(redis)
                .keyPrefix(PREFIX)
                .users(database)
                .userCacheTtl(ttl)
                .userCacheKeySecret(TestData.KEY_SECRET)
                .build();
    }
}
