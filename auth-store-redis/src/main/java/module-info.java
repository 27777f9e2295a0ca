/** Latchkey stores over Redis (standalone or Cluster) through Jedis. */
module dev.latchkey.auth.store.redis {
    requires transitive dev.latchkey.auth;
    requires org.slf4j;
    // Public constructors take the host's UnifiedJedis, so Jedis is part of this module's API.
    requires transitive redis.clients.jedis;
    // Jedis is an automatic module and so declares no dependencies: without this, nothing pulls its connection pool
    // (a named module) into the module graph, and RedisClients fails with NoClassDefFoundError on the module path.
    requires org.apache.commons.pool2;

    exports dev.latchkey.auth.store.redis;
}
