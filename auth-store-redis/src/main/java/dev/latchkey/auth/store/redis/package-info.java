/**
 * Latchkey stores over Redis through Jedis: {@link dev.latchkey.auth.store.redis.RedisOTPStore}, {@link
 * dev.latchkey.auth.store.redis.RedisRateLimitStore}, {@link dev.latchkey.auth.store.redis.RedisSessionStore}, {@link
 * dev.latchkey.auth.store.redis.RedisRevocationList} and {@link dev.latchkey.auth.store.redis.CachingUserDatabase},
 * all at once, on one client and one key prefix, from {@link dev.latchkey.auth.store.redis.RedisStores}. They run on
 * the host's {@link redis.clients.jedis.UnifiedJedis} ({@code RedisClient} or {@code RedisClusterClient}, or the older
 * {@code JedisPooled} or {@code JedisCluster}) or on a client made by {@link
 * dev.latchkey.auth.store.redis.RedisClients#fromUrl(String)}.
 *
 * <p>Every operation that reads and then writes is one Lua script, so it is atomic on the server; every script touches
 * exactly one key, so the same code runs unchanged on Redis Cluster. Expiry is Redis's own: each entry carries a TTL
 * computed from the instants the core passes, while every contract decision compares those instants, never the
 * server's clock. No store reads the system clock.
 *
 * <p>A failing or unreachable Redis surfaces as {@link dev.latchkey.auth.AuthException} with {@link
 * dev.latchkey.auth.ErrorCode#UNAVAILABLE}, within the client's socket timeout; Jedis is synchronous, so nothing is
 * buffered and replayed later. A missing or malformed setting ({@code REDIS_URL}, {@code REDIS_KEY_PREFIX}, a timeout)
 * is a {@link dev.latchkey.auth.ConfigurationException} naming it.
 */
@NullMarked
package dev.latchkey.auth.store.redis;

import org.jspecify.annotations.NullMarked;
