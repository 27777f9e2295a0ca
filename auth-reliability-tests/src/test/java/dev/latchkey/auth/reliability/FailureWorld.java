package dev.latchkey.auth.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.AuthEvent;
import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.AuthSettings;
import dev.latchkey.auth.HealthReport;
import dev.latchkey.auth.JwtKey;
import dev.latchkey.auth.LoginResult;
import dev.latchkey.auth.OtpDispatch;
import dev.latchkey.auth.RevocationOutagePolicy;
import dev.latchkey.auth.StoreFallback;
import dev.latchkey.auth.spi.OtpMessage;
import dev.latchkey.auth.store.postgres.PostgresStores;
import dev.latchkey.auth.store.redis.RedisStores;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * One facade wired as the example server wires PostgreSQL and Redis (users, sessions and external identities in
 * PostgreSQL; codes, counters and the revocation list in Redis), each server reached through its own {@link
 * FaultProxy}, on a schema and a key prefix of its own. The real servers: PostgreSQL on 127.0.0.1:5432 (user {@code
 * postgres}, database {@code test}) and Redis on 127.0.0.1:6379; when one is down the tests fail, never skip.
 */
final class FailureWorld implements AutoCloseable {
    static final String TENANT = "acme";
    static final int POSTGRES_PORT = 5432;
    static final int REDIS_PORT = 6379;
    private static final byte[] HASH_SECRET =
            "f4Lb4ck-t3st-h4sh-s3cr3t-0f-en0ugh-l3ngth-xyz".getBytes(StandardCharsets.UTF_8);

    final FaultProxy postgresProxy = FaultProxy.to(POSTGRES_PORT);
    final FaultProxy redisProxy = FaultProxy.to(REDIS_PORT);
    final String schema =
            "fallback_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    final String keyPrefix = "ft:" + UUID.randomUUID() + ":";
    final List<OtpMessage> sent = new CopyOnWriteArrayList<>();
    final List<AuthEvent> events = new CopyOnWriteArrayList<>();
    final PostgresStores postgres;
    final RedisStores redis;
    /** With the revocation list: the facade of every row but one. */
    final AuthFacade auth;
    /** The same stores and keys without a revocation list: the purely stateless route guard. */
    final AuthFacade guardWithoutList;

    FailureWorld(boolean optIn) {
        postgres = PostgresStores.builder()
                .databaseUrl("postgresql://postgres@127.0.0.1:" + postgresProxy.port() + "/test")
                .schema(schema)
                .connectionTimeout(Duration.ofSeconds(1))
                .build();
        redis = RedisStores.builder()
                .redisUrl("redis://127.0.0.1:" + redisProxy.port())
                .keyPrefix(keyPrefix)
                .users(postgres.users())
                .cacheUsers(false)
                .timeouts(Duration.ofMillis(500), Duration.ofMillis(1000))
                .build();
        AuthSettings.Builder settings = AuthSettings.builder()
                .hashSecret(HASH_SECRET)
                .signingKey(JwtKey.generateEs256("k1"))
                .resendCooldown(Duration.ZERO)
                // Short probes so that the fallback engages within a second; the hysteresis is the default 3/3.
                .fallbackProbeInterval(Duration.ofMillis(50));
        if (optIn) {
            settings.storeFallback(StoreFallback.MEMORY).revocationOutagePolicy(RevocationOutagePolicy.ACCEPT_SIGNED);
        }
        AuthSettings built = settings.build();
        auth = facade(built).revocationList(redis.revocations().orElseThrow()).build();
        // Its own (unread) events: it has a fallback of its own, whose switches would count twice.
        guardWithoutList = facade(built).eventListener(event -> {}).build();
    }

    private AuthFacade.Builder facade(AuthSettings settings) {
        return AuthFacade.builder()
                .settings(settings)
                .userDatabase(postgres.users())
                .sessionStore(postgres.sessions())
                .externalIdentityStore(postgres.externalIdentities().orElseThrow())
                .otpStore(redis.otp())
                .rateLimitStore(redis.rateLimits())
                .otpSender(sent::add)
                .eventListener(events::add);
    }

    static String email() {
        return "u" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT) + "@example.com";
    }

    /** The last code the sender received. */
    String lastCode() {
        return sent.get(sent.size() - 1).code();
    }

    /** A user who has logged in, while every server answers. */
    LoginResult login() {
        OtpDispatch dispatch = auth.sendOtp(TENANT, email());
        return auth.verifyOtp(TENANT, dispatch.destination().value(), dispatch.challengeId(), lastCode());
    }

    /** Waits, up to a deadline, until the fallback serves codes and counters (or stops serving them). */
    void awaitFallback(boolean serving) {
        awaitUntil(
                () -> auth.health().components().get("otp").fallback() == serving,
                "the fallback " + (serving ? "engaged" : "ended"));
    }

    /** Heals both servers and waits until PostgreSQL and Redis answer the facade again (pools reconnect). */
    void healAndAwait() {
        postgresProxy.heal();
        redisProxy.heal();
        awaitUntil(() -> auth.health().status() != HealthReport.Status.DOWN, "the servers answer");
    }

    static void awaitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 15 s for: %s", what).isLessThan(deadline);
            Thread.onSpinWait();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        postgresProxy.heal();
        redisProxy.heal();
        try {
            redis.close();
            postgres.close();
        } finally {
            postgresProxy.close();
            redisProxy.close();
            dropSchema();
            deleteKeys();
        }
    }

    private void dropSchema() {
        try (Connection c = DriverManager.getConnection(
                        "jdbc:postgresql://127.0.0.1:" + POSTGRES_PORT + "/test", "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new AssertionError("could not drop " + schema, e);
        }
    }

    private void deleteKeys() {
        try (Jedis jedis = new Jedis("127.0.0.1", REDIS_PORT)) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = jedis.scan(
                        cursor, new ScanParams().match(keyPrefix + "*").count(500));
                if (!page.getResult().isEmpty()) {
                    jedis.del(page.getResult().toArray(String[]::new));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
    }
}
