/** Latchkey stores over Redis (standalone or Cluster) through Jedis. */
// Jedis is an automatic module, and it is part of this module's API (see below): the lint is expected.
@SuppressWarnings("requires-transitive-automatic")
module dev.latchkey.auth.store.redis {
    // Nullness annotations (TYPE_USE, so part of the exported API): needed to compile, not at run time.
    requires static transitive org.jspecify;
    requires transitive dev.latchkey.auth;
    requires org.slf4j;
    // Public constructors take the host's UnifiedJedis, so Jedis is part of this module's API.
    requires transitive redis.clients.jedis;
    // Jedis is an automatic module and so declares no dependencies: without this, nothing pulls its connection pool
    // (a named module) into the module graph, and RedisClients fails with NoClassDefFoundError on the module path.
    requires org.apache.commons.pool2;

    exports dev.latchkey.auth.store.redis;
}
