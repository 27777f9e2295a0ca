package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The settings builder: every setter chains and sets its setting, and a null unsets it. */
class SettingsBuilderTest {

    private static AuthSettings.Builder builder() {
        return TestKeys.settings(TestKeys.hs256("k1"));
    }

    @Test
    void everySetterChainsAndSetsItsSetting() {
        AuthSettings s = builder()
                .issuer("https://auth.acme.test")
                .audience("api")
                .clientId("web")
                .refreshReuseGrace(Duration.ofSeconds(5))
                .otpTtl(Duration.ofMinutes(2))
                .defaultPhoneRegion(" gb ")
                .healthDegradedThreshold(Duration.ofMillis(250))
                .build();
        assertThat(s.issuer()).isEqualTo("https://auth.acme.test");
        assertThat(s.audience()).isEqualTo("api");
        assertThat(s.clientId()).isEqualTo("web");
        assertThat(s.refreshReuseGrace()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.otpTtl()).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.defaultPhoneRegion()).contains("GB");
        assertThat(s.healthDegradedThreshold()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void aNullDefaultPhoneRegionUnsetsIt() {
        assertThat(builder()
                        .defaultPhoneRegion("US")
                        .defaultPhoneRegion(null)
                        .build()
                        .defaultPhoneRegion())
                .isEmpty();
    }

    @Test
    void aNullHashSecretIsNotSet() {
        assertThatThrownBy(() -> builder().hashSecret(null).build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.setting()).isEqualTo("OTP_HASH_SECRET");
                    assertThat(e.problem()).isEqualTo("is not set");
                });
    }

    @Test
    void aNullForARequiredSetSettingIsNotSetRatherThanEmpty() {
        assertThatThrownBy(() -> builder().defaultPermissions(null).build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo("DEFAULT_PERMISSIONS"))
                .hasMessageContaining("is not set");
        assertThatThrownBy(() -> builder().allowedPhoneRegions(null).build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo("PHONE_ALLOWED_REGIONS"))
                .hasMessageContaining("is not set");
    }

    @Test
    void regionsAreStoredUpperCaseAndPermissionsAsAnImmutableCopy() {
        java.util.Set<String> permissions = new java.util.HashSet<>(Set.of("reports:read"));
        AuthSettings s = builder()
                .allowedPhoneRegions(Set.of(" us", "gb "))
                .defaultPermissions(permissions)
                .build();
        permissions.add("admin:all");
        assertThat(s.allowedPhoneRegions()).containsExactlyInAnyOrder("US", "GB");
        assertThat(s.defaultPermissions()).containsExactly("reports:read");
    }

    @Test
    void theHashSecretIsCopiedInAndOut() {
        byte[] secret = TestKeys.HASH_SECRET.clone();
        AuthSettings s = builder().hashSecret(secret).build();
        secret[0] ^= 1;
        byte[] read = s.hashSecret();
        assertThat(read).isEqualTo(TestKeys.HASH_SECRET);
        read[0] ^= 1;
        assertThat(s.hashSecret()).isEqualTo(TestKeys.HASH_SECRET);
    }
}
