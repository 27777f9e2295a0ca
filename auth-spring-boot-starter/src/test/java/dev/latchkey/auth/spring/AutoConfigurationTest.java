package dev.latchkey.auth.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.ConfigurationException;
import dev.latchkey.auth.HealthReport;
import dev.latchkey.auth.spi.AuthStores;
import dev.latchkey.auth.spi.OtpSender;
import dev.latchkey.auth.store.memory.MemoryStores;
import dev.latchkey.auth.store.postgres.PostgresStores;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;

class AutoConfigurationTest {
    private static final String JWT_SECRET = "latchkey.jwt-secret=Xk3P9vQ2mZ7rT1wY5nB8cF4hJ6sL0dG3aV7eU2iO9pR";
    private static final String HASH_SECRET = "latchkey.otp-hash-secret=q8Zr1vT0xN4mW7kB2yH5cJ9pL3sD6fG0aE1uR4iO7nV";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LatchkeyAutoConfiguration.class))
            .withPropertyValues(JWT_SECRET, HASH_SECRET);

    private static OtpSender discardingSender() {
        return message -> {};
    }

    @Test
    void propertiesHaveTheEnvironmentVariablesNamesAndDefaults() {
        runner.withBean(OtpSender.class, AutoConfigurationTest::discardingSender)
                .withPropertyValues("latchkey.jwt-expires-in=5m", "latchkey.default-role=reader")
                .run(context -> {
                    AuthFacade auth = context.getBean(AuthFacade.class);
                    assertThat(auth.settings().accessTokenTtl()).isEqualTo(Duration.ofMinutes(5));
                    assertThat(auth.settings().defaultRole()).isEqualTo("reader");
                    assertThat(auth.settings().otpLength()).as("core's default").isEqualTo(6);
                });
    }

    @Test
    void anInvalidPropertyFailsStartUpNamingThePropertyAndItsVariable() {
        runner.withBean(OtpSender.class, AutoConfigurationTest::discardingSender)
                .withPropertyValues("latchkey.jwt-expires-in=forever")
                .run(context -> {
                    assertThat(context).hasFailed();
                    ConfigurationException failure =
                            rootCause(context.getStartupFailure(), ConfigurationException.class);
                    assertThat(failure.setting()).isEqualTo("latchkey.jwt-expires-in (JWT_EXPIRES_IN)");
                    FailureAnalysis analysis = new LatchkeyFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(analysis.getAction())
                            .contains("latchkey.jwt-expires-in")
                            .contains("24h");
                });
    }

    @Test
    void aMissingSecretFailsStartUpNamingTheProperty() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(LatchkeyAutoConfiguration.class))
                .withPropertyValues(JWT_SECRET)
                .withBean(OtpSender.class, AutoConfigurationTest::discardingSender)
                .run(context -> assertThat(rootCause(context.getStartupFailure(), ConfigurationException.class)
                                .setting())
                        .isEqualTo("latchkey.otp-hash-secret (OTP_HASH_SECRET)"));
    }

    @Test
    void aMissingOtpSenderFailsStartUpSayingWhatToProvide() {
        runner.run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new LatchkeyFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("dev.latchkey.auth.spi.OtpSender");
            assertThat(analysis.getAction()).contains("@Bean").contains("OtpSender otpSender(");
        });
    }

    @Test
    void withoutADataSourceOrRedisTheStoresAreInMemory() {
        runner.withBean(OtpSender.class, AutoConfigurationTest::discardingSender)
                .run(context -> assertThat(context.getBean(AuthStores.class)).isInstanceOf(MemoryStores.class));
    }

    @Test
    void theApplicationsDataSourceGivesPostgresStoresInTheConfiguredSchema() throws Exception {
        String schema = "latchkey_starter_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL("jdbc:postgresql://127.0.0.1:5432/test");
        dataSource.setUser("postgres");
        try {
            runner.withBean(OtpSender.class, AutoConfigurationTest::discardingSender)
                    .withBean(DataSource.class, () -> dataSource)
                    .withPropertyValues("latchkey.database-schema=" + schema)
                    .run(context -> {
                        assertThat(context.getBean(AuthStores.class)).isInstanceOf(PostgresStores.class);
                        AuthFacade auth = context.getBean(AuthFacade.class);
                        auth.sendOtp("acme", "ada@example.com");
                        assertThat(auth.health().status()).isEqualTo(HealthReport.Status.UP);
                    });
        } finally {
            try (Connection connection = dataSource.getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    @Test
    void theEndpointsAreServedUnlessSwitchedOff() {
        WebApplicationContextRunner web = new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        LatchkeyAutoConfiguration.class,
                        SecurityAutoConfiguration.class,
                        ServletWebSecurityAutoConfiguration.class))
                .withPropertyValues(JWT_SECRET, HASH_SECRET)
                .withBean(OtpSender.class, AutoConfigurationTest::discardingSender);
        web.run(context -> assertThat(context).hasSingleBean(ServletRegistrationBean.class));
        web.withPropertyValues("latchkey.endpoints.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(ServletRegistrationBean.class));
    }

    private static <T extends Throwable> T rootCause(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + failure);
    }
}
