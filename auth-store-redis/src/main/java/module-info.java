/** Latchkey stores over Redis (standalone or Cluster) through Jedis. */
module dev.latchkey.auth.store.redis {
    requires transitive dev.latchkey.auth;
    // Public constructors take the host's UnifiedJedis, so Jedis is part of this module's API.
    requires transitive redis.clients.jedis;

    exports dev.latchkey.auth.store.redis;
}
