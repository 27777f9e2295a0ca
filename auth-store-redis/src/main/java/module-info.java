/** Latchkey stores over Redis (standalone or Cluster) through Jedis. */
module dev.latchkey.auth.store.redis {
    requires transitive dev.latchkey.auth;
    requires org.slf4j;
    // Public constructors take the host's UnifiedJedis, so Jedis is part of this module's API.
    requires transitive redis.clients.jedis;

    exports dev.latchkey.auth.store.redis;
}
