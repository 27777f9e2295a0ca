package dev.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The generic OpenID Connect provider ({@code OIDC_*}) against an independent implementation, NAV's
 * mock-oauth2-server: discovery, PKCE, nonce, the token endpoint and ID token validation are all theirs, not our
 * fake's.
 */
class MockOAuth2ServerSignInTest {
    private static final String CLIENT_ID = "latchkey-example";

    private final MockOAuth2Server provider = new MockOAuth2Server();
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private ExampleServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        provider.shutdown();
    }

    @Test
    void aGenericOpenIdConnectProviderSignsAUserInThroughTheExampleServer() throws Exception {
        provider.start(InetAddress.getLoopbackAddress(), 0);
        String issuer = provider.issuerUrl("default").toString();
        server = ExampleServer.start(
                TestServers.env(
                        "OIDC_ISSUER",
                        issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer,
                        "OIDC_CLIENT_ID",
                        CLIENT_ID,
                        "OIDC_CLIENT_SECRET",
                        "mock-oauth2-server-accepts-any-secret",
                        "OIDC_PROVIDER_ID",
                        "sso"),
                new TestInbox(),
                Clock.systemUTC());
        provider.enqueueCallback(new DefaultOAuth2TokenCallback(
                "default",
                "mock-subject-1",
                "JWT",
                List.of(CLIENT_ID),
                Map.of("email", "ada@example.com", "email_verified", true),
                300));

        HttpResponse<String> start = get(server.baseUri() + "/api/auth/oauth/sso/start?tenantId=acme", null);
        assertThat(start.statusCode()).isEqualTo(303);
        String cookie = start.headers().firstValue("Set-Cookie").orElseThrow();
        String authorize = start.headers().firstValue("Location").orElseThrow();
        assertThat(authorize).contains("code_challenge_method=S256", "nonce=");
        String callback = get(authorize, null).headers().firstValue("Location").orElseThrow();
        HttpResponse<String> finished = get(callback, cookie.substring(0, cookie.indexOf(';')));
        String location = finished.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/?oauth_code=");

        HttpResponse<String> tokens = http.send(
                HttpRequest.newBuilder(URI.create(server.baseUri() + "/api/auth/oauth/exchange"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"code\":\"" + location.substring("/?oauth_code=".length()) + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode answer = JsonRequest.MAPPER.readTree(tokens.body());
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        assertThat(answer.get("user").get("email").asText()).isEqualTo("ada@example.com");
    }

    private HttpResponse<String> get(String uri, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).GET();
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
