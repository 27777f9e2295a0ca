package dev.latchkey.auth.spring;

import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.AuthSettings;
import dev.latchkey.auth.ConfigurationException;
import dev.latchkey.auth.oauth.OAuthLogin;
import dev.latchkey.auth.oauth.OAuthProvider;
import dev.latchkey.auth.spi.AuthStores;
import java.net.URI;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The {@code latchkey.oauth.*} properties: the example server's variables under the starter's prefix ({@code
 * GOOGLE_CLIENT_ID} is {@code latchkey.oauth.google.client-id}, {@code PUBLIC_BASE_URL} is {@code
 * latchkey.oauth.public-base-url}, {@code OIDC_RESPONSE_MODE} is {@code latchkey.oauth.oidc.response-mode}). A
 * provider is on when its client id is set. Each provider's redirect URI is exactly {@code
 * <public-base-url>/api/auth/oauth/<id>/callback}, never derived from a request's {@code Host}.
 */
final class OAuthProperties {
    static final String PREFIX = "latchkey.oauth.";
    static final String PUBLIC_BASE_URL = PREFIX + "public-base-url";
    static final String RETURN_PATHS = PREFIX + "return-paths";
    private static final String[] PRESETS = {"google", "microsoft", "linkedin", "oidc"};

    private final Binder binder;

    private OAuthProperties(Environment environment) {
        this.binder = Binder.get(environment);
    }

    /** The providers' button labels by id, as {@code GET /api/auth/oauth/providers} names them. */
    static Map<String, String> displayNames(Environment environment) {
        OAuthProperties properties = new OAuthProperties(environment);
        Map<String, String> names = new LinkedHashMap<>(Map.of("google", "Google", "microsoft", "Microsoft"));
        names.put("linkedin", "LinkedIn");
        properties
                .value("oidc.client-id")
                .ifPresent(id -> names.put(
                        properties.value("oidc.provider-id").orElse("oidc"),
                        properties.value("oidc.display-name").orElse("single sign-on")));
        return names;
    }

    /** Whether any provider's client id is set. */
    static boolean anyProvider(Environment environment) {
        OAuthProperties properties = new OAuthProperties(environment);
        return Arrays.stream(PRESETS)
                .anyMatch(p -> properties.value(p + ".client-id").isPresent());
    }

    /** The sign-in over {@code auth}, with the configured providers. */
    static OAuthLogin login(
            Environment environment, AuthFacade auth, AuthSettings settings, AuthStores stores, Clock clock) {
        OAuthProperties p = new OAuthProperties(environment);
        URI base = p.value("public-base-url")
                .map(OAuthProperties::baseUrl)
                .orElseThrow(() -> new ConfigurationException(
                        PUBLIC_BASE_URL,
                        "is required with a sign-in provider",
                        "the public origin, such as https://app.example.com"));
        OAuthLogin.Builder builder = OAuthLogin.builder()
                .facade(auth)
                .hashSecret(settings.hashSecret())
                .replayGuard(stores.rateLimits())
                .clock(clock);
        Set<String> returnPaths = p.list("return-paths");
        builder.allowedReturnPaths(returnPaths.isEmpty() ? Set.of("/") : returnPaths);
        p.secret("google").ifPresent(secret -> {
            OAuthProvider.Builder b = OAuthProvider.google(
                            p.required("google.client-id"), secret, callback(base, "google"))
                    .allowedHostedDomains(p.list("google.hosted-domains"))
                    .responseMode(p.responseMode("google"));
            p.value("google.issuer").ifPresent(iss -> b.issuer(iss).discoveryUri(discovery(iss)));
            builder.provider(build(b, "google"));
        });
        p.secret("microsoft").ifPresent(secret -> {
            OAuthProvider.Builder b = OAuthProvider.microsoft(
                            p.value("microsoft.tenant").orElse("common"),
                            p.required("microsoft.client-id"),
                            secret,
                            callback(base, "microsoft"))
                    .responseMode(p.responseMode("microsoft"));
            Set<String> tenants = p.list("microsoft.allowed-tenant-ids");
            if (!tenants.isEmpty()) {
                b.allowedTenantIds(tenants);
            }
            builder.provider(build(b, "microsoft"));
        });
        p.secret("linkedin").ifPresent(secret -> {
            OAuthProvider.Builder b = OAuthProvider.linkedIn(
                            p.required("linkedin.client-id"), secret, callback(base, "linkedin"))
                    .responseMode(p.responseMode("linkedin"));
            p.value("linkedin.issuer").ifPresent(iss -> b.discoveryUri(discovery(iss)));
            builder.provider(build(b, "linkedin"));
        });
        p.secret("oidc").ifPresent(secret -> {
            String id = p.value("oidc.provider-id").orElse("oidc");
            if (!id.matches("[a-z0-9][a-z0-9-]{0,31}")
                    || Set.of("google", "microsoft", "linkedin").contains(id)) {
                throw new ConfigurationException(
                        PREFIX + "oidc.provider-id",
                        "is not a usable provider id",
                        "1-32 of a-z, 0-9 and '-', such as sso");
            }
            builder.provider(build(
                    OAuthProvider.oidc(
                                    id,
                                    p.required("oidc.issuer"),
                                    p.required("oidc.client-id"),
                                    secret,
                                    callback(base, id))
                            .responseMode(p.responseMode("oidc")),
                    "oidc"));
        });
        return builder.build();
    }

