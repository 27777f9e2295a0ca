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
    void variablesDescribeEverySettingFromEnvReadsAsPlainText() {
        assertThat(AuthSettings.variables())
                .extracting(AuthSettings.Variable::name)
                .containsExactlyElementsOf(
                        SettingsCatalog.ALL.stream().map(Setting::variable).toList());
        AuthSettings.Variable expiresIn = AuthSettings.variables().stream()
                .filter(v -> v.name().equals("JWT_EXPIRES_IN"))
                .findFirst()
                .orElseThrow();
        assertThat(expiresIn.defaultText()).isEqualTo("15m");
        assertThat(expiresIn.expected()).contains("1m").contains("24h");
        assertThat(expiresIn.secret()).isFalse();
        AuthSettings.Variable hashSecret = AuthSettings.variables().get(0);
        assertThat(hashSecret.name()).isEqualTo("OTP_HASH_SECRET");
        assertThat(hashSecret.secret()).isTrue();
        assertThat(hashSecret.required()).isTrue();
        assertThat(hashSecret.defaultText()).isEqualTo("required");
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
        assertThat(s.otpFailureLimit()).isEqualTo(new AuthSettings.Limit(100, Duration.ofHours(24)));
        assertThat(s.otpFailureLimitPerClient()).isEqualTo(new AuthSettings.Limit(10, Duration.ofMinutes(15)));
        assertThat(s.sendLimitPerAddress()).isEqualTo(new AuthSettings.Limit(15, Duration.ofHours(1)));
        assertThat(s.sendLimitGlobal()).isEmpty();
        assertThat(s.allowedTenants()).isEmpty();
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
        "JWT_PRIVATE_JWK, {not json}",
        "JWT_KEY_ID, has space",
        "JWT_CACHE_SIZE, -1",
        "JWT_CACHE_SIZE, 1048577",
        "PHONE_DEFAULT_REGION, ZZ",
        "OTP_SEND_LIMIT_PER_TENANT, 0/1h",
        "HEALTH_DEGRADED_THRESHOLD, PT-1S"
    })
    void badValueFailsNamingTheVariable(String variable, String value) {
        Map<String, String> env = env(variable, value);
        if (variable.equals("JWT_PRIVATE_JWK")) {
            env.remove("JWT_SECRET");
        }
        assertThatThrownBy(() -> AuthSettings.fromEnv(env))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo(variable))
                .hasMessageStartingWith(variable + ": ")
                .hasMessageContaining("; expected ");
    }

    @Test
    void anAccessTokenTtlOfThirtyDaysNamesTheVariableTheProblemAndTheExpectedForm() {
        assertThatThrownBy(() -> AuthSettings.fromEnv(env("JWT_EXPIRES_IN", "30d")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage(
                        "JWT_EXPIRES_IN: 30d is above the maximum; expected a duration from 1m to 24h, such as 15m");
    }

    @Test
    void aShortHashSecretSaysTheProblemOnceWithoutTheSecret() {
        String tooShort = "Zr1vT0xN4mW7kB2yH5cJ9p";
        assertThatThrownBy(() -> AuthSettings.fromEnv(env("OTP_HASH_SECRET", tooShort)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("OTP_HASH_SECRET: the value is shorter than 32 bytes; expected at least 32")
                .hasMessageNotContaining(tooShort)
                .satisfies(e -> assertThat(e.getMessage().split("OTP_HASH_SECRET", -1))
                        .as("the variable is named once")
                        .hasSize(2));
    }

    @Test
    void nonSecretValuesAreQuotedShortened() {
        String longRole = "r".repeat(100);
        assertThatThrownBy(() -> AuthSettings.fromEnv(env("DEFAULT_ROLE", longRole)))
                .hasMessageStartingWith("DEFAULT_ROLE: " + "r".repeat(40) + "… is longer than 64 characters;")
                .hasMessageNotContaining("r".repeat(41));
        assertThatThrownBy(() -> AuthSettings.fromEnv(env("OTP_LENGTH", "six")))
                .hasMessage("OTP_LENGTH: six is not a whole number; expected a whole number from 6 to 10, such as 6");
    }

    @Test
    void onlyOneSigningKeyMayBeConfigured() {
        Map<String, String> both =
                env("JWT_PRIVATE_JWK", com.nimbusds.jose.util.JSONObjectUtils.toJSONString(privateEs256Jwk()));
        assertThatThrownBy(() -> AuthSettings.fromEnv(both))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo("JWT_SECRET"))
                .hasMessageContaining("JWT_PRIVATE_JWK");
    }

    @Test
    void aPreviousKeyNeedsAnIdOfItsOwn() {
        assertThatThrownBy(() -> AuthSettings.fromEnv(env(
                        "JWT_PREVIOUS_SECRET", "Pq7Wz2Lr9Tx4Nv8Ks3Hm6Jd1Fb5Gc0Ya2Ue7Io4",
                        "JWT_PREVIOUS_KEY_ID", "k1")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo("JWT_PREVIOUS_KEY_ID"));
        AuthSettings s = AuthSettings.fromEnv(env("JWT_PREVIOUS_SECRET", "Pq7Wz2Lr9Tx4Nv8Ks3Hm6Jd1Fb5Gc0Ya2Ue7Io4"));
        assertThat(s.verificationKeys()).extracting(JwtKey::kid).containsExactly("k0");
    }

    private static Map<String, Object> privateEs256Jwk() {
        try {
            return new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256)
                    .keyID("e")
                    .generate()
                    .toJSONObject();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
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
        assertThatThrownBy(() -> AuthSettings.fromEnv(env))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(variable + ": is not set")
                .hasMessageContaining("; expected ");
    }

    @Test
    void builderRefusesMissingAndUnsafeSettingsNamingTheirVariables() {
        assertThatThrownBy(() ->
                        AuthSettings.builder().signingKey(TestKeys.hs256("k")).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("OTP_HASH_SECRET: is not set");
        assertThatThrownBy(() ->
                        AuthSettings.builder().hashSecret(TestKeys.HASH_SECRET).build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo("signingKey"));
        JwtKey publicOnly = JwtKey.fromJwk(com.nimbusds.jose.util.JSONObjectUtils.toJSONString(
                JwtKey.generateEs256("p").publicJwk().orElseThrow()));
        assertThatThrownBy(() -> TestKeys.settings(publicOnly).build())
                .hasMessageStartingWith("signingKey: holds only a public key;");
        assertThatThrownBy(() -> TestKeys.settings(TestKeys.hs256("k"))
                        .refreshIdleTtl(Duration.ofDays(40))
                        .build())
                .hasMessage("REFRESH_IDLE_TIMEOUT: 40d is longer than REFRESH_EXPIRES_IN (30d);"
                        + " expected a duration from JWT_EXPIRES_IN to REFRESH_EXPIRES_IN, such as 7d");
        assertThatThrownBy(() -> TestKeys.settings(TestKeys.hs256("k"))
                        .accessTokenTtl(Duration.ofHours(1))
                        .refreshIdleTtl(Duration.ofMinutes(30))
                        .build())
                .hasMessageStartingWith("REFRESH_IDLE_TIMEOUT: 30m is shorter than JWT_EXPIRES_IN (1h);");
        assertThatThrownBy(() -> TestKeys.settings(TestKeys.hs256("k"))
                        .accessTokenTtl(Duration.ofDays(30))
                        .build())
                .hasMessageStartingWith("JWT_EXPIRES_IN: 30d is above the maximum;");
        assertThatThrownBy(() -> TestKeys.settings(TestKeys.hs256("k"))
                        .hashSecret("short".getBytes(StandardCharsets.UTF_8))
                        .build())
                .hasMessageStartingWith("OTP_HASH_SECRET: the value is shorter than 32 bytes;");
        assertThatThrownBy(() -> TestKeys.settings(TestKeys.hs256("k"))
                        .otpFailureLimit(new AuthSettings.Limit(0, Duration.ofHours(1)))
                        .build())
                .hasMessageStartingWith("OTP_FAILURE_LIMIT: 0/1h allows nothing;");
        assertThatThrownBy(() ->
                        TestKeys.settings(TestKeys.hs256("k")).issuer(null).build())
                .hasMessageStartingWith("JWT_ISSUER: is not set;");
        assertThatThrownBy(() -> TestKeys.settings(TestKeys.hs256("k"))
                        .verificationKeys(java.util.List.of(TestKeys.hs256("k")))
                        .build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo("verificationKeys"));
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
        assertThat(SettingsCatalog.parseDuration("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(SettingsCatalog.parseDuration("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(SettingsCatalog.parseDuration("PT24H")).isEqualTo(Duration.ofHours(24));
        assertThat(SettingsCatalog.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
    }

    @ParameterizedTest
    @CsvSource({
        "PT0S, 0s",
        "PT0.25S, 250ms",
        "PT90S, 90s",
        "PT1M, 1m",
        "PT24H, 24h",
        "PT48H, 2d",
        "PT0.0000001S, PT0.0000001S"
    })
    void durationsAreQuotedInTheLargestExactUnit(Duration value, String text) {
        assertThat(SettingsCatalog.formatDuration(value)).isEqualTo(text);
    }

    @Test
    void toStringShowsNoSecret() {
        AuthSettings s = AuthSettings.fromEnv(env());
        assertThat(s.toString()).doesNotContain(SECRET).doesNotContain(HASH);
        assertThat(s.allowedPhoneRegions()).isEqualTo(Set.of());
    }

    @Test
    void toStringShowsThePolicyAtAGlance() {
        AuthSettings s = AuthSettings.fromEnv(env("OTP_LENGTH", "8"));
        assertThat(s.toString())
                .startsWith("AuthSettings[issuer=" + s.issuer() + ", audience=" + s.audience() + ", signingKey=")
                .endsWith(", accessTokenTtl=PT15M, refreshIdleTtl=" + s.refreshIdleTtl()
                        + ", refreshAbsoluteTtl=PT720H," + " otpLength=8, otpTtl=PT5M, signupMode=OPEN]");
    }

    @Test
    void theVerifiedTokenCacheHoldsFourThousandTokensUnlessConfigured() {
        assertThat(AuthSettings.fromEnv(env()).tokenCacheSize()).isEqualTo(4096);
        assertThat(AuthSettings.fromEnv(env("JWT_CACHE_SIZE", "0")).tokenCacheSize())
                .isZero();
    }

    @Test
    void toBuilderKeepsEverySettingButTheOnesChanged() {
        AuthSettings s = AuthSettings.fromEnv(env(
                "JWT_ISSUER", "https://auth.acme.test",
                "JWT_PREVIOUS_SECRET", "Pq7Wz2Lr9Tx4Nv8Ks3Hm6Jd1Fb5Gc0Ya2Ue7Io4",
                "OTP_LENGTH", "8"));
        AuthSettings derived = s.toBuilder().otpLength(7).build();
        assertThat(derived.otpLength()).isEqualTo(7);
        assertThat(derived.issuer()).isEqualTo("https://auth.acme.test");
        assertThat(derived.signingKey()).isSameAs(s.signingKey());
        assertThat(derived.verificationKeys()).isEqualTo(s.verificationKeys());
        assertThat(derived.hashSecret()).isEqualTo(s.hashSecret());
        assertThat(s.otpLength()).isEqualTo(8);
    }

    @Test
    void aPreviousJwkJoinsTheVerificationKeys() {
        String previous = com.nimbusds.jose.util.JSONObjectUtils.toJSONString(privateEs256Jwk());
        AuthSettings s = AuthSettings.fromEnv(env("JWT_PREVIOUS_JWK", previous));
        assertThat(s.verificationKeys()).extracting(JwtKey::kid).containsExactly("e");
    }

    @Test
    void aPublicJwkCannotBeTheSigningKey() {
        String publicOnly = com.nimbusds.jose.util.JSONObjectUtils.toJSONString(
                JwtKey.generateEs256("p").publicJwk().orElseThrow());
        Map<String, String> env = env("JWT_PRIVATE_JWK", publicOnly);
        env.remove("JWT_SECRET");
        assertThatThrownBy(() -> AuthSettings.fromEnv(env))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo("JWT_PRIVATE_JWK"))
                .hasMessageStartingWith("JWT_PRIVATE_JWK: the value holds only a public key;");
    }

    @Test
    void allowedTenantsAreReadCaseInsensitivelyAndEachMustBeATenantId() {
        assertThat(AuthSettings.fromEnv(env("ALLOWED_TENANTS", "Acme, globex")).allowedTenants())
                .containsExactlyInAnyOrder("acme", "globex");
        assertThatThrownBy(() -> TestKeys.settings(TestKeys.hs256("k"))
                        .allowedTenants(Set.of("bad tenant"))
                        .build())
                .hasMessageStartingWith("ALLOWED_TENANTS: bad tenant contains an invalid tenant id;");
        assertThat(TestKeys.settings(TestKeys.hs256("k"))
                        .allowedTenants(Set.of("acme"))
                        .build()
                        .allowedTenants())
                .containsExactly("acme");
    }

    @Test
    void aPermissionLongerThan128CharactersIsQuotedShortened() {
        String tooLong = "p".repeat(129);
        assertThatThrownBy(() -> TestKeys.settings(TestKeys.hs256("k"))
                        .defaultPermissions(Set.of(tooLong))
                        .build())
                .hasMessageStartingWith("DEFAULT_PERMISSIONS: " + "p".repeat(40)
                        + "… contains a blank permission or one longer than 128 characters;");
        assertThat(TestKeys.settings(TestKeys.hs256("k"))
                        .defaultPermissions(Set.of("p".repeat(128)))
                        .build()
                        .defaultPermissions())
                .containsExactly("p".repeat(128));
    }

    @Test
    void anUnknownPhoneRegionIsNamed() {
        assertThatThrownBy(() -> TestKeys.settings(TestKeys.hs256("k"))
                        .allowedPhoneRegions(Set.of("XX"))
                        .build())
                .hasMessageStartingWith("PHONE_ALLOWED_REGIONS: XX contains the unknown region XX;");
    }

    @Test
    void durationsTooLongForMillisecondsAreQuotedInIsoForm() {
        assertThat(SettingsCatalog.formatDuration(Duration.ofSeconds(Long.MAX_VALUE / 1000)))
                .isEqualTo("9223372036854775s");
        assertThat(SettingsCatalog.formatDuration(Duration.ofSeconds(Long.MAX_VALUE / 1000 + 1)))
                .isEqualTo(Duration.ofSeconds(Long.MAX_VALUE / 1000 + 1).toString());
        assertThat(SettingsCatalog.formatDuration(Duration.ofSeconds(Long.MAX_VALUE)))
                .isEqualTo("PT2562047788015215H30M7S");
    }
}
