package dev.latchkey.auth.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.AuthSettings;
import dev.latchkey.auth.JwtKey;
import dev.latchkey.auth.LoginResult;
import dev.latchkey.auth.spi.OtpMessage;
import dev.latchkey.auth.store.postgres.PostgresStores;
import dev.latchkey.auth.store.redis.RedisStores;
import dev.latchkey.auth.testkit.MutableClock;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * A facade wired the way the example server wires it from {@code DATABASE_URL} and {@code REDIS_URL} (see {@code
 * examples/.../Backends}): users and sessions in PostgreSQL, one-time codes, throttle counters and the revocation list
 * in Redis, every store with its module's default timeouts. PostgreSQL is reached through one {@link FaultProxy} and
 * Redis through another (or, for the Cluster tests, through the host's cluster client), so a test can fault one
 * server while the other stays healthy.
 */
final class FaultedDeployment implements AutoCloseable {
    static final String POSTGRES_ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    final String tenant = "tenant-" + UUID.randomUUID();
    final String schema;
    /** Starts at the real time, so that Redis TTLs derived from it are sane; advanced by hand past grace windows. */
    final MutableClock clock = new MutableClock(Instant.now());

    final List<OtpMessage> sent = new CopyOnWriteArrayList<>();
    final PostgresStores postgres;
    final RedisStores redis;
    final AuthFacade auth;

    private FaultedDeployment(String schema, PostgresStores postgres, RedisStores redis) {
        this.schema = schema;
        this.postgres = postgres;
        this.redis = redis;
        SecureRandom random = new SecureRandom();
        byte[] hashSecret = new byte[32];
        byte[] signingSecret = new byte[32];
        random.nextBytes(hashSecret);
        random.nextBytes(signingSecret);
        this.auth = AuthFacade.builder()
                .settings(AuthSettings.builder()
                        .hashSecret(hashSecret)
                        .signingKey(JwtKey.hs256("k1", signingSecret))
                        // The tests send several codes to one address in a few seconds; the cooldown is not under test.
                        .resendCooldown(Duration.ZERO)
                        .build())
                .userDatabase(postgres.users())
                .externalIdentityStore(postgres.externalIdentities().orElseThrow())
                .sessionStore(postgres.sessions())
                .otpStore(redis.otp())
                .rateLimitStore(redis.rateLimits())
                .revocationList(redis.revocations().orElseThrow())
                .otpSender(sent::add)
                .clock(clock)
                .build();
    }

    /**
     * PostgreSQL and standalone Redis each through its own proxy, the stores built from the URLs as a host's
     * environment would give them.
     */
    static FaultedDeployment throughProxies(String schema, FaultProxy postgresProxy, FaultProxy redisProxy) {
        PostgresStores postgres = PostgresStores.fromEnv(Map.of(
                "DATABASE_URL",
                "postgresql://postgres@127.0.0.1:" + postgresProxy.port() + "/test",
                "DATABASE_SCHEMA",
                schema));
        String prefix = "latchkey-faults:" + UUID.randomUUID() + ":";
        RedisStores redis = RedisStores.builder()
                .redisUrl("redis://127.0.0.1:" + redisProxy.port())
                .keyPrefix(prefix)
                .users(postgres.users())
                .cacheUsers(false)
                .build();
        return new FaultedDeployment(schema, postgres, redis);
    }

    /** PostgreSQL directly, Redis through the host's own (cluster) client. */
    static FaultedDeployment onRedisClient(String schema, UnifiedJedis redisClient) {
        PostgresStores postgres = PostgresStores.fromEnv(
                Map.of("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test", "DATABASE_SCHEMA", schema));
        RedisStores redis = RedisStores.builder()
                .client(redisClient)
                .keyPrefix("latchkey-faults:" + UUID.randomUUID() + ":")
                .users(postgres.users())
                .cacheUsers(false)
                .build();
        return new FaultedDeployment(schema, postgres, redis);
    }

    /** A fresh schema name, so that runs never share tables. */
    static String uniqueSchema() {
        return "faults_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** Drops a schema the stores migrated (directly, not through any proxy). */
    static void dropSchema(String schema) {
        try (Connection connection = DriverManager.getConnection(POSTGRES_ADMIN_URL);
                Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new AssertionError("PostgreSQL is not reachable at 127.0.0.1:5432 (user postgres, database test)", e);
        }
    }

    /** Sends a code and returns the challenge id with the code the sender was given. */
    Challenge sendCode(String email) {
        int before = sent.size();
        String challengeId = auth.sendOtp(tenant, email).challengeId();
        assertThat(sent).hasSizeGreaterThan(before);
        return new Challenge(email, challengeId, sent.get(sent.size() - 1).code());
    }

    /** Send code and verify it. */
    LoginResult logIn(String email) {
        Challenge challenge = sendCode(email);
        return auth.verifyOtp(tenant, email, challenge.id(), challenge.code());
    }

    /** Last code sent to an address, if any. */
    Optional<String> lastCodeFor(String email) {
        for (int i = sent.size() - 1; i >= 0; i--) {
            if (sent.get(i).destination().value().equals(email)) {
                return Optional.of(sent.get(i).code());
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        redis.close();
        postgres.close();
    }

    /** Deletes the keys of a standalone deployment on the real server (not through the proxy). */
    static void deleteKeys(String prefix) {
        try (RedisClient client = RedisClient.builder()
                .hostAndPort(new HostAndPort("127.0.0.1", 6379))
                .build()) {
            String cursor = ScanParams.SCAN_POINTER_START;
            ScanParams match = new ScanParams().match(prefix + "*").count(500);
            do {
                ScanResult<String> page = client.scan(cursor, match);
                page.getResult().forEach(client::del);
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
    }

    /** A code that was sent: the address, the challenge id the client keeps, and the code the user received. */
    record Challenge(String email, String id, String code) {
        /** The same length, one digit off. */
        String wrongCode() {
            char last = code.charAt(code.length() - 1);
            return code.substring(0, code.length() - 1) + (char) (last == '9' ? '0' : last + 1);
        }
    }
}
