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
 * to the starter itself: {@value #ENDPOINTS_ENABLED}, {@value #DATABASE_SCHEMA}, {@value #REDIS_URL} and {@value
 * #REDIS_KEY_PREFIX}.
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
            new OwnProperty(REDIS_KEY_PREFIX, "java.lang.String", null, "Prefix of every Redis key Latchkey writes."));
}
