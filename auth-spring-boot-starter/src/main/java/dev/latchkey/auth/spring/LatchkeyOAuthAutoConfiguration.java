package dev.latchkey.auth.spring;

import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.AuthSettings;
import dev.latchkey.auth.oauth.OAuthLogin;
import dev.latchkey.auth.spi.AuthStores;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Sign-in with external providers when {@code dev.latchkey:auth-oauth} is on the class path: an {@link OAuthLogin}
 * from the {@code latchkey.oauth.*} properties (when a provider's client id is set and the application has no {@code
 * OAuthLogin} bean of its own), and in a servlet web application its endpoints under {@code /api/auth/oauth/}, with
 * the example server's contract (unless {@value LatchkeyProperties#ENDPOINTS_ENABLED} is false).
 */
@AutoConfiguration(after = LatchkeyAutoConfiguration.class)
@ConditionalOnClass(OAuthLogin.class)
public class LatchkeyOAuthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @Conditional(OAuthProperties.AnyProvider.class)
    OAuthLogin latchkeyOAuthLogin(
            Environment environment,
            AuthFacade auth,
            AuthSettings settings,
            AuthStores stores,
            ObjectProvider<Clock> clock) {
        return OAuthProperties.login(environment, auth, settings, stores, clock.getIfUnique(Clock::systemUTC));
    }

    /** The start, callback, exchange and providers endpoints. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(ServletRegistrationBean.class)
    @ConditionalOnProperty(name = LatchkeyProperties.ENDPOINTS_ENABLED, havingValue = "true", matchIfMissing = true)
    static class Endpoints {
        @Bean
        ServletRegistrationBean<OAuthEndpointsServlet> latchkeyOAuthEndpoints(
                AuthFacade auth,
                ObjectProvider<OAuthLogin> oauth,
                ObjectProvider<Clock> clock,
                Environment environment) {
            ServletRegistrationBean<OAuthEndpointsServlet> registration = new ServletRegistrationBean<>(
                    new OAuthEndpointsServlet(
                            auth,
                            oauth.getIfUnique(),
                            OAuthProperties.displayNames(environment),
                            clock.getIfUnique(Clock::systemUTC)),
                    OAuthEndpointsServlet.PREFIX + "*");
            registration.setName("latchkeyOAuthEndpoints");
            return registration;
        }
    }
}
