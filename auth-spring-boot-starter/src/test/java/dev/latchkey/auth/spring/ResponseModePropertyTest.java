package dev.latchkey.auth.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.ConfigurationException;
import dev.latchkey.auth.oauth.OAuthLogin;
import dev.latchkey.auth.oauth.OAuthProvider.ResponseMode;
import dev.latchkey.auth.spi.OtpSender;
import dev.latchkey.auth.testkit.FakeOidcProvider;
import jakarta.servlet.Servlet;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * {@code latchkey.oauth.<provider>.response-mode}: it reaches the provider, so the start endpoint asks for {@code
 * response_mode=form_post} and sets a {@code SameSite=None} transaction cookie (the browser sends no {@code Lax} cookie
 * with the provider's cross-site POST); without it the flow stays query with {@code SameSite=Lax}; an unknown value
 * stops start-up naming the property. The form_post round trip over HTTP is examples-spring-boot's {@code
 * ExternalSignInOverHttpTest}.
 */
class ResponseModePropertyTest {
    private static final FakeOidcProvider IDP = FakeOidcProvider.start();

    private final WebApplicationContextRunner web = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    LatchkeyAutoConfiguration.class,
                    LatchkeyOAuthAutoConfiguration.class,
                    SecurityAutoConfiguration.class,
                    ServletWebSecurityAutoConfiguration.class))
            .withPropertyValues(
                    "latchkey.jwt-secret=Xk3P9vQ2mZ7rT1wY5nB8cF4hJ6sL0dG3aV7eU2iO9pR",
                    "latchkey.otp-hash-secret=q8Zr1vT0xN4mW7kB2yH5cJ9pL3sD6fG0aE1uR4iO7nV",
                    "latchkey.oauth.public-base-url=https://app.example.com",
                    "latchkey.oauth.oidc.client-id=" + FakeOidcProvider.CLIENT_ID,
                    "latchkey.oauth.oidc.client-secret=" + FakeOidcProvider.CLIENT_SECRET,
                    "latchkey.oauth.oidc.issuer=" + IDP.issuer())
            .withBean(OtpSender.class, () -> message -> {});

    @AfterAll
    static void stopProvider() {
        IDP.close();
    }

    @Test
    void formPostReachesTheProviderAndTheStartSetsASameSiteNoneCookie() {
        web.withPropertyValues("latchkey.oauth.oidc.response-mode=form_post").run(context -> {
            assertThat(mode(context, "oidc")).isEqualTo(ResponseMode.FORM_POST);

            MockHttpServletResponse start = start(context);

            assertThat(start.getStatus()).as(start.getContentAsString()).isEqualTo(303);
            assertThat(start.getHeader("Set-Cookie"))
                    .contains("SameSite=None", "Secure", "HttpOnly", "Path=/api/auth/oauth/oidc/callback");
            assertThat(FakeOidcProvider.form(
                                    URI.create(start.getHeader("Location")).getRawQuery())
                            .get("response_mode"))
                    .isEqualTo("form_post");
        });
    }

    @Test
    void withoutThePropertyTheFlowIsQueryWithASameSiteLaxCookie() {
        web.run(context -> {
            assertThat(mode(context, "oidc")).isEqualTo(ResponseMode.QUERY);

            MockHttpServletResponse start = start(context);

            assertThat(start.getStatus()).as(start.getContentAsString()).isEqualTo(303);
            assertThat(start.getHeader("Set-Cookie")).contains("SameSite=Lax").doesNotContain("SameSite=None");
            assertThat(FakeOidcProvider.form(
                            URI.create(start.getHeader("Location")).getRawQuery()))
                    .doesNotContainKey("response_mode");
        });
    }

    @Test
    void everyPresetTakesItsOwnResponseMode() {
        web.withPropertyValues(
                        "latchkey.oauth.google.client-id=g",
                        "latchkey.oauth.google.client-secret=g-secret",
                        "latchkey.oauth.google.response-mode=FORM_POST",
                        "latchkey.oauth.microsoft.client-id=m",
                        "latchkey.oauth.microsoft.client-secret=m-secret",
                        "latchkey.oauth.microsoft.response-mode=form_post",
                        "latchkey.oauth.linkedin.client-id=l",
                        "latchkey.oauth.linkedin.client-secret=l-secret",
                        "latchkey.oauth.linkedin.response-mode=query")
                .run(context -> {
                    assertThat(Map.of(
                                    "google", mode(context, "google"),
                                    "microsoft", mode(context, "microsoft"),
                                    "linkedin", mode(context, "linkedin"),
                                    "oidc", mode(context, "oidc")))
                            .isEqualTo(Map.of(
                                    "google", ResponseMode.FORM_POST,
                                    "microsoft", ResponseMode.FORM_POST,
                                    "linkedin", ResponseMode.QUERY,
                                    "oidc", ResponseMode.QUERY));
                });
    }

    @Test
    void anUnknownResponseModeFailsStartUpNamingTheProperty() {
        for (String property : List.of("latchkey.oauth.oidc.response-mode", "latchkey.oauth.google.response-mode")) {
            web.withPropertyValues(
                            "latchkey.oauth.google.client-id=g",
                            "latchkey.oauth.google.client-secret=g-secret",
                            property + "=fragment")
                    .run(context -> {
                        assertThat(context).hasFailed();
                        ConfigurationException failure = rootCause(context.getStartupFailure());
                        assertThat(failure.setting()).isEqualTo(property);
                        assertThat(failure.expected()).isEqualTo("query or form_post");
                        FailureAnalysis analysis = new LatchkeyFailureAnalyzer().analyze(context.getStartupFailure());
                        assertThat(analysis.getDescription()).contains(property, "is not a known response mode");
                        assertThat(analysis.getAction()).contains("Set " + property + " to query or form_post");
                    });
        }
    }

    private static ResponseMode mode(AssertableWebApplicationContext context, String provider) {
        return context.getBean(OAuthLogin.class)
                .provider(provider)
                .orElseThrow()
                .responseMode();
    }

    /** {@code GET /api/auth/oauth/oidc/start?tenantId=acme} through the starter's servlet. */
    private static MockHttpServletResponse start(AssertableWebApplicationContext context) throws Exception {
        Servlet endpoints = context.getBean("latchkeyOAuthEndpoints", ServletRegistrationBean.class)
                .getServlet();
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/auth/oauth/oidc/start");
        request.setServletPath("/api/auth/oauth");
        request.setPathInfo("/oidc/start");
        request.setParameter("tenantId", "acme");
        MockHttpServletResponse response = new MockHttpServletResponse();
        endpoints.service(request, response);
        return response;
    }

    private static ConfigurationException rootCause(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConfigurationException configuration) {
                return configuration;
            }
        }
        throw new AssertionError("no ConfigurationException in " + failure);
    }
}
