package dev.latchkey.auth.store.redis;

import static dev.latchkey.auth.store.redis.TestData.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.User;
import dev.latchkey.auth.spi.CodeLogin;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.store.memory.MemoryUserDatabase;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The user cache's pointers (email, mobile) against a user whose details moved on in the database, and the eviction
 * a code login makes.
 */
class CachingUserDatabasePointerTest {
    private static final String PREFIX = RedisTestServers.uniquePrefix(CachingUserDatabasePointerTest.class);

    private final MemoryUserDatabase database = new MemoryUserDatabase();
    private final CachingUserDatabase cache = new CachingUserDatabase(
            database, RedisTestServers.standalone(), Duration.ofSeconds(60), PREFIX, TestData.KEY_SECRET);
    private final String tenant = "tenant-" + UUID.randomUUID();

    @AfterAll
    static void removeTestKeys() {
        RedisTestServers.deleteKeys(RedisTestServers.standalone(), PREFIX);
    }

    @Test
    void aCachedEmailPointerNeverResolvesToAUserWhoNoLongerHasThatEmail() {
        User ann = newUser("shared@example.com", null);
        assertThat(cache.findByEmail(tenant, "shared@example.com")).contains(ann);
        // The email moves to another user in the database; ann's record is re-cached with her new email while the
        // old pointer still names her.
        database.update(ann.withProfile("ann@example.com", null, null, "member", Set.of()), at(1));
        cache.recordLogin(tenant, ann.id(), at(2));
        assertThat(cache.findById(tenant, ann.id()))
                .hasValueSatisfying(u -> assertThat(u.email()).isEqualTo("ann@example.com"));
        User bob = newUser("shared@example.com", null);

        assertThat(cache.findByEmail(tenant, "shared@example.com")).contains(bob);
    }

    @Test
    void aCachedMobilePointerNeverResolvesToAUserWhoNoLongerHasThatMobile() {
        User ann = newUser(null, "+447700900111");
        assertThat(cache.findByMobile(tenant, "+447700900111")).contains(ann);
        database.update(ann.withProfile(null, "+447700900222", null, "member", Set.of()), at(1));
        cache.recordLogin(tenant, ann.id(), at(2));
        assertThat(cache.findById(tenant, ann.id()))
                .hasValueSatisfying(u -> assertThat(u.mobile()).isEqualTo("+447700900222"));
        User bob = newUser(null, "+447700900111");

        assertThat(cache.findByMobile(tenant, "+447700900111")).contains(bob);
    }

    @Test
    void aCodeLoginOfAnExistingUserIsSeenAtOnce() {
        User ann = newUser("coder@example.com", null);
        assertThat(cache.findById(tenant, ann.id()))
                .hasValueSatisfying(u -> assertThat(u.lastLoginAt()).isNull());

        assertThat(cache.recordCodeLogin(new CodeLogin(tenant, "coder@example.com", null, Optional.empty(), at(30))))
                .hasValueSatisfying(result -> assertThat(result.created()).isFalse());

        assertThat(cache.findById(tenant, ann.id()))
                .hasValueSatisfying(u -> assertThat(u.lastLoginAt()).isEqualTo(at(30)));
    }

    private User newUser(String email, String mobile) {
        return database.upsert(new NewUser(UUID.randomUUID(), tenant, email, mobile, null, "member", Set.of()), at(0))
                .user();
    }
}
