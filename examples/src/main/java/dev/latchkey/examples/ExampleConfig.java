package dev.latchkey.examples;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.AuthSettings;
import dev.latchkey.auth.ConfigurationException;
import dev.latchkey.auth.Destination;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The example server's configuration, read once from environment-style variables. Every failure is a {@link
 * ConfigurationException} naming the variable, the problem and the expected form, as the core's settings report
 * theirs, so start-up can stop with one clear line.
 *
 * @param host interface to listen on ({@code HOST})
 * @param port TCP port, 0 for any free one ({@code PORT})
 * @param httpThreads request worker threads ({@code HTTP_THREADS})
 * @param maxConnections open connections at most, all clients together ({@code HTTP_MAX_CONNECTIONS})
 * @param maxConnectionsPerClient open connections at most from one client address ({@code
 *     HTTP_MAX_CONNECTIONS_PER_CLIENT})
 * @param shutdownGraceSeconds how long a shutdown waits for requests in flight ({@code SHUTDOWN_GRACE_SECONDS})
 * @param databaseUrl PostgreSQL for users and sessions ({@code DATABASE_URL})
 * @param databaseSchema schema of the PostgreSQL tables ({@code DATABASE_SCHEMA})
 * @param redisUrl Redis for codes, throttles and the revocation list ({@code REDIS_URL}); without it, PostgreSQL holds
 *     them when {@code DATABASE_URL} is set
 * @param redisKeyPrefix prefix of every Redis key ({@code REDIS_KEY_PREFIX})
 * @param bootstrapAdminEmail normalised email that becomes {@code admin} on first login, or {@code null}
 * @param bootstrapAdminMobile E.164 mobile that becomes {@code admin} on first login, or {@code null}
 * @param healthDetails who sees the components of {@code /health} ({@code HEALTH_DETAILS})
 * @param settings the facade's settings ({@link AuthSettings#fromEnv})
 * @param oauth the sign-in providers ({@code GOOGLE_*}, {@code MICROSOFT_*}, {@code LINKEDIN_*}, {@code OIDC_*})
 * @param warnings what an operator should know about the chosen defaults, to log at start-up
 */
