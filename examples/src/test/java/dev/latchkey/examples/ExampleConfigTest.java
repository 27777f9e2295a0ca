package dev.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.ConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExampleConfigTest {
    private static final String SECRET = "q3Zt8vLw1Xp0Rk7Yb4Nc9Md2Hf6Js5Ga";

    @Test
    void defaultsAreLocalhost8080MemoryAndGeneratedKeysWithWarnings() {
        ExampleConfig config = ExampleConfig.fromEnv(Map.of());

        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.databaseUrl()).isEmpty();
        assertThat(config.redisUrl()).isEmpty();
        assertThat(config.storesDescription())
                .isEqualTo("users=memory, sessions=memory, codes=memory, revocations=memory");
        assertThat(config.settings().signingKey().algorithm()).isEqualTo("ES256");
        assertThat(config.settings().signingKey().canSign()).isTrue();
        assertThat(config.warnings())
                .anySatisfy(w -> assertThat(w).contains("JWT_SECRET").contains("will not survive a restart"))
                .anySatisfy(w -> assertThat(w).contains("OTP_HASH_SECRET"));
    }

    @Test
    void generatedSecretsDifferPerStart() {
        ExampleConfig first = ExampleConfig.fromEnv(Map.of());
        ExampleConfig second = ExampleConfig.fromEnv(Map.of());

        assertThat(first.settings().hashSecret()).isNotEqualTo(second.settings().hashSecret());
        assertThat(first.settings().signingKey().publicJwk())
                .isNotEqualTo(second.settings().signingKey().publicJwk());
    }

    @Test
    void givenSecretsAreUsedWithoutWarnings() {
        ExampleConfig config = ExampleConfig.fromEnv(Map.of(
                "JWT_SECRET", SECRET, "OTP_HASH_SECRET", new StringBuilder(SECRET).reverse() + "x", "PORT", "0"));

        assertThat(config.settings().signingKey().algorithm()).isEqualTo("HS256");
        assertThat(config.warnings()).isEmpty();
        assertThat(config.port()).isZero();
    }

    @Test
    void productionModeSplitsTheStores() {
        assertThat(ExampleConfig.fromEnv(Map.of("DATABASE_URL", "postgresql://db/app", "REDIS_URL", "redis://r"))
                        .storesDescription())
                .isEqualTo("users=postgres, sessions=postgres, codes=redis, revocations=redis");
        assertThat(ExampleConfig.fromEnv(Map.of("REDIS_URL", "redis://r")).storesDescription())
                .isEqualTo("users=memory, sessions=redis, codes=redis, revocations=redis");
        assertThat(ExampleConfig.fromEnv(Map.of("DATABASE_URL", "postgresql://db/app"))
                        .storesDescription())
                .isEqualTo("users=postgres, sessions=postgres, codes=postgres, revocations=postgres");
    }

    @Test
    void bootstrapAdminValuesAreNormalisedLikeLoginDestinations() {
        ExampleConfig config = ExampleConfig.fromEnv(
                Map.of("BOOTSTRAP_ADMIN_EMAIL", " Boss@Example.COM ", "BOOTSTRAP_ADMIN_MOBILE", "+1 (415) 555-0123"));

        assertThat(config.bootstrapAdminEmail()).isEqualTo("boss@example.com");
        assertThat(config.bootstrapAdminMobile()).isEqualTo("+14155550123");
    }

    @Test
    void aNationalBootstrapMobileUsesTheDefaultRegion() {
        ExampleConfig config =
                ExampleConfig.fromEnv(Map.of("BOOTSTRAP_ADMIN_MOBILE", "01511 2345678", "PHONE_DEFAULT_REGION", "DE"));

        assertThat(config.bootstrapAdminMobile()).isEqualTo("+4915112345678");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "PORT|eighty",
                "PORT|65536",
                "PORT|-1",
                "HTTP_THREADS|0",
                "SHUTDOWN_GRACE_SECONDS|forever",
                "DATABASE_SCHEMA|Bad-Schema",
                "REDIS_KEY_PREFIX|has space",
                "BOOTSTRAP_ADMIN_EMAIL|nobody",
                "BOOTSTRAP_ADMIN_MOBILE|12345",
                "JWT_EXPIRES_IN|soon",
                "JWT_SECRET|too-short",
                "JWT_PRIVATE_JWK|{\"kty\":\"oct\"}",
                "OTP_HASH_SECRET|changeme-changeme-changeme-changeme",
                "OTP_LENGTH|4",
                "OTP_SEND_LIMIT_PER_IP|lots",
                "SIGNUP_MODE|sometimes",
                "DEFAULT_ROLE|a-role-name-longer-than-sixty-four-characters-is-refused-by-the-core",
            })
    void aBadValueFailsWithAMessageNamingTheVariable(String variable, String value) {
        Map<String, String> env = new HashMap<>();
        env.put(variable, value);

        assertThatThrownBy(() -> ExampleConfig.fromEnv(env))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo(variable))
                .hasMessageStartingWith(variable + ": ")
                .hasMessageContaining("; expected ");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "DATABASE_URL|mysql://secret-password@db/app",
                "REDIS_URL|http://user:secret-password@cache:6379",
                "REDIS_URL|redis://cache:6379/notanumber",
            })
    void aBadBackendUrlStopsStartUpNamingTheVariableButNotTheUrl(String variable, String value) {
        Map<String, String> env = TestServers.env(variable, value);

        assertThatThrownBy(() -> ExampleServer.start(env, message -> {}))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo(variable))
                .hasMessageStartingWith(variable + ": ")
                .message()
                .doesNotContain("secret-password");
    }

    @Test
    void aPortInUseStopsStartUpNamingIt() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Map<String, String> env = TestServers.env("PORT", Integer.toString(taken.getLocalPort()));

            assertThatThrownBy(() -> ExampleServer.start(env, message -> {}))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("PORT")
                    .hasMessageContaining(Integer.toString(taken.getLocalPort()));
        }
    }
}
