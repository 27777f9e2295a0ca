package dev.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.ConfigurationException;
import dev.latchkey.auth.oauth.OAuthProvider;
import dev.latchkey.auth.oauth.OAuthProvider.ResponseMode;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sign-in providers from the environment, in the original system's GOOGLE_CLIENT_ID style. */
class OAuthConfigTest {
    private static final URI BOUND = URI.create("http://127.0.0.1:8080");

    @Test
    void noClientIdMeansNoProvider() {
        assertThat(OAuthConfig.fromEnv(Map.of()).providers()).isEmpty();
    }

    @Test
    void eachConfiguredProviderGetsTheExactRedirectUriUnderThePublicBaseUrl() {
        OAuthConfig config = OAuthConfig.fromEnv(TestServers.env(
                "PUBLIC_BASE_URL", "https://app.example.com",
                "GOOGLE_CLIENT_ID", "g-id",
                "GOOGLE_CLIENT_SECRET", "g-secret",
                "MICROSOFT_CLIENT_ID", "m-id",
                "MICROSOFT_CLIENT_SECRET", "m-secret",
                "LINKEDIN_CLIENT_ID", "l-id",
                "LINKEDIN_CLIENT_SECRET", "l-secret",
                "OIDC_ISSUER", "https://sso.example.com",
                "OIDC_CLIENT_ID", "o-id",
                "OIDC_CLIENT_SECRET", "o-secret",
                "OIDC_PROVIDER_ID", "sso"));

        List<OAuthProvider> providers = config.build(BOUND);

        assertThat(providers)
                .extracting(p -> p.redirectUri().toString())
                .containsExactly(
                        "https://app.example.com/api/auth/oauth/google/callback",
                        "https://app.example.com/api/auth/oauth/microsoft/callback",
                        "https://app.example.com/api/auth/oauth/linkedin/callback",
                        "https://app.example.com/api/auth/oauth/sso/callback");
        assertThat(providers.get(0).issuer()).contains("https://accounts.google.com");
        assertThat(providers.get(3).issuer()).contains("https://sso.example.com");
    }

    @Test
    void withoutAPublicBaseUrlTheBoundLoopbackAddressIsUsed() {
        OAuthConfig config = OAuthConfig.fromEnv(Map.of("GOOGLE_CLIENT_ID", "g", "GOOGLE_CLIENT_SECRET", "s"));

        assertThat(config.build(BOUND).get(0).redirectUri())
                .isEqualTo(URI.create("http://127.0.0.1:8080/api/auth/oauth/google/callback"));
    }

    @Test
    void eachProvidersResponseModeIsQueryUnlessItsVariableSaysFormPost() {
        OAuthConfig config = OAuthConfig.fromEnv(TestServers.env(
                "GOOGLE_CLIENT_ID", "g-id",
                "GOOGLE_CLIENT_SECRET", "g-secret",
                "MICROSOFT_CLIENT_ID", "m-id",
                "MICROSOFT_CLIENT_SECRET", "m-secret",
                "MICROSOFT_RESPONSE_MODE", "form_post",
                "LINKEDIN_CLIENT_ID", "l-id",
                "LINKEDIN_CLIENT_SECRET", "l-secret",
                "LINKEDIN_RESPONSE_MODE", "query",
                "OIDC_ISSUER", "https://appleid.apple.com",
                "OIDC_CLIENT_ID", "o-id",
                "OIDC_CLIENT_SECRET", "o-secret",
                "OIDC_RESPONSE_MODE", "FORM_POST"));

        assertThat(config.build(BOUND))
                .extracting(OAuthProvider::responseMode)
                .containsExactly(
                        ResponseMode.QUERY, ResponseMode.FORM_POST, ResponseMode.QUERY, ResponseMode.FORM_POST);
    }

    @Test
    void anUnknownResponseModeNamesItsVariable() {
        assertThatThrownBy(() -> OAuthConfig.fromEnv(Map.of(
                        "GOOGLE_CLIENT_ID", "g", "GOOGLE_CLIENT_SECRET", "s", "GOOGLE_RESPONSE_MODE", "fragment")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo("GOOGLE_RESPONSE_MODE"));
    }

    @Test
    void aClientIdWithoutItsSecretNamesTheMissingVariable() {
        assertThatThrownBy(() -> OAuthConfig.fromEnv(Map.of("GOOGLE_CLIENT_ID", "g")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo("GOOGLE_CLIENT_SECRET"));
        assertThatThrownBy(() -> OAuthConfig.fromEnv(Map.of("LINKEDIN_CLIENT_SECRET", "s")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo("LINKEDIN_CLIENT_ID"));
        assertThatThrownBy(() -> OAuthConfig.fromEnv(Map.of("OIDC_CLIENT_ID", "o", "OIDC_CLIENT_SECRET", "s")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo("OIDC_ISSUER"));
    }

    @Test
    void aNonLoopbackHostNeedsAPublicBaseUrl() {
        assertThatThrownBy(() -> ExampleConfig.fromEnv(
                        Map.of("HOST", "0.0.0.0", "GOOGLE_CLIENT_ID", "g", "GOOGLE_CLIENT_SECRET", "s")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo("PUBLIC_BASE_URL"));
    }

    @Test
    void aMalformedPublicBaseUrlIsAConfigurationError() {
        for (String bad : new String[] {"app.example.com", "ftp://app.example.com", "https://app.example.com/?x=1"}) {
            assertThatThrownBy(() -> OAuthConfig.fromEnv(Map.of("PUBLIC_BASE_URL", bad)))
                    .as(bad)
                    .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                            .isEqualTo("PUBLIC_BASE_URL"));
        }
    }

    @Test
    void aPlainHttpPublicBaseUrlOffLoopbackIsRefusedByTheProvider() {
        OAuthConfig config = OAuthConfig.fromEnv(Map.of(
                "PUBLIC_BASE_URL", "http://app.example.com", "GOOGLE_CLIENT_ID", "g", "GOOGLE_CLIENT_SECRET", "s"));

        assertThatThrownBy(() -> config.build(BOUND))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.getMessage())
                        .contains("redirectUri must be https"));
    }
}