record ExampleConfig(
        String host,
        int port,
        int httpThreads,
        int maxConnections,
        int maxConnectionsPerClient,
        int shutdownGraceSeconds,
        Optional<String> databaseUrl,
        String databaseSchema,
        Optional<String> redisUrl,
        String redisKeyPrefix,
        @Nullable String bootstrapAdminEmail,
        @Nullable String bootstrapAdminMobile,
        HealthDetails healthDetails,
        AuthSettings settings,
        OAuthConfig oauth,
        List<String> warnings) {

    /** Who sees the components, latencies and pool usage of {@code /health}; everyone sees the status. */
    enum HealthDetails {
        /** Callers with a token of role {@code admin}: the default. */
        ADMIN,
        /** Everyone: for a server reachable only from a management network. */
        ALWAYS
    }

    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern KEY_PREFIX = Pattern.compile("[A-Za-z0-9:_.\\-{}]{1,64}");

    static ExampleConfig fromEnv(Map<String, String> env) {
        Map<String, String> authEnv = new HashMap<>(env);
        List<String> warnings = new ArrayList<>();
        if (value(env, "JWT_SECRET").isEmpty() && value(env, "JWT_PRIVATE_JWK").isEmpty()) {
            authEnv.put(
                    "JWT_PRIVATE_JWK",
                    generatedEs256Jwk(value(env, "JWT_KEY_ID").orElse("k1")));
            warnings.add("JWT_SECRET and JWT_PRIVATE_JWK are unset: signing with a freshly generated ES256 key;"
                    + " tokens will not survive a restart");
        }
        if (value(env, "OTP_HASH_SECRET").isEmpty()) {
            authEnv.put("OTP_HASH_SECRET", randomHex(32));
            warnings.add("OTP_HASH_SECRET is unset: using a random one; codes and refresh tokens will not survive"
                    + " a restart");
        }
        AuthSettings settings = AuthSettings.fromEnv(authEnv);

        String host = value(env, "HOST").orElse("127.0.0.1");
        int port = integer(env, "PORT", 8080, 0, 65_535);
        int threads = integer(env, "HTTP_THREADS", 16, 1, 512);
        int maxConnections = integer(env, "HTTP_MAX_CONNECTIONS", 256, 1, 4096);
        int maxPerClient = integer(env, "HTTP_MAX_CONNECTIONS_PER_CLIENT", 8, 1, 4096);
        int grace = integer(env, "SHUTDOWN_GRACE_SECONDS", 10, 0, 300);
        Optional<String> databaseUrl = value(env, "DATABASE_URL");
        String schema = value(env, "DATABASE_SCHEMA").orElse("latchkey");
        if (!SCHEMA.matcher(schema).matches()) {
            throw new ConfigurationException(
                    "DATABASE_SCHEMA",
                    "is not a usable schema name",
                    "1 to 63 lower-case letters, digits and underscores, not starting with a digit, such as latchkey");
        }
        Optional<String> redisUrl = value(env, "REDIS_URL");
        String keyPrefix = value(env, "REDIS_KEY_PREFIX").orElse("latchkey:");
        if (!KEY_PREFIX.matcher(keyPrefix).matches()) {
            throw new ConfigurationException(
                    "REDIS_KEY_PREFIX",
                    "is not a usable key prefix",
                    "1 to 64 letters, digits and the characters : _ . - { }, such as latchkey:");
        }
        String adminEmail = value(env, "BOOTSTRAP_ADMIN_EMAIL")
                .map(raw ->
                        normalise("BOOTSTRAP_ADMIN_EMAIL", raw, settings, "an email address, such as ada@example.com"))
                .orElse(null);
        String adminMobile = value(env, "BOOTSTRAP_ADMIN_MOBILE")
                .map(raw -> normalise(
                        "BOOTSTRAP_ADMIN_MOBILE",
                        raw,
                        settings,
                        "a mobile number such as +14155550123 (national form only with PHONE_DEFAULT_REGION)"))
                .orElse(null);
        HealthDetails healthDetails =
                switch (value(env, "HEALTH_DETAILS").orElse("admin").toLowerCase(Locale.ROOT)) {
                    case "admin" -> HealthDetails.ADMIN;
                    case "always" -> HealthDetails.ALWAYS;
                    default ->
                        throw new ConfigurationException(
                                "HEALTH_DETAILS", "is not a known value", "admin (the default) or always");
                };
        if (redisUrl.isPresent() && databaseUrl.isEmpty()) {
            warnings.add("REDIS_URL without DATABASE_URL: users are kept in memory and lost on restart");
        }
        OAuthConfig oauth = OAuthConfig.fromEnv(env);
        if (!oauth.providers().isEmpty()
                && oauth.publicBaseUrl() == null
                && !host.equals("127.0.0.1")
                && !host.equals("localhost")) {
            throw new ConfigurationException(
                    "PUBLIC_BASE_URL",
                    "is required when sign-in providers are configured and HOST is not a loopback address",
                    "the public origin the providers redirect to, such as https://app.example.com");
        }
        return new ExampleConfig(
                host,
                port,
                threads,
                maxConnections,
                maxPerClient,
                grace,
                databaseUrl,
                schema,
                redisUrl,
                keyPrefix,
                adminEmail,
                adminMobile,
                healthDetails,
                settings,
                oauth,
                List.copyOf(warnings));
    }

    /** Which backends serve which store, for the start-up line. */
    String storesDescription() {
        String users = databaseUrl.isPresent() ? "postgres" : "memory";
        String sessions = databaseUrl.isPresent() ? "postgres" : redisUrl.isPresent() ? "redis" : "memory";
        String codes = redisUrl.isPresent() ? "redis" : databaseUrl.isPresent() ? "postgres" : "memory";
        String revocations = redisUrl.isPresent() ? "redis" : databaseUrl.isPresent() ? "postgres" : "memory";
        return "users=" + users + ", sessions=" + sessions + ", codes=" + codes + ", revocations=" + revocations;
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    private static int integer(Map<String, String> env, String name, int fallback, int min, int max) {
        Optional<String> text = value(env, name);
        if (text.isEmpty()) {
            return fallback;
        }
        String expected = "a whole number from " + min + " to " + max + ", such as " + fallback;
        int parsed;
        try {
            parsed = Integer.parseInt(text.get());
        } catch (NumberFormatException e) {
            throw new ConfigurationException(name, "is not a whole number", expected, e);
        }
        if (parsed < min || parsed > max) {
            throw new ConfigurationException(name, parsed + " is out of range", expected);
        }
        return parsed;
    }

    /** The normal form logins get under these settings, so the configured address matches the stored one. */
    private static String normalise(String variable, String raw, AuthSettings settings, String expected) {
        try {
            return Destination.normalise(raw, settings).value();
        } catch (AuthException e) {
            // The core's input messages never echo the input, so the address stays out of the log line.
            throw new ConfigurationException(variable, String.valueOf(e.getMessage()), expected, e);
        }
    }

    private static String generatedEs256Jwk(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256)
                    .keyID(kid)
                    .algorithm(JWSAlgorithm.ES256)
                    .keyUse(KeyUse.SIGNATURE)
                    .generate()
                    .toJSONString();
        } catch (JOSEException e) {
            throw new IllegalStateException("the JDK cannot generate P-256 keys", e);
        }
    }

    /** Hex keeps the generated secret clear of the core's placeholder-word check, which looks at letters. */
    private static String randomHex(int bytes) {
        byte[] secret = new byte[bytes];
        new SecureRandom().nextBytes(secret);
        return HexFormat.of().formatHex(secret);
    }
}
