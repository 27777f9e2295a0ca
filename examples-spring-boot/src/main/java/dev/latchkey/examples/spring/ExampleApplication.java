package dev.latchkey.examples.spring;

import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.OtpSender;
import dev.latchkey.auth.spring.LatchkeySecurity;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The host's part: a code sender, the URL rules, and who starts as an administrator. Everything else (settings,
 * stores, the facade, the auth endpoints, health, metrics) is the starter's.
 */
@SpringBootApplication
@EnableMethodSecurity
public class ExampleApplication {
    private static final Logger LOG = LoggerFactory.getLogger(ExampleApplication.class);

    public static void main(String[] args) {
        SpringApplication.run(ExampleApplication.class, args);
    }

    /** Development only: prints the code. A real application sends it through its SMS or email provider. */
    @Bean
    OtpSender consoleOtpSender() {
        return message -> LOG.info("OTP for {}: {}", message.destination().masked(), message.code());
    }

    /** URL rules with roles; the controller's {@code @PreAuthorize} adds method rules. */
    @Bean
    SecurityFilterChain security(HttpSecurity http, AuthFacade auth) throws Exception {
        LatchkeySecurity.configure(http, auth)
                .authorizeHttpRequests(requests -> requests.requestMatchers(LatchkeySecurity.publicPaths())
                        .permitAll()
                        .requestMatchers("/api/admin/**")
                        .hasRole("admin")
                        .anyRequest()
                        .authenticated());
        return http.build();
    }

    /** The configured address becomes an administrator, with the reports permission, when it first logs in. */
    @Bean
    UnaryOperator<NewUser> bootstrapAdmin(@Value("${example.admin-email:}") String adminEmail) {
        String admin = adminEmail.strip().toLowerCase(Locale.ROOT);
        return user -> admin.isEmpty() || !admin.equals(user.email())
                ? user
                : new NewUser(
                        user.id(),
                        user.tenantId(),
                        user.email(),
                        user.mobile(),
                        user.name(),
                        "admin",
                        Set.of("reports:read"));
    }
}
