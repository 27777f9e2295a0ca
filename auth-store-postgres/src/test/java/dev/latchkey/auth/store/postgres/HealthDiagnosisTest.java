package dev.latchkey.auth.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.AuthSettings;
import dev.latchkey.auth.HealthReport;
import dev.latchkey.auth.JwtKey;
import dev.latchkey.auth.spi.StoreUnavailableException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A misconfigured DATABASE_URL is diagnosed by health at once: every PostgreSQL-backed component names the cause
 * class, the stores are probed in parallel so the whole check stays within about 2.5 s, and nothing secret shows.
 */
class HealthDiagnosisTest {
    private static final byte[] HASH_SECRET =
            "q8Zr1vT0xN4mW7kB2yH5cJ9pL3sD6fG0aE1uR4iO7nV".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SIGNING_SECRET =
            "Xk3P9vQ2mZ7rT1wY5nB8cF4hJ6sL0dG3aV7eU2iO9pR".getBytes(StandardCharsets.UTF_8);
    /** The health deadline (2.5 s) and a margin for a busy machine. */
    private static final Duration BOUND = Duration.ofMillis(3500);

    @Test
    void aDatabaseNameThatDoesNotExistShowsAsDatabaseMissingWithinTheHealthDeadline() {
        assertHealthSays(url("postgres", TestPostgres.port(), "does_not_exist"), "database missing");
    }

    @Test
    void aRoleTheServerDoesNotKnowShowsAsAuthenticationFailed() {
        // Trust authentication accepts any password, so a role that does not exist (SQLState 28000) stands in for
        // a rejected password (28P01): both are class 28.
        assertHealthSays(url("no_such_role_latchkey", TestPostgres.port(), "test"), "authentication failed");
    }

    @Test
    void aPortNobodyListensOnShowsAsConnectionRefused() throws IOException {
        assertHealthSays(url("postgres", closedPort(), "test"), "connection refused");
    }

    @Test
    void storeFailuresCarryTheirCauseClassForTheHostToo() {
        try (PostgresStores stores = PostgresStores.builder()
                .databaseUrl(url("postgres", TestPostgres.port(), "does_not_exist"))
                .build()) {
            try {
                stores.ping();
                throw new AssertionError("a ping to a missing database succeeded");
            } catch (AuthException e) {
                assertThat(e).isInstanceOf(StoreUnavailableException.class);
                assertThat(((StoreUnavailableException) e).reason())
                        .isEqualTo(StoreUnavailableException.Reason.DATABASE_MISSING);
            }
        }
    }

    private static void assertHealthSays(String databaseUrl, String detail) {
        try (PostgresStores stores = PostgresStores.fromEnv(Map.of("DATABASE_URL", databaseUrl))) {
            AuthFacade auth = AuthFacade.builder()
                    .settings(AuthSettings.builder()
                            .hashSecret(HASH_SECRET)
                            .signingKey(JwtKey.hs256("k1", SIGNING_SECRET))
                            .build())
                    .stores(stores)
                    .otpSender(message -> {})
                    .eventListener(event -> {})
                    .build();

            long start = System.nanoTime();
            HealthReport report = auth.health();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(took)
                    .as("one bound for all components, not one per component")
                    .isLessThan(BOUND);
            assertThat(report.status()).isEqualTo(HealthReport.Status.DOWN);
            assertThat(report.components()).hasSizeGreaterThanOrEqualTo(3);
            assertThat(report.components().values())
                    .as("every PostgreSQL-backed component")
                    .allSatisfy(component -> assertThat(component.detail()).isEqualTo(detail));
        }
    }

    private static String url(String user, int port, String database) {
        return "postgresql://" + user + "@" + TestPostgres.host() + ":" + port + "/" + database;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }
}
