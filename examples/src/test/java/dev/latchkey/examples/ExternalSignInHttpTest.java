package dev.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.auth.testkit.FakeOidcProvider;
import dev.latchkey.auth.testkit.FakeOidcProvider.Account;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The example's sign-in endpoints over plain HTTP against the fake provider: no token ever travels in a URL. */
class ExternalSignInHttpTest {
    private final FakeOidcProvider idp = FakeOidcProvider.start();
    private final TestInbox inbox = new TestInbox();
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final ExampleServer server = ExampleServer.start(
            TestServers.env(
                    "GOOGLE_CLIENT_ID", FakeOidcProvider.CLIENT_ID,
                    "GOOGLE_CLIENT_SECRET", FakeOidcProvider.CLIENT_SECRET,
                    "GOOGLE_ISSUER", idp.issuer()),
            inbox,
            Clock.systemUTC());

    @AfterEach
    void stop() {
        server.close();
        idp.close();
    }

    @Test
    void theCallbackRedirectsWithASingleUseCodeThatThePageTradesForTheTokenPair() throws Exception {
        idp.signInAs(Account.verified("g-1", "ada@example.com"));

        HttpResponse<String> start = get(server.baseUri() + "/api/auth/oauth/google/start?tenantId=acme&returnTo=/");
        assertThat(start.statusCode()).isEqualTo(303);
        String cookie = start.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).contains("HttpOnly", "Secure", "SameSite=Lax", "Path=/api/auth/oauth/google/callback");
        URI authorize = URI.create(start.headers().firstValue("Location").orElseThrow());
        assertThat(authorize.toString()).startsWith(idp.baseUri() + "/authorize?");
        assertThat(authorize.getQuery())
                .contains("redirect_uri=" + server.baseUri() + "/api/auth/oauth/google/callback");

        String callback =
                get(authorize.toString()).headers().firstValue("Location").orElseThrow();
        HttpResponse<String> finished = get(callback, cookie.substring(0, cookie.indexOf(';')));
        assertThat(finished.statusCode()).isEqualTo(303);
        String location = finished.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/?oauth_code=").doesNotContain("eyJ").doesNotContainIgnoringCase("token");
        assertThat(finished.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");

        String code = location.substring("/?oauth_code=".length());
        HttpResponse<String> exchanged = post("/api/auth/oauth/exchange", "{\"code\":\"" + code + "\"}");
        assertThat(exchanged.statusCode()).isEqualTo(200);
        JsonNode tokens = JsonRequest.MAPPER.readTree(exchanged.body());
        assertThat(tokens.get("user").get("email").asText()).isEqualTo("ada@example.com");
        assertThat(tokens.get("accessToken").asText()).isNotEmpty();

        HttpResponse<String> again = post("/api/auth/oauth/exchange", "{\"code\":\"" + code + "\"}");
        assertThat(again.statusCode()).as("single use").isEqualTo(400);
    }

    @Test
    void aRefusedCallbackRedirectsWithTheErrorCodeOnly() throws Exception {
        idp.denyWith("access_denied");
        HttpResponse<String> start = get(server.baseUri() + "/api/auth/oauth/google/start?tenantId=acme");
        String cookie = start.headers().firstValue("Set-Cookie").orElseThrow();
        String callback = get(start.headers().firstValue("Location").orElseThrow())
                .headers()
                .firstValue("Location")
                .orElseThrow();

        HttpResponse<String> finished = get(callback, cookie.substring(0, cookie.indexOf(';')));

        assertThat(finished.headers().firstValue("Location")).contains("/?oauth_error=oauth_failed");
    }

    @Test
    void anOpenRedirectInTheReturnPathIsRefused() throws Exception {
        HttpResponse<String> start =
                get(server.baseUri() + "/api/auth/oauth/google/start?tenantId=acme&returnTo=//evil.example");

        assertThat(start.statusCode()).isEqualTo(401);
        assertThat(start.headers().firstValue("Location")).isEmpty();
        assertThat(JsonRequest.MAPPER.readTree(start.body()).get("error").asText())
                .isEqualTo("oauth_failed");
    }

    @Test
    void theProvidersListNamesTheConfiguredProviders() throws Exception {
        HttpResponse<String> list = get(server.baseUri() + "/api/auth/oauth/providers");

        assertThat(JsonRequest.MAPPER.readTree(list.body()).get("providers").toString())
                .isEqualTo("[{\"id\":\"google\",\"name\":\"Google\"}]"
                        .replace(
                                "{\"id\":\"google\",\"name\":\"Google\"}",
                                JsonRequest.MAPPER.writeValueAsString(Map.of("id", "google", "name", "Google"))));
    }

    @Test
    void theLoginPageIsServedWithAPolicyThatAllowsOnlyItsOwnScriptAndSendsNoReferrer() throws Exception {
        HttpResponse<String> page = get(server.baseUri() + "/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("script-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline");
        assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        assertThat(page.body()).contains("<script src=\"/app.js\"></script>").doesNotContain("<script>");
        assertThat(get(server.baseUri() + "/app.js").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> get(String uri, String... cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).GET();
        if (cookie.length > 0) {
            request.header("Cookie", cookie[0]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(server.baseUri() + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
