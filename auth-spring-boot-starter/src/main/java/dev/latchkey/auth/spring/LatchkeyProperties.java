package dev.latchkey.auth.spring;

import dev.latchkey.auth.AuthSettings;
import dev.latchkey.auth.ConfigurationException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The {@code latchkey.*} properties. Every setting of {@link AuthSettings#fromEnv} is a property named after its
 * environment variable ({@code JWT_EXPIRES_IN} is {@code latchkey.jwt-expires-in}), read with Spring's relaxed
 * binding (so {@code LATCHKEY_JWTEXPIRESIN} in the environment works too) and handed to {@code fromEnv} unchanged:
 * names, defaults and validation are core's, listed once in {@link AuthSettings#variables()}. A few properties belong
 * to the starter itself: {@value #ENDPOINTS_ENABLED}, {@value #DATABASE_SCHEMA}, {@value #REDIS_URL}, {@value
 * #REDIS_KEY_PREFIX}, and with {@code auth-oauth} the {@code latchkey.oauth.*} sign-in providers.
 */
public final class LatchkeyProperties {
    /** The prefix of every property. */
    public static final String PREFIX = "latchkey";

    /** Whether the auth endpoints are served (default {@code true}). */
    public static final String ENDPOINTS_ENABLED = "latchkey.endpoints.enabled";

    /** The PostgreSQL schema of Latchkey's tables when the application has a {@code DataSource} (default public). */
    public static final String DATABASE_SCHEMA = "latchkey.database-schema";

    /** A Redis URL for codes, counters and sessions, when the application has no {@code UnifiedJedis} bean. */
    public static final String REDIS_URL = "latchkey.redis-url";

    /** The prefix of every Redis key Latchkey writes (default the Redis store's). */
    public static final String REDIS_KEY_PREFIX = "latchkey.redis-key-prefix";

    private LatchkeyProperties() {}

    /** The property of an environment variable of {@link AuthSettings#fromEnv}: {@code latchkey.jwt-expires-in}. */
    public static String propertyOf(String variable) {
        return PREFIX + "." + variable.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Settings from the {@code latchkey.*} properties of {@code environment}.
     *
     * @throws ConfigurationException naming the property and its variable, such as {@code latchkey.jwt-expires-in
     *     (JWT_EXPIRES_IN)}
     */
    public static AuthSettings settings(Environment environment) {
        Map<String, String> variables = asVariables(environment);
        try {
            return AuthSettings.fromEnv(variables);
        } catch (ConfigurationException e) {
            if (!VARIABLES.contains(e.setting())) {
                throw e;
            }
            throw new ConfigurationException(
                    propertyOf(e.setting()) + " (" + e.setting() + ")", e.problem(), e.expected(), e);
        }
    }

    /** The {@code latchkey.*} properties that are settings, as the environment variables they stand for. */
    static Map<String, String> asVariables(Environment environment) {
        Binder binder = Binder.get(environment);
        Map<String, String> variables = new HashMap<>();
        for (String variable : VARIABLES) {
            binder.bind(propertyOf(variable), String.class).ifBound(value -> variables.put(variable, value));
        }
        return variables;
    }

    private static final Set<String> VARIABLES =
            AuthSettings.variables().stream().map(AuthSettings.Variable::name).collect(Collectors.toUnmodifiableSet());

    /**
     * The starter's own properties, for the configuration metadata.
     *
     * @param name the property
     * @param type its Java type, as the metadata names it
     * @param defaultValue its default, or {@code null}
     * @param description what it does
     */
    record OwnProperty(String name, String type, @Nullable Object defaultValue, String description) {}

    static final List<OwnProperty> OWN = List.of(
            new OwnProperty(
                    ENDPOINTS_ENABLED,
                    "java.lang.Boolean",
                    true,
                    "Serve send-otp, verify-otp, refresh, session, signout and the JWK Set."),
            new OwnProperty(
                    DATABASE_SCHEMA,
                    "java.lang.String",
                    null,
                    "PostgreSQL schema of Latchkey's tables when the application has a DataSource."),
            new OwnProperty(
                    REDIS_URL,
                    "java.lang.String",
                    null,
                    "Redis URL for codes, counters, sessions and the revocation list, when the application has no"
                            + " UnifiedJedis bean."),
            new OwnProperty(REDIS_KEY_PREFIX, "java.lang.String", null, "Prefix of every Redis key Latchkey writes."),
            oauth(
                    "public-base-url",
                    null,
                    "Public origin of the application, such as https://app.example.com: each sign-in provider's"
                            + " redirect URI is <this>/api/auth/oauth/<id>/callback. Required with a provider."),
            oauth("return-paths", "/", "Comma-separated paths an external sign-in may return to."),
            oauth("google.client-id", null, "Google client id: turns sign-in with Google on."),
            oauth("google.client-secret", null, "Google client secret. Secret: keep it out of committed files."),
            oauth("google.issuer", null, "Issuer of another Google-like provider (tests)."),
            oauth("google.hosted-domains", null, "Comma-separated Google Workspace domains allowed to sign in."),
            responseMode("google"),
            oauth("microsoft.client-id", null, "Microsoft client id: turns sign-in with Microsoft on."),
            oauth("microsoft.client-secret", null, "Microsoft client secret. Secret: keep it out of committed files."),
            oauth("microsoft.tenant", "common", "Microsoft tenant: an id or domain, organizations, common, consumers."),
            oauth("microsoft.allowed-tenant-ids", null, "Comma-separated Microsoft tenant ids allowed to sign in."),
            responseMode("microsoft"),
            oauth("linkedin.client-id", null, "LinkedIn client id: turns sign-in with LinkedIn on."),
            oauth("linkedin.client-secret", null, "LinkedIn client secret. Secret: keep it out of committed files."),
            oauth("linkedin.issuer", null, "Issuer whose discovery document replaces LinkedIn's (tests)."),
            responseMode("linkedin"),
            oauth("oidc.client-id", null, "Client id at any OpenID Connect provider: turns it on."),
            oauth("oidc.client-secret", null, "OpenID Connect client secret. Secret: keep it out of committed files."),
            oauth("oidc.issuer", null, "OpenID Connect issuer URL. Required with oidc.client-id."),
            oauth("oidc.provider-id", "oidc", "Id of the OpenID Connect provider in its paths: 1-32 of a-z, 0-9, -."),
            oauth("oidc.display-name", "single sign-on", "Label of the OpenID Connect provider's button."),
            responseMode("oidc"));

    /** A provider's {@code response-mode}: its metadata differs only in the provider's name. */
    private static OwnProperty responseMode(String preset) {
        return oauth(
                preset + ".response-mode",
                "query",
                "How the provider returns to the callback: query (a GET) or form_post (a POST from the provider's page;"
                        + " the flow's cookie is then SameSite=None; Secure so the browser sends it with that"
                        + " cross-site POST).");
    }

    /** A {@code latchkey.oauth.*} property: used when {@code dev.latchkey:auth-oauth} is on the class path. */
    private static OwnProperty oauth(String name, @Nullable String defaultValue, String description) {
        return new OwnProperty(PREFIX + ".oauth." + name, "java.lang.String", defaultValue, description);
    }
}
