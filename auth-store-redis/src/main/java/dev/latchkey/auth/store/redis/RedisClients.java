package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.ConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * Builds a pooled Jedis {@link RedisClient} (the successor of {@code JedisPooled}) from a {@code REDIS_URL} with
 * explicit timeouts, for hosts that do not configure Jedis themselves. The caller owns the client and closes it; the
 * stores never close a client they were given.
 *
 * <p>Accepted form: {@code redis://[user:password@]host[:port][/db]}, or {@code rediss://} for TLS (the JVM's default
 * trust store and host-name verification apply). User and password are percent-decoded.
 *
 * <p>A missing or malformed URL or timeout is a {@link ConfigurationException} naming {@code REDIS_URL} (or the
 * timeout); its message never repeats the URL, which may hold a password.
 */
public final class RedisClients {
    /** Connect and socket timeout used when none is given. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    /** The variable every URL error names. */
    static final String URL_SETTING = "REDIS_URL";

    private static final String URL_FORM = "redis://[user:password@]host[:port][/db] or rediss://... for TLS,"
            + " with reserved characters in user and password percent-encoded";
    private static final int DEFAULT_PORT = 6379;
    private static final int MAX_CONNECTIONS = 32;

    private RedisClients() {}

    /**
     * A client for the URL with the default 2 s connect and socket timeouts.
     *
     * @throws ConfigurationException naming {@code REDIS_URL} if the URL is missing or malformed
     */
    public static RedisClient fromUrl(String redisUrl) {
        return fromUrl(redisUrl, DEFAULT_TIMEOUT, DEFAULT_TIMEOUT);
    }

    /**
     * A client for the URL. Every command either completes or fails within about {@code connectTimeout +
     * socketTimeout}, and a request waits at most as long for a free pooled connection, so an unreachable server turns
     * into an error within a bounded time instead of a hanging request.
     *
     * @throws ConfigurationException naming {@code REDIS_URL}, {@code connectTimeout} or {@code socketTimeout} if one
     *     is missing or malformed (the message never repeats the URL, which may hold a password)
     */
    public static RedisClient fromUrl(String redisUrl, Duration connectTimeout, Duration socketTimeout) {
        int connectMillis = positiveMillis(connectTimeout, "connectTimeout");
        int socketMillis = positiveMillis(socketTimeout, "socketTimeout");
        URI uri = parse(redisUrl);
        boolean tls = "rediss".equalsIgnoreCase(uri.getScheme());
        if (!tls && !"redis".equalsIgnoreCase(uri.getScheme())) {
            throw invalidUrl("does not start with redis:// or rediss://");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw invalidUrl("has no host");
        }
        // java.net.URI reads any run of digits as the port: refuse here what no client could connect to (found by
        // RedisUrlFuzzTest), rather than as an outage on first use.
        if (uri.getPort() == 0 || uri.getPort() > 65_535) {
            throw invalidUrl("has a port outside 1 to 65535");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(connectMillis)
                .socketTimeoutMillis(socketMillis)
                .database(database(uri.getRawPath()))
                .ssl(tls)
                .clientName("latchkey");
        applyCredentials(uri.getRawUserInfo(), config);

        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(MAX_CONNECTIONS);
        pool.setMaxIdle(MAX_CONNECTIONS);
        pool.setMaxWait(Duration.ofMillis((long) connectMillis + socketMillis));
        return RedisClient.builder()
                .hostAndPort(new HostAndPort(host, uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort()))
                .clientConfig(config.build())
                .poolConfig(pool)
                .build();
    }

    private static URI parse(String redisUrl) {
        if (redisUrl == null || redisUrl.isBlank()) {
            throw invalidUrl("is not set");
        }
        try {
            return new URI(redisUrl.trim());
        } catch (URISyntaxException e) {
            // The exception's message quotes the input, which may hold the password: it is not kept as the cause.
            throw invalidUrl("is not a valid URL");
        }
    }

    private static int database(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || "/".equals(rawPath)) {
            return 0;
        }
        try {
            int db = Integer.parseInt(rawPath.substring(1));
            if (db < 0) {
                throw invalidUrl("has a negative database number");
            }
            return db;
        } catch (NumberFormatException e) {
            throw invalidUrl("has a database that is not a number");
        }
    }

    private static void applyCredentials(String rawUserInfo, DefaultJedisClientConfig.Builder config) {
        if (rawUserInfo == null || rawUserInfo.isEmpty()) {
            return;
        }
        int colon = rawUserInfo.indexOf(':');
        if (colon < 0) {
            // redis://secret@host: a lone user-info part is the password, as redis-cli and most clients read it.
            config.password(decode(rawUserInfo));
            return;
        }
        String user = decode(rawUserInfo.substring(0, colon));
        if (!user.isEmpty()) {
            config.user(user);
        }
        config.password(decode(rawUserInfo.substring(colon + 1)));
    }

    private static String decode(String raw) {
        // URLDecoder reads '+' as a space, which is form encoding, not URL encoding: keep '+' literal.
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // The decoder's own message quotes the input, which may be the password.
            throw invalidUrl("has a user or password that is not properly percent-encoded");
        }
    }

    private static int positiveMillis(Duration timeout, String name) {
        if (timeout == null || timeout.toMillis() < 1 || timeout.toMillis() > Integer.MAX_VALUE) {
            throw new ConfigurationException(
                    name, "is missing or out of range", "a duration from 1 ms to 24 days, such as 2 s");
        }
        return (int) timeout.toMillis();
    }

    private static ConfigurationException invalidUrl(String problem) {
        return new ConfigurationException(URL_SETTING, problem, URL_FORM);
    }
}
