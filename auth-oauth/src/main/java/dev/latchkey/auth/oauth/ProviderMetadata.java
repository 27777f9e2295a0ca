package dev.latchkey.auth.oauth;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What Latchkey uses of a provider's metadata (OpenID Connect Discovery 1.0 §3), read as plain JSON: nimbus's metadata
 * parser refuses Entra ID's multi-tenant issuer template, and nothing else in the document is needed.
 *
 * @param issuer the issuer (possibly a template with {@code {tenantid}})
 * @param issParameterSupported {@code authorization_response_iss_parameter_supported} (RFC 9207 §3)
 */
record ProviderMetadata(
        String issuer,
        URI authorizationEndpoint,
        URI tokenEndpoint,
        URI jwksUri,
        @Nullable URI userInfoEndpoint,
        boolean issParameterSupported,
        List<String> codeChallengeMethods) {

    /** Metadata from discovery, overridden by whatever the provider's configuration gives explicitly. */
    static ProviderMetadata of(OAuthProvider provider, Map<String, Object> json) {
        String discovered = string(json, "issuer");
        if (discovered == null) {
            throw Http.unavailable("the provider's metadata has no issuer", null);
        }
        String issuer = provider.issuer().orElse(discovered);
        // OpenID Connect Discovery §4.3: the metadata's issuer must be exactly the expected one, or an attacker's
        // metadata could name another provider's endpoints (mix-up).
        if (!issuer.equals(discovered)) {
            throw Http.unavailable("the provider's metadata names another issuer", null);
        }
        checkResponseMode(provider.responseMode(), json.get("response_modes_supported"));
        Object iss = json.get("authorization_response_iss_parameter_supported");
        Object methods = json.get("code_challenge_methods_supported");
        return new ProviderMetadata(
                issuer,
                required(provider.authorizationEndpoint(), json, "authorization_endpoint"),
                required(provider.tokenEndpoint(), json, "token_endpoint"),
                required(provider.jwksUri(), json, "jwks_uri"),
                override(provider.userInfoEndpoint(), json, "userinfo_endpoint"),
                Boolean.TRUE.equals(iss),
                methods instanceof List<?> list
                        ? list.stream().map(String::valueOf).toList()
                        : List.of());
    }

    /** Metadata entirely from configuration, for a provider without discovery. */
    static ProviderMetadata configured(OAuthProvider provider) {
        return new ProviderMetadata(
                provider.issuer().orElseThrow(),
                Objects.requireNonNull(provider.authorizationEndpoint(), "authorizationEndpoint"),
                Objects.requireNonNull(provider.tokenEndpoint(), "tokenEndpoint"),
                Objects.requireNonNull(provider.jwksUri(), "jwksUri"),
                provider.userInfoEndpoint(),
                false,
                List.of());
    }

    /**
     * OpenID Connect Discovery 1.0 §3 {@code response_modes_supported}; OAuth 2.0 Form Post Response Mode. A provider
     * that lists its response modes without the configured one would answer in another way, or not at all: refused
     * before any flow starts. An absent list allows every mode: Discovery's default, {@code ["query", "fragment"]},
     * predates Form Post, and providers that accept {@code form_post} do not always publish the field, so only an
     * explicit list without the mode refuses.
     */
    private static void checkResponseMode(OAuthProvider.ResponseMode mode, @Nullable Object supported) {
        if (supported == null) {
            return;
        }
        if (!(supported instanceof List<?> modes)) {
            throw Http.unavailable("the provider's metadata has a malformed response_modes_supported", null);
        }
        if (!modes.contains(mode.parameterValue())) {
            throw Http.unavailable(
                    "the provider's metadata does not list response mode " + mode.parameterValue(), null);
        }
    }

    private static URI required(@Nullable URI configured, Map<String, Object> json, String name) {
        URI uri = override(configured, json, name);
        if (uri == null) {
            throw Http.unavailable("the provider's metadata has no " + name, null);
        }
        return uri;
    }

    private static @Nullable URI override(@Nullable URI configured, Map<String, Object> json, String name) {
        if (configured != null) {
            return configured;
        }
        String value = string(json, name);
        if (value == null) {
            return null;
        }
        try {
            return URI.create(value);
        } catch (IllegalArgumentException e) {
            throw Http.unavailable("the provider's metadata has a malformed " + name, e);
        }
    }

    private static @Nullable String string(Map<String, Object> json, String name) {
        return json.get(name) instanceof String s ? s : null;
    }
}
