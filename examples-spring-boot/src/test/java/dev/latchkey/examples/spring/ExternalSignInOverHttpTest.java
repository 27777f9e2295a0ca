package dev.latchkey.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.auth.oauth.OAuthLogin;
import dev.latchkey.auth.testkit.FakeOidcProvider;
import dev.latchkey.auth.testkit.FakeOidcProvider.Account;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Sign-in with an external provider through the starter's endpoints, against auth-testkit's in-JVM OpenID Connect
 * provider, on the real PostgreSQL and Redis: start, the provider's authorize, the callback with the transaction
 * cookie, the exchange of the single-use code, and the token pair on a protected route; and the same through a second
 * provider configured with {@code response-mode=form_post}, whose answer is a form POSTed to the callback. The redirect
 * URI is the configured public base URL, so the application runs on a port chosen before it starts.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class ExternalSignInOverHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUN =
            UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final String SCHEMA = "latchkey_spring_oauth_" + RUN;
    private static final FakeOidcProvider IDP = FakeOidcProvider.start();
    private static final FakeOidcProvider FORM_POST_IDP = FakeOidcProvider.start();
    private static final int PORT = freePort();
    private static final String BASE = "http://127.0.0.1:" + PORT;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry properties) {
        properties.add("server.port", () -> PORT);
        properties.add("latchkey.jwt-secret", () -> "Xk3P9vQ2mZ7rT1wY5nB8cF4hJ6sL0dG3aV7eU2iO9pR");
        properties.add("latchkey.otp-hash-secret", () -> "q8Zr1vT0xN4mW7kB2yH5cJ9pL3sD6fG0aE1uR4iO7nV");
        properties.add("latchkey.database-schema", () -> SCHEMA);
        properties.add("latchkey.redis-key-prefix", () -> "latchkey-spring-oauth-test-" + RUN + ":");
        properties.add("latchkey.oauth.public-base-url", () -> BASE);
        properties.add("latchkey.oauth.return-paths", () -> "/, /account");
        properties.add("latchkey.oauth.google.client-id", () -> FakeOidcProvider.CLIENT_ID);
        properties.add("latchkey.oauth.google.client-secret", () -> FakeOidcProvider.CLIENT_SECRET);
        properties.add("latchkey.oauth.google.issuer", IDP::issuer);
        properties.add("latchkey.oauth.oidc.client-id", () -> FakeOidcProvider.CLIENT_ID);
        properties.add("latchkey.oauth.oidc.client-secret", () -> FakeOidcProvider.CLIENT_SECRET);
        properties.add("latchkey.oauth.oidc.issuer", FORM_POST_IDP::issuer);
        properties.add("latchkey.oauth.oidc.response-mode", () -> "form_post");
    }

    @Autowired
    OAuthLogin oauth;

    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @AfterAll
    static void cleanUp() throws Exception {
        IDP.close();
        FORM_POST_IDP.close();
        try (Connection connection =
                        DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    @Test
    void startCallbackAndExchangeGiveATokenPairThatTheApplicationAccepts() throws Exception {
        assertThat(oauth.providerIds()).containsExactlyInAnyOrder("google", "oidc");
        IDP.signInAs(Account.verified("g-spring-1", "ada.oauth@example.com"));

        HttpResponse<String> start = get(BASE + "/api/auth/oauth/google/start?tenantId=acme&returnTo=/account", null);
        assertThat(start.statusCode()).as(start.body()).isEqualTo(303);
        String cookie = start.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).contains("HttpOnly", "Secure", "SameSite=Lax", "Path=/api/auth/oauth/google/callback");
        URI authorize = URI.create(start.headers().firstValue("Location").orElseThrow());
        assertThat(authorize.toString()).startsWith(IDP.baseUri() + "/authorize?");
        assertThat(authorize.getQuery()).contains("redirect_uri=" + BASE + "/api/auth/oauth/google/callback");

        String callback =
                get(authorize.toString(), null).headers().firstValue("Location").orElseThrow();
        assertThat(callback).startsWith(BASE + "/api/auth/oauth/google/callback?");
        HttpResponse<String> finished = get(callback, cookie.substring(0, cookie.indexOf(';')));
        assertThat(finished.statusCode()).as(finished.body()).isEqualTo(303);
        String location = finished.headers().firstValue("Location").orElseThrow();
        assertThat(location)
                .startsWith("/account?oauth_code=")
                .doesNotContain("eyJ")
                .doesNotContainIgnoringCase("token");
        assertThat(finished.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");

        String code = location.substring("/account?oauth_code=".length());
        HttpResponse<String> exchanged = exchange(code);
        assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
        assertThat(exchanged.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode tokens = JSON.readTree(exchanged.body());
        assertThat(tokens.get("user").get("email").asText()).isEqualTo("ada.oauth@example.com");
        assertThat(tokens.get("refreshToken").asText()).isNotEmpty();

        HttpResponse<String> me =
                get(BASE + "/api/me", null, tokens.get("accessToken").asText());
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        assertThat(JSON.readTree(me.body()).get("user").get("id").asText())
                .isEqualTo(tokens.get("user").get("id").asText());

        HttpResponse<String> again = exchange(code);
        assertThat(again.statusCode()).as("single use").isEqualTo(400);
        assertThat(JSON.readTree(again.body()).get("error").asText()).isEqualTo("invalid_code");
    }

    @Test
    void aFormPostProviderPostsItsAnswerToTheCallbackWithTheSameSiteNoneCookie() throws Exception {
        FORM_POST_IDP.signInAs(Account.verified("sso-spring-1", "grace.formpost@example.com"));

        HttpResponse<String> start = get(BASE + "/api/auth/oauth/oidc/start?tenantId=acme&returnTo=/account", null);
        assertThat(start.statusCode()).as(start.body()).isEqualTo(303);
        String cookie = start.headers().firstValue("Set-Cookie").orElseThrow();
        // None, not Lax: a browser sends no Lax cookie with the provider page's cross-site POST.
        assertThat(cookie).contains("HttpOnly", "Secure", "SameSite=None", "Path=/api/auth/oauth/oidc/callback");

        HttpResponse<String> page = get(start.headers().firstValue("Location").orElseThrow(), null);
        assertThat(FORM_POST_IDP.lastAuthorizationRequest()).containsEntry("response_mode", "form_post");
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        FakeOidcProvider.AnswerForm form = FakeOidcProvider.answerForm(page.body());
        assertThat(form.action()).isEqualTo(BASE + "/api/auth/oauth/oidc/callback");
        assertThat(form.fields()).containsKeys("code", "state");

        HttpResponse<String> finished =
                postForm(form.action(), form.fields(), cookie.substring(0, cookie.indexOf(';')));
        assertThat(finished.statusCode()).as(finished.body()).isEqualTo(303);
        String location = finished.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/account?oauth_code=");
        assertThat(finished.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0", "SameSite=None");

        HttpResponse<String> exchanged = exchange(location.substring("/account?oauth_code=".length()));
        assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
        JsonNode tokens = JSON.readTree(exchanged.body());
        assertThat(tokens.get("user").get("email").asText()).isEqualTo("grace.formpost@example.com");
        HttpResponse<String> me =
                get(BASE + "/api/me", null, tokens.get("accessToken").asText());
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
    }

    @Test
    void aCallbackWithoutTheTransactionCookieIsRefusedWithTheErrorCodeOnly() throws Exception {
        IDP.signInAs(Account.verified("g-spring-2", "eve.oauth@example.com"));
        HttpResponse<String> start = get(BASE + "/api/auth/oauth/google/start?tenantId=acme", null);
        String callback = get(start.headers().firstValue("Location").orElseThrow(), null)
                .headers()
                .firstValue("Location")
                .orElseThrow();

        HttpResponse<String> finished = get(callback, null);

        assertThat(finished.statusCode()).isEqualTo(303);
        assertThat(finished.headers().firstValue("Location")).hasValue("/?oauth_error=oauth_failed");
    }

    @Test
    void aReturnPathOutsideTheAllowListIsRefusedWithTheTypedError() throws Exception {
        HttpResponse<String> start =
                get(BASE + "/api/auth/oauth/google/start?tenantId=acme&returnTo=//evil.example", null);

        assertThat(start.statusCode()).isEqualTo(401);
        assertThat(start.headers().firstValue("Location")).isEmpty();
        assertThat(JSON.readTree(start.body()).get("error").asText()).isEqualTo("oauth_failed");
    }

    @Test
    void theProvidersListNamesTheConfiguredProvider() throws Exception {
        HttpResponse<String> list = get(BASE + "/api/auth/oauth/providers", null);

        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(list.body()).get("providers"))
                .isEqualTo(JSON.readTree(
                        "[{\"id\":\"google\",\"name\":\"Google\"},{\"id\":\"oidc\",\"name\":\"single sign-on\"}]"));
    }

    private HttpResponse<String> exchange(String code) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(BASE + "/api/auth/oauth/exchange"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("code", code))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The provider page's form as the browser submits it: {@code application/x-www-form-urlencoded}. */
    private HttpResponse<String> postForm(String uri, Map<String, String> fields, String cookie) throws Exception {
        String body = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return http.send(
                HttpRequest.newBuilder(URI.create(uri))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Cookie", cookie)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String uri, String cookie, String... bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).GET();
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        if (bearer.length > 0) {
            request.header("Authorization", "Bearer " + bearer[0]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
