package dev.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.RevocationOutagePolicy;
import dev.latchkey.auth.StoreFallback;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code .env.example} lists every variable, and its values are accepted as they stand. */
class EnvExampleTest {
    private static final String[] EVERY_VARIABLE = {
        "HOST",
        "PORT",
        "HTTP_THREADS",
        "HTTP_MAX_CONNECTIONS",
        "HTTP_MAX_CONNECTIONS_PER_CLIENT",
        "SHUTDOWN_GRACE_SECONDS",
        "DATABASE_URL",
        "DATABASE_SCHEMA",
        "REDIS_URL",
        "REDIS_KEY_PREFIX",
        "OTP_HASH_SECRET",
        "JWT_SECRET",
        "JWT_PRIVATE_JWK",
        "JWT_KEY_ID",
        "JWT_PREVIOUS_SECRET",
        "JWT_PREVIOUS_KEY_ID",
        "JWT_PREVIOUS_JWK",
        "JWT_ISSUER",
        "JWT_AUDIENCE",
        "JWT_CLIENT_ID",
        "JWT_EXPIRES_IN",
        "JWT_CLOCK_SKEW",
        "JWT_CACHE_SIZE",
        "REFRESH_EXPIRES_IN",
        "REFRESH_IDLE_TIMEOUT",
        "REFRESH_REUSE_GRACE",
        "OTP_LENGTH",
        "OTP_EXPIRES_IN",
        "OTP_MAX_ATTEMPTS",
        "OTP_FAILURE_LIMIT",
        "OTP_RESEND_COOLDOWN",
        "OTP_SEND_LIMIT_PER_DESTINATION",
        "OTP_SEND_LIMIT_PER_IP",
        "OTP_SEND_LIMIT_PER_TENANT",
        "SIGNUP_MODE",
        "PHONE_ALLOWED_REGIONS",
        "PHONE_DEFAULT_REGION",
        "DEFAULT_ROLE",
        "DEFAULT_PERMISSIONS",
        "BOOTSTRAP_ADMIN_EMAIL",
        "BOOTSTRAP_ADMIN_MOBILE",
        "HEALTH_DEGRADED_THRESHOLD",
        "HEALTH_DETAILS",
        "STORE_FALLBACK",
        "FALLBACK_INSTANCES",
        "REVOCATION_OUTAGE_POLICY",
        "PUBLIC_BASE_URL",
        "OAUTH_RETURN_PATHS",
        "GOOGLE_CLIENT_ID",
        "GOOGLE_CLIENT_SECRET",
        "GOOGLE_HOSTED_DOMAINS",
        "GOOGLE_ISSUER",
        "GOOGLE_RESPONSE_MODE",
        "MICROSOFT_CLIENT_ID",
        "MICROSOFT_CLIENT_SECRET",
        "MICROSOFT_TENANT",
        "MICROSOFT_ALLOWED_TENANT_IDS",
        "MICROSOFT_RESPONSE_MODE",
        "LINKEDIN_CLIENT_ID",
        "LINKEDIN_CLIENT_SECRET",
        "LINKEDIN_ISSUER",
        "LINKEDIN_RESPONSE_MODE",
        "OIDC_ISSUER",
        "OIDC_CLIENT_ID",
        "OIDC_CLIENT_SECRET",
        "OIDC_PROVIDER_ID",
        "OIDC_DISPLAY_NAME",
        "OIDC_RESPONSE_MODE"
    };

    @Test
    void envExampleListsEveryVariableWithAComment() throws IOException {
        Map<String, String> variables = read();

        assertThat(variables.keySet()).containsExactlyInAnyOrder(EVERY_VARIABLE);
    }

    @Test
    void envExampleValuesAreTheValidDefaults() throws IOException {
        ExampleConfig config = ExampleConfig.fromEnv(read());

        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.settings().accessTokenTtl()).hasMinutes(15);
        assertThat(config.settings().storeFallback()).isEqualTo(StoreFallback.NONE);
        assertThat(config.settings().revocationOutagePolicy()).isEqualTo(RevocationOutagePolicy.FAIL_CLOSED);
        assertThat(config.storesDescription())
                .isEqualTo("users=memory, sessions=memory, codes=memory, revocations=memory");
    }

    /** {@code NAME=value} lines, each of which must follow a comment line. */
    private static Map<String, String> read() throws IOException {
        Map<String, String> variables = new LinkedHashMap<>();
        String previous = "";
        for (String line : Files.readAllLines(Path.of(".env.example"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int equals = line.indexOf('=');
                assertThat(equals).as(line).isPositive();
                String name = line.substring(0, equals);
                assertThat(previous).as("comment before %s", name).matches("#.*|[A-Z_]+=.*");
                variables.put(name, line.substring(equals + 1));
            }
            previous = line;
        }
        return variables;
    }
}
