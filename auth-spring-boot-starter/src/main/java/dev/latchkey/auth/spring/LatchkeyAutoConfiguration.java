package dev.latchkey.auth.spring;

import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.AuthSettings;
import dev.latchkey.auth.micrometer.LatchkeyMetrics;
import dev.latchkey.auth.micrometer.MeteredStores;
import dev.latchkey.auth.servlet.AuthEndpointsServlet;
import dev.latchkey.auth.spi.AuthEventListener;
import dev.latchkey.auth.spi.AuthStores;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.OtpSender;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import redis.clients.jedis.UnifiedJedis;

/**
 * Builds an {@link AuthFacade} from what the application has. Every bean backs off when the application defines its
 * own of the same type.
 *
 * <ul>
 *   <li>{@link AuthSettings} from the {@code latchkey.*} properties ({@link LatchkeyProperties});
 *   <li>{@link AuthStores}: PostgreSQL over the application's {@code DataSource}, Redis over its {@code UnifiedJedis}
 *       bean or {@value LatchkeyProperties#REDIS_URL}, memory otherwise (with a warning);
 *   <li>the facade, with the application's {@link OtpSender} bean (required: start-up fails without one, saying so),
 *       every {@link AuthEventListener} bean after the default audit log, a {@code UnaryOperator<NewUser>} bean as
 *       the new-user customizer and a {@link Clock} bean, if there are ones; with a {@link MeterRegistry}, metrics
 *       for events, operations and store calls;
 *   <li>in a servlet web application: the auth endpoints (unless {@value LatchkeyProperties#ENDPOINTS_ENABLED} is
 *       false), a Bearer-token {@link SecurityFilterChain} when Spring Security is present and the application has
 *       none (see {@link LatchkeySecurity}), and with Actuator, the {@code latchkey} health indicator.
 * </ul>
 */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"
        },
        beforeName = {
            "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration"
        })
public class LatchkeyAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    AuthSettings latchkeySettings(Environment environment) {
        return LatchkeyProperties.settings(environment);
    }

    @Bean
    @ConditionalOnMissingBean
    AuthStores latchkeyStores(
            ObjectProvider<DataSource> dataSource,
            ObjectProvider<UnifiedJedis> redis,
            AuthSettings settings,
            Environment environment) {
        return StoreSelection.choose(dataSource.getIfUnique(), redis.getIfUnique(), settings, environment);
    }

    @Bean
    @ConditionalOnMissingBean
    AuthFacade authFacade(
            AuthSettings settings,
            AuthStores stores,
            ObjectProvider<OtpSender> sender,
            ObjectProvider<AuthEventListener> listeners,
            ObjectProvider<UnaryOperator<NewUser>> newUserCustomizer,
            ObjectProvider<Clock> clock,
            ObjectProvider<MeterRegistry> meterRegistry) {
        OtpSender otpSender = sender.getIfUnique();
        if (otpSender == null) {
            throw new MissingOtpSenderException();
        }
        AuthEventListener listener = AuthEventListener.logging();
        for (AuthEventListener each : listeners.orderedStream().toList()) {
            listener = listener.andThen(each);
        }
        AuthFacade.Builder builder =
                AuthFacade.builder().settings(settings).stores(stores).otpSender(otpSender);
        MeterRegistry registry = meterRegistry.getIfUnique();
        if (registry != null) {
            LatchkeyMetrics metrics = new LatchkeyMetrics(registry);
            listener = listener.andThen(metrics);
            builder.stores(MeteredStores.wrap(stores, registry)).operationObserver(metrics);
        }
        builder.eventListener(listener);
        newUserCustomizer.ifUnique(builder::newUserCustomizer);
        clock.ifUnique(builder::clock);
        return builder.build();
    }

    /** The auth endpoints, with the example server's HTTP contract, on the application's servlet container. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(ServletRegistrationBean.class)
    @ConditionalOnProperty(name = LatchkeyProperties.ENDPOINTS_ENABLED, havingValue = "true", matchIfMissing = true)
    static class Endpoints {
        @Bean
        ServletRegistrationBean<AuthEndpointsServlet> latchkeyEndpoints(AuthFacade auth, ObjectProvider<Clock> clock) {
            ServletRegistrationBean<AuthEndpointsServlet> registration = new ServletRegistrationBean<>(
                    new AuthEndpointsServlet(auth, clock.getIfUnique(Clock::systemUTC)),
                    AuthEndpointsServlet.URL_PATTERNS.toArray(String[]::new));
            registration.setName("latchkeyEndpoints");
            return registration;
        }
    }

    /** Bearer authentication for applications that have Spring Security but no security filter chain of their own. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(SecurityFilterChain.class)
    static class Security {
        @Bean
        @ConditionalOnMissingBean
        LatchkeyAuthenticationProvider latchkeyAuthenticationProvider(AuthFacade auth) {
            return new LatchkeyAuthenticationProvider(auth);
        }

        @Bean
        @ConditionalOnMissingBean(SecurityFilterChain.class)
        SecurityFilterChain latchkeySecurityFilterChain(HttpSecurity http, AuthFacade auth) throws Exception {
            LatchkeySecurity.configure(http, auth)
                    .authorizeHttpRequests(requests -> requests.requestMatchers(LatchkeySecurity.publicPaths())
                            .permitAll()
                            .anyRequest()
                            .authenticated());
            return http.build();
        }
    }

    /** The {@code latchkey} Actuator health component. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class HealthContribution {
        @Bean
        @ConditionalOnMissingBean(name = "latchkeyHealthIndicator")
        LatchkeyHealthIndicator latchkeyHealthIndicator(AuthFacade auth) {
            return new LatchkeyHealthIndicator(auth);
        }
    }
}
