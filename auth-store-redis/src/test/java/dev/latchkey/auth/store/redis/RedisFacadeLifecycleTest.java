package dev.latchkey.auth.store.redis;

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
import dev.latchkey.auth.store.memory.MemoryUserDatabase;
import dev.latchkey.auth.testkit.ConcurrentRunner;
import dev.latchkey.auth.testkit.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.UnifiedJedis;

/**
 * The whole login life cycle through the core's {@link AuthFacade}, with codes, sessions and the revocation list in
 * Redis (standalone and Cluster) and users in the memory database behind the Redis user cache.
 */
class RedisFacadeLifecycleTest {
    /** The challenge id of the last code sent, as the client that asked would keep it. */
    private volatile String lastChallenge = "";

    private static final String PREFIX = RedisTestServers.uniquePrefix(RedisFacadeLifecycleTest.class);
    private static final String EMAIL = "ann@example.com";

    @AfterAll
    static void removeTestKeys() {
        RedisTestServers.deleteKeys(RedisTestServers.standalone(), PREFIX);
        RedisTestServers.deleteClusterKeys(RedisTestServers.cluster(), PREFIX);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"standalone", "cluster", "legacy JedisPooled", "legacy JedisCluster"})
    void theWholeLoginLifeCycleRunsOnRedis(String topology) {
        Fixture fixture = new Fixture(client(topology));
        AuthFacade auth = fixture.auth;

        lastChallenge = auth.sendOtp(fixture.tenant, EMAIL).challengeId();
        String code = fixture.lastCode();
        assertThatThrownBy(() -> auth.verifyOtp(fixture.tenant, EMAIL, lastChallenge, wrong(code)))
                .satisfies(e -> assertThat(((AuthException) e).errorCode()).isEqualTo(ErrorCode.INVALID_CODE));
        LoginResult login = auth.verifyOtp(fixture.tenant, EMAIL, lastChallenge, code);
        assertThat(login.newUser()).isTrue();
        assertThatThrownBy(() -> auth.verifyOtp(fixture.tenant, EMAIL, lastChallenge, code))
                .satisfies(e -> assertThat(((AuthException) e).errorCode()).isEqualTo(ErrorCode.INVALID_CODE));

        assertThat(auth.session(login.tokens().accessToken()).user().email()).isEqualTo(EMAIL);
        AuthPrincipal principal = auth.authenticate("Bearer " + login.tokens().accessToken());
        assertThat(principal.userId()).isEqualTo(login.user().id());

        fixture.clock.advance(Duration.ofMinutes(1));
        LoginResult refreshed = auth.refresh(login.tokens().refreshToken());
        assertThat(auth.session(refreshed.tokens().accessToken()).session().id())
                .isEqualTo(login.session().id());

        // Replaying the rotated token after the grace window revokes the family: the successor dies with it.
        fixture.clock.advance(Duration.ofMinutes(1));
        assertInvalidToken(() -> auth.refresh(login.tokens().refreshToken()));
        assertInvalidToken(() -> auth.refresh(refreshed.tokens().refreshToken()));

        lastChallenge = auth.sendOtp(fixture.tenant, EMAIL).challengeId();
        LoginResult second = auth.verifyOtp(fixture.tenant, EMAIL, lastChallenge, fixture.lastCode());
        assertThat(second.newUser()).isFalse();
        assertThat(auth.listSessions(fixture.tenant, second.user().id())).hasSize(1);

        assertThat(auth.signOut(second.tokens().accessToken(), SignOutScope.LOCAL))
                .isEqualTo(1);
        assertInvalidToken(() -> auth.session(second.tokens().accessToken()));
        assertInvalidToken(() -> auth.authenticate("Bearer " + second.tokens().accessToken()));
        assertInvalidToken(() -> auth.refresh(second.tokens().refreshToken()));

        HealthReport health = auth.health();
        assertThat(health.components()).containsKeys("users", "otp", "sessions", "revocations");
        assertThat(health.components().values())
                .allSatisfy(component -> assertThat(component.status()).isNotEqualTo(HealthReport.Status.DOWN));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"standalone", "cluster"})
    void fiftyConcurrentVerificationsOfTheRightCodeLogInExactlyOnce(String topology) {
        Fixture fixture = new Fixture(client(topology));
        lastChallenge = fixture.auth.sendOtp(fixture.tenant, EMAIL).challengeId();
        String code = fixture.lastCode();

        List<Object> outcomes = ConcurrentRunner.runConcurrently(50, i -> {
            try {
                return fixture.auth.verifyOtp(fixture.tenant, EMAIL, lastChallenge, code);
            } catch (AuthException e) {
                return e.errorCode();
            }
        });

        assertThat(outcomes).filteredOn(LoginResult.class::isInstance).hasSize(1);
        // The losers find the code already consumed: refused, and (no code being pending) not counted as guesses.
        assertThat(outcomes).filteredOn(o -> !(o instanceof LoginResult)).containsOnly(ErrorCode.INVALID_CODE);
    }

    @Test
    void signingOutOfEverySessionOfAUserEndsThemAll() {
        Fixture fixture = new Fixture(RedisTestServers.standalone());
        List<LoginResult> logins = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            lastChallenge = fixture.auth.sendOtp(fixture.tenant, EMAIL).challengeId();
            logins.add(fixture.auth.verifyOtp(fixture.tenant, EMAIL, lastChallenge, fixture.lastCode()));
            fixture.clock.advance(Duration.ofMinutes(2));
        }

        assertThat(fixture.auth.signOut(logins.get(0).tokens().accessToken(), SignOutScope.GLOBAL))
                .isEqualTo(3);

        for (LoginResult login : logins) {
            assertInvalidToken(() -> fixture.auth.session(login.tokens().accessToken()));
            assertInvalidToken(
                    () -> fixture.auth.authenticate("Bearer " + login.tokens().accessToken()));
        }
    }

    @Test
    void noCodeOrRefreshTokenIsStoredInClear() {
        UnifiedJedis redis = RedisTestServers.standalone();
        Fixture fixture = new Fixture(redis);
        lastChallenge = fixture.auth.sendOtp(fixture.tenant, EMAIL).challengeId();
        LoginResult login = fixture.auth.verifyOtp(fixture.tenant, EMAIL, lastChallenge, fixture.lastCode());
        fixture.clock.advance(Duration.ofMinutes(1));
        LoginResult refreshed = fixture.auth.refresh(login.tokens().refreshToken());
        lastChallenge = fixture.auth.sendOtp(fixture.tenant, EMAIL).challengeId();
        fixture.auth.signOut(refreshed.tokens().accessToken(), SignOutScope.OTHERS);

        Map<String, List<String>> contents = RedisTestServers.dump(redis, fixture.prefix);

        // The scan sees what the stores wrote: a pending challenge, the session, the user cache.
        assertThat(contents.keySet())
                .anyMatch(key -> key.contains(":otp:"))
                .anyMatch(key -> key.contains(":session:{"))
                .anyMatch(key -> key.contains(":user:v2:{"));
        Set<String> words = new HashSet<>();
        contents.forEach((key, values) -> {
            words.addAll(List.of(key.split("[^A-Za-z0-9]+")));
            values.forEach(value -> words.addAll(List.of(value.split("[^A-Za-z0-9]+"))));
        });
        assertThat(fixture.codes()).hasSize(2);
        for (String code : fixture.codes()) {
            assertThat(words).as("a one-time code in clear").doesNotContain(code);
        }
        for (String refreshToken :
                List.of(login.tokens().refreshToken(), refreshed.tokens().refreshToken())) {
            String[] parts = refreshToken.split("\\.");
            assertThat(parts).hasSize(3);
            contents.forEach((key, values) -> {
                assertThat(key).doesNotContain(refreshToken, parts[1], parts[2]);
                assertThat(values)
                        .noneMatch(value ->
                                value.contains(refreshToken) || value.contains(parts[1]) || value.contains(parts[2]));
            });
        }
    }

    private static UnifiedJedis client(String topology) {
        return switch (topology) {
            case "standalone" -> RedisTestServers.standalone();
            case "cluster" -> RedisTestServers.cluster();
            case "legacy JedisPooled" -> RedisTestServers.legacy(false);
            case "legacy JedisCluster" -> RedisTestServers.legacy(true);
            default -> throw new IllegalArgumentException(topology);
        };
    }

    private static String wrong(String code) {
        char last = code.charAt(code.length() - 1);
        return code.substring(0, code.length() - 1) + (char) (last == '9' ? '0' : last + 1);
    }

    private static void assertInvalidToken(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.errorCode())
                .isEqualTo(ErrorCode.INVALID_TOKEN));
    }

    /** A facade over Redis stores with a hand-driven clock and a sender that keeps what it was given. */
    private static final class Fixture {
        final String prefix = PREFIX + UUID.randomUUID() + ":";
        final String tenant = "tenant-" + UUID.randomUUID();
        final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        final List<OtpMessage> sent = new CopyOnWriteArrayList<>();
        final AuthFacade auth;

        Fixture(UnifiedJedis redis) {
            SecureRandom random = new SecureRandom();
            byte[] hashSecret = new byte[32];
            byte[] signingSecret = new byte[32];
            random.nextBytes(hashSecret);
            random.nextBytes(signingSecret);
            auth = AuthFacade.builder()
                    .settings(AuthSettings.builder()
                            .hashSecret(hashSecret)
                            .signingKey(JwtKey.hs256("k1", signingSecret))
                            .build())
                    .stores(RedisStores.builder()
                            .client(redis)
                            .keyPrefix(prefix)
                            .users(new MemoryUserDatabase())
                            .userCacheKeySecret(TestData.KEY_SECRET)
                            .build())
                    .otpSender(sent::add)
                    .clock(clock)
                    .build();
        }

        String lastCode() {
            assertThat(sent).isNotEmpty();
            return sent.get(sent.size() - 1).code();
        }

        List<String> codes() {
            return sent.stream().map(OtpMessage::code).toList();
        }
    }
}
