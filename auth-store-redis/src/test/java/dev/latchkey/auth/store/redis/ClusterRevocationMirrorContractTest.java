package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.spi.AuthStores;
import dev.latchkey.auth.store.memory.MemoryUserDatabase;
import dev.latchkey.auth.testkit.RevocationMirrorContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import redis.clients.jedis.RedisClusterClient;

/**
 * The revocation mirror over a Redis Cluster: each instance has its own cluster client, whose subscription lands on
 * whichever node it picks, while the revocation's {@code PUBLISH} runs on the node owning the list's key. Passing
 * proves that the publication reaches subscribers on every node.
 */
class ClusterRevocationMirrorContractTest extends RevocationMirrorContract {
    private static final String PREFIX = RedisTestServers.uniquePrefix(ClusterRevocationMirrorContractTest.class);
    private final List<RedisClusterClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(RedisClusterClient::close);
    }

    @AfterAll
    static void removeTestKeys() {
        RedisTestServers.deleteClusterKeys(RedisTestServers.cluster(), PREFIX);
    }

    @Override
    protected AuthStores newInstance() {
        RedisClusterClient client = RedisTestServers.newClusterClient();
        clients.add(client);
        return RedisStores.builder()
                .client(client)
                .keyPrefix(PREFIX)
                .users(new MemoryUserDatabase())
                .userCacheKeySecret(TestData.KEY_SECRET)
                .build();
    }

    @Override
    protected void killSubscriberConnections() {
        RedisTestServers.killPubSubClients(RedisTestServers.cluster());
    }
}
