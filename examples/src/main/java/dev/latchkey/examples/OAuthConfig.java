package dev.latchkey.examples;

import dev.latchkey.auth.ConfigurationException;
import dev.latchkey.auth.oauth.OAuthProvider;
import dev.latchkey.auth.oauth.OAuthProvider.ResponseMode;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The sign-in providers configured in the environment, in the original system's style: {@code GOOGLE_CLIENT_ID} /
 * {@code GOOGLE_CLIENT_SECRET}, {@code MICROSOFT_*}, {@code LINKEDIN_*}, and {@code OIDC_*} for any OpenID Connect
 * provider, each with an optional {@code <PREFIX>_RESPONSE_MODE}. A provider is on when its client id is set. Each
 * provider's redirect URI is exactly {@code <PUBLIC_BASE_URL>/api/auth/oauth/<id>/callback}, never derived from a
 * request's {@code Host} header.
 *
 * @param publicBaseUrl {@code PUBLIC_BASE_URL}, or {@code null} to use the bound loopback address
 * @param providers the configured providers, each built once the base URL is known
 * @param returnPaths {@code OAUTH_RETURN_PATHS}: the paths a sign-in may return to
 */
record OAuthConfig(@Nullable URI publicBaseUrl, List<Setup> providers, Set<String> returnPaths) {

    /** One provider: its id, the button's label and how to build it for a base URL. */
    record Setup(String id, String displayName, Function<URI, OAuthProvider> build) {}

    static OAuthConfig fromEnv(Map<String, String> env) {
        List<Setup> providers = new ArrayList<>();
        client(env, "GOOGLE").ifPresent(c -> {
            Set<String> domains = list(env, "GOOGLE_HOSTED_DOMAINS");
            Optional<String> issuer = value(env, "GOOGLE_ISSUER");
            ResponseMode mode = responseMode(env, "GOOGLE");
            providers.add(new Setup("google", "Google", base -> {
                OAuthProvider.Builder b = OAuthProvider.google(c.id(), c.secret(), callback(base, "google"))
                        .allowedHostedDomains(domains)
                        .responseMode(mode);
                issuer.ifPresent(iss -> b.issuer(iss).discoveryUri(discovery(iss)));
                return b.build();
            }));
        });
        client(env, "MICROSOFT").ifPresent(c -> {
            String tenant = value(env, "MICROSOFT_TENANT").orElse("common");
            Set<String> tids = list(env, "MICROSOFT_ALLOWED_TENANT_IDS");
            ResponseMode mode = responseMode(env, "MICROSOFT");
            providers.add(new Setup("microsoft", "Microsoft", base -> {
                OAuthProvider.Builder b = OAuthProvider.microsoft(
                                tenant, c.id(), c.secret(), callback(base, "microsoft"))
                        .responseMode(mode);
                if (!tids.isEmpty()) {
                    b.allowedTenantIds(tids);
                }
                return b.build();
            }));
        });
        client(env, "LINKEDIN").ifPresent(c -> {
            Optional<String> issuer = value(env, "LINKEDIN_ISSUER");
            ResponseMode mode = responseMode(env, "LINKEDIN");
            providers.add(new Setup("linkedin", "LinkedIn", base -> {
                OAuthProvider.Builder b = OAuthProvider.linkedIn(c.id(), c.secret(), callback(base, "linkedin"))
                        .responseMode(mode);
                issuer.ifPresent(iss -> b.discoveryUri(discovery(iss)));
                return b.build();
            }));
        });
        client(env, "OIDC").ifPresent(c -> {
            String issuer = value(env, "OIDC_ISSUER")
                    .orElseThrow(() -> new ConfigurationException(
                            "OIDC_ISSUER", "is required with OIDC_CLIENT_ID", "the provider's issuer URL"));
            String id = value(env, "OIDC_PROVIDER_ID").orElse("oidc");
            if (!id.matches("[a-z0-9][a-z0-9-]{0,31}")
                    || Set.of("google", "microsoft", "linkedin").contains(id)) {
                throw new ConfigurationException(
                        "OIDC_PROVIDER_ID", "is not a usable provider id", "1-32 of a-z, 0-9 and '-', such as sso");
            }
            String name = value(env, "OIDC_DISPLAY_NAME").orElse("single sign-on");
            ResponseMode mode = responseMode(env, "OIDC");
            providers.add(
                    new Setup(id, name, base -> OAuthProvider.oidc(id, issuer, c.id(), c.secret(), callback(base, id))
                            .responseMode(mode)
                            .build()));
        });
        URI base = value(env, "PUBLIC_BASE_URL").map(OAuthConfig::baseUrl).orElse(null);
        Set<String> returnPaths = list(env, "OAUTH_RETURN_PATHS");
        return new OAuthConfig(base, List.copyOf(providers), returnPaths.isEmpty() ? Set.of("/") : returnPaths);
    }

