package dev.latchkey.auth.store.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ClientKillParams;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The real Redis servers the tests run against.
 *
 * <p>Standalone: {@code LATCHKEY_TEST_REDIS_URL}, else {@code redis://127.0.0.1:6379}, else a Testcontainers Redis
 * where a Docker engine exists. Cluster: the nodes in {@code
 * LATCHKEY_TEST_REDIS_CLUSTER} ({@code host:port,host:port,...}), else a 3-master cluster on 127.0.0.1:7101-7103 that
 * is reused if it is already up and healthy, and otherwise started here with {@code redis-server} and {@code redis-cli
 * --cluster create} and shut down (its files removed) when the test JVM exits. When a server cannot be reached or
 * started, the tests fail with a message saying what to start; they never skip.
 */
final class RedisTestServers {
    static final String STANDALONE_URL = envOr("LATCHKEY_TEST_REDIS_URL", "redis://127.0.0.1:6379");
    private static final List<Integer> CLUSTER_PORTS = List.of(7101, 7102, 7103);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

    private static UnifiedJedis standalone;
    private static String standaloneUrl = STANDALONE_URL;
    private static UnifiedJedis cluster;
    private static UnifiedJedis legacyPooled;
    private static UnifiedJedis legacyCluster;

    private RedisTestServers() {}

    /** A key prefix no other test class or run shares, so runs against one server never collide. */
    static String uniquePrefix(Class<?> testClass) {
        return "latchkey-test:" + testClass.getSimpleName() + ":" + UUID.randomUUID() + ":";
    }

    /**
     * The shared standalone client: {@code LATCHKEY_TEST_REDIS_URL}, else localhost, else a Testcontainers Redis where
     * a Docker engine exists; fails the calling test when none of them is reachable.
     */
    static synchronized UnifiedJedis standalone() {
        if (standalone == null) {
            standalone = connect(STANDALONE_URL).orElseGet(() -> {
                if (System.getenv("LATCHKEY_TEST_REDIS_URL") == null
                        && DockerClientFactory.instance().isDockerAvailable()) {
                    GenericContainer<?> container = new GenericContainer<>("redis:7").withExposedPorts(6379);
                    container.start();
                    Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
                    String url = "redis://" + container.getHost() + ":" + container.getMappedPort(6379);
                    standaloneUrl = url;
                    return connect(url).orElseThrow(() -> new AssertionError("the Redis container does not answer"));
                }
                throw new AssertionError("Redis is not reachable at " + STANDALONE_URL
                        + ": start one (redis-server --port 6379) or set LATCHKEY_TEST_REDIS_URL"
                        + " (Testcontainers is tried only when that is unset and a Docker engine exists)");
            });
        }
        return standalone;
    }

    /** The URL of the standalone server {@link #standalone()} reaches, for tests that need clients of their own. */
    static synchronized String standaloneUrl() {
        standalone();
        return standaloneUrl;
    }

    /** A new cluster client of its own (its own pools), for tests that stand for separate application instances. */
    static RedisClusterClient newClusterClient() {
        cluster();
        return RedisClusterClient.builder()
                .nodes(clusterNodes())
                .clientConfig(clientConfig(Duration.ofSeconds(2)))
                .build();
    }

    /** {@code CLIENT KILL TYPE pubsub} on a standalone server, or on every master of a cluster. */
    static void killPubSubClients(UnifiedJedis client) {
        ClientKillParams pubSub = ClientKillParams.clientKillParams().type(ClientType.PUBSUB);
        if (client instanceof RedisClusterClient clustered) {
            for (ConnectionPool node : clustered.getClusterNodes().values()) {
                try (Connection connection = node.getResource()) {
                    new Jedis(connection).clientKill(pubSub);
                }
            }
        } else {
            client.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "pubsub");
        }
    }

    private static Optional<UnifiedJedis> connect(String url) {
        RedisClient client = RedisClients.fromUrl(url);
        try {
            client.ping();
            return Optional.of(client);
        } catch (RuntimeException unreachable) {
            client.close();
            return Optional.empty();
        }
    }

    /** The shared cluster client; starts a local 3-master cluster when none is configured or running. */
    static synchronized UnifiedJedis cluster() {
        if (cluster == null) {
            cluster = RedisClusterClient.builder()
                    .nodes(clusterNodes())
                    .clientConfig(clientConfig(Duration.ofSeconds(2)))
                    .build();
        }
        return cluster;
    }

    /**
     * The clients Jedis deprecated in 7.x but many hosts still use, each a {@link UnifiedJedis} like its successor:
     * {@code JedisPooled} on the standalone server and {@code JedisCluster} on the cluster. Shared, like the others.
     */
    @SuppressWarnings("deprecation")
    static synchronized UnifiedJedis legacy(boolean clustered) {
        if (clustered) {
            if (legacyCluster == null) {
                legacyCluster =
                        new redis.clients.jedis.JedisCluster(clusterNodes(), clientConfig(Duration.ofSeconds(2)));
            }
            return legacyCluster;
        }
        if (legacyPooled == null) {
            standalone();
            legacyPooled = new redis.clients.jedis.JedisPooled(java.net.URI.create(STANDALONE_URL), 2_000);
        }
        return legacyPooled;
    }

    private static Set<HostAndPort> clusterNodes() {
        String configured = System.getenv("LATCHKEY_TEST_REDIS_CLUSTER");
        Set<HostAndPort> nodes = new LinkedHashSet<>();
        if (configured != null && !configured.isBlank()) {
            for (String node : configured.split(",")) {
                nodes.add(HostAndPort.from(node.trim()));
            }
        } else {
            LocalCluster.ensureRunning();
            CLUSTER_PORTS.forEach(port -> nodes.add(new HostAndPort("127.0.0.1", port)));
        }
        return nodes;
    }

    /** Deletes every key under the prefix on a standalone server (test data would otherwise live for its TTL). */
    static void deleteKeys(UnifiedJedis client, String prefix) {
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams match = new ScanParams().match(prefix + "*").count(500);
        do {
            ScanResult<String> page = client.scan(cursor, match);
            page.getResult().forEach(client::del);
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }

    /** Deletes every key under the prefix on every master of a cluster. */
    static void deleteClusterKeys(UnifiedJedis client, String prefix) {
        for (ConnectionPool node :
                ((RedisClusterClient) client).getClusterNodes().values()) {
            try (Connection connection = node.getResource()) {
                Jedis jedis = new Jedis(connection);
                String cursor = ScanParams.SCAN_POINTER_START;
                ScanParams match = new ScanParams().match(prefix + "*").count(500);
                do {
                    ScanResult<String> page = jedis.scan(cursor, match);
                    page.getResult().forEach(jedis::del);
                    cursor = page.getCursor();
                } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            }
        }
    }

    /** Every key under the prefix, on a standalone server. */
    static List<String> keys(UnifiedJedis client, String prefix) {
        List<String> keys = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams match = new ScanParams().match(prefix + "*").count(500);
        do {
            ScanResult<String> page = client.scan(cursor, match);
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return keys;
    }

    /** Every key under the prefix with everything stored in it (hash fields and values, set members, strings). */
    static Map<String, List<String>> dump(UnifiedJedis client, String prefix) {
        Map<String, List<String>> contents = new TreeMap<>();
        for (String key : keys(client, prefix)) {
            List<String> values = new ArrayList<>();
            switch (client.type(key)) {
                case "string" -> values.add(client.get(key));
                case "hash" ->
                    client.hgetAll(key).forEach((field, value) -> {
                        values.add(field);
                        values.add(value);
                    });
                case "zset" -> values.addAll(client.zrange(key, 0, -1));
                case "set" -> values.addAll(client.smembers(key));
                case "list" -> values.addAll(client.lrange(key, 0, -1));
                case "none" -> {
                    continue;
                }
                default -> throw new AssertionError("unexpected type of " + key);
            }
            contents.put(key, values);
        }
        return contents;
    }

    static JedisClientConfig clientConfig(Duration timeout) {
        return DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) timeout.toMillis())
                .socketTimeoutMillis((int) timeout.toMillis())
                .build();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError("no free local port", e);
        }
    }

    /** Starts a throwaway, non-persistent redis-server on the port, in the directory. */
    static void startServer(int port, Path dir, String... extraArgs) {
        List<String> command = new ArrayList<>(List.of(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--daemonize",
                "yes",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString(),
                "--pidfile",
                dir.resolve("redis-" + port + ".pid").toString(),
                "--logfile",
                dir.resolve("redis-" + port + ".log").toString()));
        command.addAll(List.of(extraArgs));
        run(command);
        awaitPing(port);
    }

    /** Stops the server on the port without saving; returns once it no longer answers. */
    static void stopServer(int port) {
        try (Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", port), clientConfig(Duration.ofSeconds(2)))) {
            jedis.shutdown();
        } catch (RuntimeException alreadyGone) {
            // SHUTDOWN closes the connection without a reply, which Jedis may report as an error.
        }
        awaitStopped(port);
    }

    static void awaitStopped(int port) {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (answers(port)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("redis-server on port " + port + " did not stop");
            }
            pause();
        }
    }

    /** {@code true} if a server answers on the port at all; a refusal such as NOAUTH is an answer too. */
    static boolean answers(int port) {
        try (Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", port), clientConfig(Duration.ofMillis(500)))) {
            jedis.ping();
            return true;
        } catch (JedisDataException refused) {
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void awaitPing(int port) {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (!answers(port)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("redis-server on port " + port + " did not start");
            }
            pause();
        }
    }

    static String run(List<String> command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(STARTUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError("command failed: " + String.join(" ", command) + "\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new AssertionError(
                    "cannot run " + command.get(0) + " (is redis-server installed? apt-get install redis-server)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new AssertionError("cannot remove " + dir, e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** The local 3-master cluster on 7101-7103. */
    private static final class LocalCluster {
        static void ensureRunning() {
            if (CLUSTER_PORTS.stream().allMatch(LocalCluster::clusterOk)) {
                return;
            }
            if (CLUSTER_PORTS.stream().anyMatch(RedisTestServers::answers)) {
                throw new AssertionError("ports " + CLUSTER_PORTS + " answer but are not a healthy Redis Cluster; "
                        + "stop what runs there or set LATCHKEY_TEST_REDIS_CLUSTER");
            }
            Path dir;
            try {
                dir = Files.createTempDirectory("latchkey-redis-cluster");
            } catch (IOException e) {
                throw new AssertionError("cannot create a directory for the cluster", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                CLUSTER_PORTS.forEach(RedisTestServers::stopServer);
                deleteRecursively(dir);
            }));
            for (int port : CLUSTER_PORTS) {
                startServer(
                        port,
                        dir,
                        "--cluster-enabled",
                        "yes",
                        "--cluster-config-file",
                        dir.resolve("nodes-" + port + ".conf").toString());
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            CLUSTER_PORTS.forEach(port -> create.add("127.0.0.1:" + port));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            run(create);
            long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
            while (!CLUSTER_PORTS.stream().allMatch(LocalCluster::clusterOk)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the local Redis Cluster did not reach cluster_state:ok");
                }
                pause();
            }
        }

        private static boolean clusterOk(int port) {
            try (Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", port), clientConfig(Duration.ofMillis(500)))) {
                return jedis.clusterInfo().contains("cluster_state:ok");
            } catch (RuntimeException e) {
                return false;
            }
        }
    }
}
