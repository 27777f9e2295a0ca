package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AuthSettingsTest {
    private static final String SECRET = "Xk3P9vQ2mZ7rT1wY5nB8cF4hJ6sL0dG3aV7eU2iO9pR";
    private static final String HASH = "q8Zr1vT0xN4mW7kB2yH5cJ9pL3sD6fG0aE1uR4iO7nV";

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("JWT_SECRET", SECRET);
        env.put("OTP_HASH_SECRET", HASH);
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void defaultsAreTheSecureOnes() {
        AuthSettings s = AuthSettings.fromEnv(env());
        assertThat(s.accessTokenTtl()).isEqualTo(Duration.ofMinutes(15));
        assertThat(s.refreshIdleTtl()).isEqualTo(Duration.ofDays(7));
        assertThat(s.refreshAbsoluteTtl()).isEqualTo(Duration.ofDays(30));
        assertThat(s.otpLength()).isEqualTo(6);
        assertThat(s.otpTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.otpMaxAttempts()).isEqualTo(5);
        assertThat(s.otpFailureLimit()).isEqualTo(new AuthSettings.Limit(20, Duration.ofHours(24)));
        assertThat(s.resendCooldown()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.sendLimitPerDestination()).isEqualTo(new AuthSettings.Limit(5, Duration.ofHours(1)));
        assertThat(s.signupMode()).isEqualTo(SignupMode.OPEN);
        assertThat(s.sendLimitPerTenant()).isEmpty();
        assertThat(s.signingKey().algorithm()).isEqualTo("HS256");
        assertThat(s.clockSkew()).isLessThanOrEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void readsEveryVariable() {
        AuthSettings s = AuthSettings.fromEnv(env(
                "JWT_EXPIRES_IN", "24h",
                "JWT_ISSUER", "https://auth.acme.test",
                "JWT_AUDIENCE", "acme-api",
                "JWT_KEY_ID", "2030-01",
                "REFRESH_EXPIRES_IN", "P14D",
                "REFRESH_IDLE_TIMEOUT", "3d",
                "REFRESH_REUSE_GRACE", "5s",
                "OTP_LENGTH", "8",
                "OTP_EXPIRES_IN", "10m",
                "OTP_MAX_ATTEMPTS", "3",
                "OTP_FAILURE_LIMIT", "10/12h",
                "OTP_RESEND_COOLDOWN", "30s",
                "OTP_SEND_LIMIT_PER_DESTINATION", "3/1h",
                "OTP_SEND_LIMIT_PER_IP", "50/1h",
                "OTP_SEND_LIMIT_PER_TENANT", "1000/1h",
                "SIGNUP_MODE", "invite_only",
                "DEFAULT_ROLE", "viewer",
                "DEFAULT_PERMISSIONS", "reports:read, profile:write",
                "PHONE_ALLOWED_REGIONS", "us,gb",
                "PHONE_DEFAULT_REGION", "US"));
        assertThat(s.accessTokenTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(s.issuer()).isEqualTo("https://auth.acme.test");
        assertThat(s.audience()).isEqualTo("acme-api");
        assertThat(s.signingKey().kid()).isEqualTo("2030-01");
        assertThat(s.refreshAbsoluteTtl()).isEqualTo(Duration.ofDays(14));
        assertThat(s.refreshIdleTtl()).isEqualTo(Duration.ofDays(3));
        assertThat(s.refreshReuseGrace()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.otpLength()).isEqualTo(8);
        assertThat(s.otpTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.otpMaxAttempts()).isEqualTo(3);
        assertThat(s.otpFailureLimit()).isEqualTo(new AuthSettings.Limit(10, Duration.ofHours(12)));
        assertThat(s.resendCooldown()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.sendLimitPerDestination()).isEqualTo(new AuthSettings.Limit(3, Duration.ofHours(1)));
        assertThat(s.sendLimitPerIp()).isEqualTo(new AuthSettings.Limit(50, Duration.ofHours(1)));
        assertThat(s.sendLimitPerTenant()).contains(new AuthSettings.Limit(1000, Duration.ofHours(1)));
        assertThat(s.signupMode()).isEqualTo(SignupMode.INVITE_ONLY);
        assertThat(s.defaultRole()).isEqualTo("viewer");
        assertThat(s.defaultPermissions()).containsExactlyInAnyOrder("reports:read", "profile:write");
        assertThat(s.allowedPhoneRegions()).containsExactlyInAnyOrder("US", "GB");
        assertThat(s.defaultPhoneRegion()).contains("US");
    }

    @Test
    void acceptsAnAsymmetricPrivateJwk() throws Exception {
        java.security.KeyPair pair =
                java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] x = tail(pair.getPublic().getEncoded());
        byte[] d = tail(pair.getPrivate().getEncoded());
        String jwk = new com.nimbusds.jose.jwk.OctetKeyPair.Builder(
                        com.nimbusds.jose.jwk.Curve.Ed25519, com.nimbusds.jose.util.Base64URL.encode(x))
                .d(com.nimbusds.jose.util.Base64URL.encode(d))
                .keyID("ed-1")
                .build()
                .toJSONString();
        Map<String, String> env = env("JWT_PRIVATE_JWK", jwk);
        env.remove("JWT_SECRET");
        AuthSettings s = AuthSettings.fromEnv(env);
        assertThat(s.signingKey().algorithm()).isEqualTo("EdDSA");
        assertThat(s.signingKey().kid()).isEqualTo("ed-1");
    }

    /** The raw 32-byte key at the end of a JDK X.509 or PKCS#8 Ed25519 encoding. */
    private static byte[] tail(byte[] encoded) {
        return java.util.Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
    }

    @ParameterizedTest
    @CsvSource({
        "JWT_EXPIRES_IN, 48h",
        "JWT_EXPIRES_IN, soon",
        "JWT_CLOCK_SKEW, 2m",
        "OTP_LENGTH, 5",
        "OTP_LENGTH, 11",
        "OTP_LENGTH, six",
        "OTP_EXPIRES_IN, 11m",
        "OTP_MAX_ATTEMPTS, 0",
        "OTP_FAILURE_LIMIT, 20",
        "OTP_SEND_LIMIT_PER_IP, 0/1h",
        "REFRESH_IDLE_TIMEOUT, 60d",
        "REFRESH_IDLE_TIMEOUT, 10m",
        "REFRESH_REUSE_GRACE, 5m",
        "SIGNUP_MODE, sometimes",
        "PHONE_ALLOWED_REGIONS, XX",
        "JWT_SECRET, short",
        "JWT_SECRET, your-256-bit-secret-your-256-bit-secret",
        "JWT_SECRET, aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "OTP_HASH_SECRET, changeme-changeme-changeme-changeme-1234",
        "JWT_PRIVATE_JWK, {not json}"
    })
    void badValueFailsNamingTheVariable(String variable, String value) {
        Map<String, String> env = env(variable, value);
        if (variable.equals("JWT_PRIVATE_JWK")) {
            env.remove("JWT_SECRET");
        }
        assertThatThrownBy(() -> AuthSettings.fromEnv(env))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(variable);
    }

    @Test
    void secretsAreNeverEchoedInErrors() {
        String weak = "changeme-changeme-changeme-changeme-1234";
        assertThatThrownBy(() -> AuthSettings.fromEnv(env("JWT_SECRET", weak))).hasMessageNotContaining(weak);
    }

    @ParameterizedTest
    @ValueSource(strings = {"JWT_SECRET", "OTP_HASH_SECRET"})
    void requiredSecretsMustBePresent(String variable) {
        Map<String, String> env = env();
        env.remove(variable);
        assertThatThrownBy(() -> AuthSettings.fromEnv(env)).hasMessageContaining(variable);
    }

    @Test
    void builderRefusesMissingAndUnsafeSettings() {
        assertThatThrownBy(() ->
                        AuthSettings.builder().signingKey(TestKeys.hs256("k")).build())
                .hasMessageContaining("hashSecret");
        assertThatThrownBy(() ->
                        AuthSettings.builder().hashSecret(TestKeys.HASH_SECRET).build())
                .hasMessageContaining("signingKey");
        JwtKey publicOnly = JwtKey.fromJwk(com.nimbusds.jose.util.JSONObjectUtils.toJSONString(
                JwtKey.generateEs256("p").publicJwk().orElseThrow()));
        assertThatThrownBy(() -> TestKeys.settings(publicOnly).build()).hasMessageContaining("cannot sign");
        assertThatThrownBy(() -> TestKeys.settings(TestKeys.hs256("k"))
                        .refreshIdleTtl(Duration.ofDays(40))
                        .build())
                .hasMessageContaining("refreshIdleTtl");
        assertThatThrownBy(() -> TestKeys.settings(TestKeys.hs256("k"))
                        .accessTokenTtl(Duration.ofHours(1))
                        .refreshIdleTtl(Duration.ofMinutes(30))
                        .build())
                .hasMessageContaining("refreshIdleTtl must not be shorter than accessTokenTtl");
        assertThatThrownBy(() -> TestKeys.settings(TestKeys.hs256("k"))
                        .verificationKeys(java.util.List.of(TestKeys.hs256("k")))
                        .build())
                .hasMessageContaining("duplicate key id");
    }

    @Test
    void hmacSecretsShorterThan32BytesAreRefused() {
        byte[] short31 = "Zr1vT0xN4mW7kB2yH5cJ9pL3sD6fG0a".getBytes(StandardCharsets.UTF_8);
        assertThat(short31).hasSize(31);
        assertThatThrownBy(() -> JwtKey.hs256("k", short31)).hasMessageContaining("32 bytes");
        assertThat(JwtKey.hs256("k", "Zr1vT0xN4mW7kB2yH5cJ9pL3sD6fG0aQ".getBytes(StandardCharsets.UTF_8))
                        .canSign())
                .isTrue();
    }

    @Test
    void rsaKeysUnder2048BitsAreRefused() {
        assertThatThrownBy(() -> JwtKey.rs256("r", TestKeys.rsa(1024))).hasMessageContaining("2048");
    }

    @Test
    void durationsAcceptShortAndIsoForms() {
        assertThat(AuthSettings.Durations.parse("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(AuthSettings.Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(AuthSettings.Durations.parse("PT24H")).isEqualTo(Duration.ofHours(24));
        assertThat(AuthSettings.Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void toStringShowsNoSecret() {
        AuthSettings s = AuthSettings.fromEnv(env());
        assertThat(s.toString()).doesNotContain(SECRET).doesNotContain(HASH);
        assertThat(s.allowedPhoneRegions()).isEqualTo(Set.of());
    }
}