    /** Matches when a provider is configured: the sign-in needs at least one. */
    static final class AnyProvider implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return anyProvider(context.getEnvironment());
        }
    }

    private static OAuthProvider build(OAuthProvider.Builder builder, String preset) {
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(
                    PREFIX + preset + ".client-id", String.valueOf(e.getMessage()), "a valid registration");
        }
    }

    /** The client secret of a preset whose client id is set; a half-configured client is an error. */
    private Optional<String> secret(String preset) {
        Optional<String> id = value(preset + ".client-id");
        Optional<String> secret = value(preset + ".client-secret");
        if (id.isEmpty() && secret.isPresent()) {
            throw new ConfigurationException(
                    PREFIX + preset + ".client-id", "is missing while its client-secret is set", "the client id");
        }
        if (id.isPresent() && secret.isEmpty()) {
            throw new ConfigurationException(
                    PREFIX + preset + ".client-secret", "is missing while its client-id is set", "the client secret");
        }
        return secret;
    }

    /**
     * {@code <preset>.response-mode}: {@code query} (the default) or {@code form_post}, for providers that post their
     * answer to the callback (Sign in with Apple asking for name or email, or Entra ID by choice). An unknown value
     * stops start-up rather than falling back to query: the provider would then be asked for the wrong mode.
     */
    private OAuthProvider.ResponseMode responseMode(String preset) {
        String name = preset + ".response-mode";
        return OAuthProvider.ResponseMode.fromSetting(value(name).orElse("query"))
                .orElseThrow(() -> new ConfigurationException(
                        PREFIX + name, "is not a known response mode", "query or form_post"));
    }

    private String required(String name) {
        return value(name)
                .orElseThrow(() -> new ConfigurationException(
                        PREFIX + name, "is required with this provider's client-id", "a value"));
    }

    private Optional<String> value(String name) {
        return binder.bind(PREFIX + name, String.class)
                .map(String::strip)
                .map(Optional::of)
                .orElseGet(Optional::empty)
                .filter(v -> !v.isEmpty());
    }

    private Set<String> list(String name) {
        return value(name)
                .<Set<String>>map(v -> Set.copyOf(new LinkedHashSet<>(Arrays.stream(v.split(","))
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .toList())))
                .orElse(Set.of());
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
        URI uri = null;
        try {
            uri = URI.create(raw);
        } catch (IllegalArgumentException e) {
            // refused below
        }
        if (uri == null
                || uri.getHost() == null
                || uri.getScheme() == null
                || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new ConfigurationException(
                    PUBLIC_BASE_URL, "is not a usable base URL", "the public origin, such as https://app.example.com");
        }
        return uri;
    }
}
