package dev.latchkey.auth.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.AuthPrincipal;
import dev.latchkey.auth.AuthSettings;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.HealthReport;
import dev.latchkey.auth.JwtKey;
import dev.latchkey.auth.LoginResult;
import dev.latchkey.auth.SignOutScope;
import dev.latchkey.auth.spi.OtpMessage;
import dev.latchkey.auth.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The whole login life cycle through the facade with every store in PostgreSQL. */
class FacadeLifecycleTest {
    /** The challenge id of the last code sent, as the client that asked would keep it. */
    private volatile String lastChallenge = "";

    private static final byte[] HASH_SECRET =
            "r7Tq2mVx9LpZ4wKc8NbH3yFj6sDg1aQe5uRo0iWt".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SIGNING_SECRET =
            "Hs3Kd8Pq1Zm6Wv0Xb4Nc9Ty2Lf7Rg5Ja3Ue8Io1Mw".getBytes(StandardCharsets.UTF_8);

    private final String schema = TestPostgres.uniqueSchema("facade");
    private final String tenant = "tenant-" + UUID.randomUUID();
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00.123456789Z"));
    private final List<OtpMessage> outbox = new CopyOnWriteArrayList<>();

    @AfterEach
    void dropSchema() {
        TestPostgres.dropSchema(schema);
    }

    @Test
    void wholeLifeCycleWithPostgresStores() {
        try (PostgresStores stores = TestPostgres.ownPool().schema(schema).build()) {
            AuthFacade auth = facade(stores);
            String email = "ada@example.com";

            lastChallenge = auth.sendOtp(tenant, email).challengeId();
            assertCode(() -> auth.verifyOtp(tenant, email, lastChallenge, wrong(lastCode())), ErrorCode.INVALID_CODE);
            LoginResult first = auth.verifyOtp(tenant, email, lastChallenge, lastCode());

            assertThat(first.newUser()).isTrue();
            assertThat(first.user().email()).isEqualTo(email);
            assertThat(stores.users().findByEmail(tenant, email)).isPresent();
            // The code is single use.
            String used = lastCode();
            assertCode(() -> auth.verifyOtp(tenant, email, lastChallenge, used), ErrorCode.INVALID_CODE);

            AuthPrincipal principal =
                    auth.authenticate("Bearer " + first.tokens().accessToken());
            assertThat(principal.userId()).isEqualTo(first.user().id());
            assertThat(auth.session(first.tokens().accessToken()).user().id())
                    .isEqualTo(first.user().id());

            clock.advance(Duration.ofMinutes(2));
            LoginResult refreshed = auth.refresh(first.tokens().refreshToken());
            assertThat(refreshed.user().id()).isEqualTo(first.user().id());
            assertThat(auth.session(refreshed.tokens().accessToken()).session().id())
                    .isEqualTo(first.session().id());

            clock.advance(Duration.ofMinutes(2));
            lastChallenge = auth.sendOtp(tenant, email).challengeId();
            LoginResult secondDevice = auth.verifyOtp(tenant, email, lastChallenge, lastCode());
            assertThat(secondDevice.newUser()).isFalse();
            assertThat(auth.listSessions(tenant, first.user().id())).hasSize(2);

            assertThat(auth.signOut(secondDevice.tokens().accessToken(), SignOutScope.OTHERS))
                    .isEqualTo(1);
            assertCode(() -> auth.session(refreshed.tokens().accessToken()), ErrorCode.INVALID_TOKEN);
            assertCode(() -> auth.refresh(refreshed.tokens().refreshToken()), ErrorCode.INVALID_TOKEN);
            assertThat(auth.session(secondDevice.tokens().accessToken()).user().email())
                    .isEqualTo(email);

            HealthReport health = auth.health();
            assertThat(health.status()).isEqualTo(HealthReport.Status.UP);
            assertThat(health.components()).containsOnlyKeys("users", "otp", "rateLimits", "sessions", "revocations");

            assertThat(auth.disableUser(tenant, first.user().id())).isTrue();
            assertCode(() -> auth.session(secondDevice.tokens().accessToken()), ErrorCode.INVALID_TOKEN);
            clock.advance(Duration.ofMinutes(2));
            lastChallenge = auth.sendOtp(tenant, email).challengeId();
            String code = lastCode();
            assertCode(() -> auth.verifyOtp(tenant, email, lastChallenge, code), ErrorCode.USER_DISABLED);
        }
    }

    @Test
    void noLoginSucceedsWhileTheDatabaseIsUnreachableAndLoginWorksOnceItIsBack() {
        try (CuttableProxy proxy = new CuttableProxy(TestPostgres.host(), TestPostgres.port());
                PostgresStores stores = TestPostgres.ownPool()
                        .databaseUrl(TestPostgres.jdbcUrlVia("127.0.0.1", proxy.port()))
                        .schema(schema)
                        // The default's bound is UnreachableDatabaseTest's business; keep this test quick.
                        .connectionTimeout(Duration.ofSeconds(1))
                        .build()) {
            AuthFacade auth = facade(stores);
            String mobile = "+447911123456";
            lastChallenge = auth.sendOtp(tenant, mobile).challengeId();
            String code = lastCode();

            proxy.cut();

            long start = System.nanoTime();
            assertCode(() -> auth.verifyOtp(tenant, mobile, lastChallenge, code), ErrorCode.UNAVAILABLE);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertCode(() -> auth.sendOtp(tenant, "+447911123457"), ErrorCode.UNAVAILABLE);
            assertThat(auth.health().status()).isEqualTo(HealthReport.Status.DOWN);

            proxy.restore();

            LoginResult login = null;
            Instant deadline = Instant.now().plusSeconds(10);
            while (login == null && Instant.now().isBefore(deadline)) {
                try {
                    login = auth.verifyOtp(tenant, mobile, lastChallenge, code);
                } catch (AuthException e) {
                    // Until the pool has replaced the connections the cut broke, only UNAVAILABLE is acceptable.
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE);
                }
            }
            assertThat(login).as("login succeeds once the database is back").isNotNull();
            assertThat(login.user().mobile()).isEqualTo(mobile);
        }
    }

    private AuthFacade facade(PostgresStores stores) {
        AuthSettings settings = AuthSettings.builder()
                .hashSecret(HASH_SECRET)
                .signingKey(JwtKey.hs256("k1", SIGNING_SECRET))
                .build();
        return AuthFacade.builder()
                .settings(settings)
                .stores(stores)
                .otpSender(outbox::add)
                .clock(clock)
                .eventListener(event -> {})
                .build();
    }

    private String lastCode() {
        return outbox.get(outbox.size() - 1).code();
    }

    private static String wrong(String code) {
        char last = code.charAt(code.length() - 1);
        return code.substring(0, code.length() - 1) + (last == '9' ? '0' : (char) (last + 1));
    }

    private static void assertCode(ThrowingCallable call, ErrorCode expected) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.errorCode())
                .isEqualTo(expected));
    }
}
