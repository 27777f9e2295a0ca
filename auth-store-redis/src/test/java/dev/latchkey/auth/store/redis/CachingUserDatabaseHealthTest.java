package dev.latchkey.auth.store.redis;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.User;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.UpsertResult;
import dev.latchkey.auth.spi.UserDatabase;
import dev.latchkey.auth.store.memory.MemoryUserDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The cache's health check is the database's: a database that is down is reported, whatever Redis says. */
class CachingUserDatabaseHealthTest {
    private static final String PREFIX = RedisTestServers.uniquePrefix(CachingUserDatabaseHealthTest.class);

    @Test
    void pingReportsTheDatabaseBeingDownThoughRedisAnswers() {
        CachingUserDatabase cache = new CachingUserDatabase(
                new DownDatabase(), RedisTestServers.standalone(), Duration.ofSeconds(60), PREFIX, TestData.KEY_SECRET);

        assertThatThrownBy(cache::ping).isInstanceOf(AuthException.class).hasMessageContaining("database down");
    }

    /** The memory database, with a health check that fails. */
    private static final class DownDatabase implements UserDatabase {
        private final MemoryUserDatabase users = new MemoryUserDatabase();

        @Override
        public UpsertResult upsert(NewUser user, Instant now) {
            return users.upsert(user, now);
        }

        @Override
        public Optional<User> findById(String tenantId, UUID id) {
            return users.findById(tenantId, id);
        }

        @Override
        public Optional<User> findByEmail(String tenantId, String email) {
            return users.findByEmail(tenantId, email);
        }

        @Override
        public Optional<User> findByMobile(String tenantId, String mobile) {
            return users.findByMobile(tenantId, mobile);
        }

        @Override
        public Optional<User> update(User user, Instant now) {
            return users.update(user, now);
        }

        @Override
        public boolean disable(String tenantId, UUID id, Instant now) {
            return users.disable(tenantId, id, now);
        }

        @Override
        public void recordLogin(String tenantId, UUID id, Instant at) {
            users.recordLogin(tenantId, id, at);
        }

        @Override
        public void ping() {
            throw AuthException.unavailable("database down", null);
        }
    }
}
