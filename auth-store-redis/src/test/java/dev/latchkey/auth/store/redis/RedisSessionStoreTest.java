package dev.latchkey.auth.store.redis;

import static dev.latchkey.auth.store.redis.TestData.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.spi.SessionRecord;
import dev.latchkey.auth.testkit.ConcurrentRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.UnifiedJedis;

/** What the contract cannot see: the session index staying truthful while logins race sign-outs. */
class RedisSessionStoreTest {
    private static final String PREFIX = RedisTestServers.uniquePrefix(RedisSessionStoreTest.class);

    @AfterAll
    static void removeTestKeys() {
        RedisTestServers.deleteKeys(RedisTestServers.standalone(), PREFIX);
        RedisTestServers.deleteClusterKeys(RedisTestServers.cluster(), PREFIX);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(booleans = {false, true})
    void noSessionOutlivesItsIndexEntryWhenLoginsRaceSignOutEverywhere(boolean clustered) {
        UnifiedJedis client = clustered ? RedisTestServers.cluster() : RedisTestServers.standalone();
        RedisSessionStore store = new RedisSessionStore(client, PREFIX);
        // A lost race is a matter of timing, so give it several chances to show.
        for (int round = 0; round < 3; round++) {
            raceLoginsAgainstSignOuts(store);
        }
    }

    private static void raceLoginsAgainstSignOuts(RedisSessionStore store) {
        String tenant = "tenant-" + UUID.randomUUID();
        UUID user = UUID.randomUUID();
        List<SessionRecord> logins = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            logins.add(TestData.session(tenant, user, TestData.randomToken()));
        }

        ConcurrentRunner.runConcurrently(60, i -> {
            if (i < logins.size()) {
                store.create(logins.get(i));
            } else {
                store.revokeAllForUser(tenant, user, null);
            }
            return i;
        });

        List<String> surviving = logins.stream()
                .map(SessionRecord::id)
                .filter(id -> store.find(id).isPresent())
                .toList();
        assertThat(store.listForUser(tenant, user, at(1)))
                .extracting(SessionRecord::id)
                .containsExactlyInAnyOrderElementsOf(surviving);
        assertThat(store.revokeAllForUser(tenant, user, null)).isEqualTo(surviving.size());
        assertThat(logins)
                .allSatisfy(login -> assertThat(store.find(login.id())).isEmpty());
    }
}