    /** The providers for the base URL the server answers on. */
    List<OAuthProvider> build(URI boundBase) {
        URI base = publicBaseUrl != null ? publicBaseUrl : boundBase;
        List<OAuthProvider> built = new ArrayList<>();
        for (Setup setup : providers) {
            try {
                built.add(setup.build().apply(base));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(
                        setup.id().toUpperCase(Locale.ROOT) + "_CLIENT_ID",
                        String.valueOf(e.getMessage()),
                        "a valid registration");
            }
        }
        return built;
    }

    private record Client(String id, @Nullable String secret) {}

    private static Optional<Client> client(Map<String, String> env, String prefix) {
        Optional<String> id = value(env, prefix + "_CLIENT_ID");
        Optional<String> secret = value(env, prefix + "_CLIENT_SECRET");
        if (id.isEmpty()) {
            if (secret.isPresent()) {
                throw new ConfigurationException(
                        prefix + "_CLIENT_ID", "is missing while " + prefix + "_CLIENT_SECRET is set", "the client id");
            }
            return Optional.empty();
        }
        if (secret.isEmpty()) {
            throw new ConfigurationException(
                    prefix + "_CLIENT_SECRET", "is missing while " + prefix + "_CLIENT_ID is set", "the client secret");
        }
        return Optional.of(new Client(id.get(), secret.get()));
    }

    /**
     * {@code <PREFIX>_RESPONSE_MODE}: {@code query} (the default) or {@code form_post}, for providers that post their
     * answer to the callback (Sign in with Apple asking for name or email, or Entra ID by choice).
     */
    private static ResponseMode responseMode(Map<String, String> env, String prefix) {
        String name = prefix + "_RESPONSE_MODE";
        return ResponseMode.fromSetting(value(env, name).orElse("query"))
                .orElseThrow(
                        () -> new ConfigurationException(name, "is not a known response mode", "query or form_post"));
    }

    private static URI callback(URI base, String id) {
        String root = base.toString().endsWith("/")
                ? base.toString().substring(0, base.toString().length() - 1)
                : base.toString();
        return URI.create(root + "/api/auth/oauth/" + id + "/callback");
    }

    private static URI discovery(String issuer) {
        String root = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        return URI.create(root + "/.well-known/openid-configuration");
    }

    private static URI baseUrl(String raw) {
        URI uri;
        try {
            uri = URI.create(raw);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null
                || uri.getHost() == null
                || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new ConfigurationException(
                    "PUBLIC_BASE_URL",
                    "is not a usable base URL",
                    "the public origin, such as https://app.example.com");
        }
        return uri;
    }

    private static Set<String> list(Map<String, String> env, String name) {
        return value(env, name)
                .map(v -> new LinkedHashSet<>(Arrays.stream(v.split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .toList()))
                .<Set<String>>map(Set::copyOf)
                .orElse(Set.of());
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }
}
