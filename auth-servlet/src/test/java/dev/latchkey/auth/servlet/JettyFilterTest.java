package dev.latchkey.auth.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.AuthPrincipal;
import dev.latchkey.auth.AuthSettings;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.OtpMessage;
import dev.latchkey.auth.store.memory.MemoryStores;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The filter and the endpoints servlet in a real Jetty 12.1 (ee10), driven by real HTTP requests. */
class JettyFilterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TENANT = "acme";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<OtpMessage> sent = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newHttpClient();
    private Server server;
    private String base;

    @BeforeEach
    void startJetty() throws Exception {
        AuthFacade auth = AuthFacade.builder()
                .settings(AuthSettings.fromEnv(Map.of(
                        "JWT_SECRET", "Xk3P9vQ2mZ7rT1wY5nB8cF4hJ6sL0dG3aV7eU2iO9pR",
                        "OTP_HASH_SECRET", "q8Zr1vT0xN4mW7kB2yH5cJ9pL3sD6fG0aE1uR4iO7nV")))
                .stores(MemoryStores.create())
                .otpSender(sent::add)
                .clock(clock)
                .newUserCustomizer(JettyFilterTest::adminsByAddress)
                .build();
        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(
                new FilterHolder(LatchkeyFilter.builder(auth)
                        .permitAll(AuthEndpointsServlet.PUBLIC_PATHS)
                        .permitAll("/public/*")
                        .require("/admin/*", "admin")
                        .requirePermissions("/reports/*", "reports:read")
                        .build()),
                "/*",
                EnumSet.of(DispatcherType.REQUEST));
        ServletHolder endpoints = new ServletHolder(new AuthEndpointsServlet(auth, clock));
        for (String pattern : AuthEndpointsServlet.URL_PATTERNS) {
            context.addServlet(endpoints, pattern);
        }
        context.addServlet(new ServletHolder(new WhoAmI()), "/*");
        server = new Server(0);
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @AfterEach
    void stopJetty() throws Exception {
        server.stop();
    }

    /** Users whose address starts with {@code admin} become administrators, to test the role rules. */
    private static NewUser adminsByAddress(NewUser user) {
        if (user.email() == null || !user.email().startsWith("admin")) {
            return user;
        }
        return new NewUser(
                user.id(), user.tenantId(), user.email(), user.mobile(), user.name(), "admin", Set.of("reports:read"));
    }

    @Test
    void drivesTheWholeLifeCycleOverHttp() throws Exception {
        JsonNode login = login("ada@example.com");
        String access = login.get("accessToken").asText();
        assertThat(login.get("tokenType").asText()).isEqualTo("Bearer");
        assertThat(login.get("expiresIn").asLong()).isEqualTo(900);

        HttpResponse<String> me = get("/api/me", access);
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.body())
                .contains("remoteUser=" + login.get("user").get("id").asText())
                .contains("member=true")
                .contains("admin=false")
                .contains("authType=Bearer")
                .contains("attribute=" + login.get("user").get("id").asText());

        HttpResponse<String> session = get("/api/auth/session", access);
        assertThat(session.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(session.body()).get("user").get("email").asText())
                .isEqualTo("ada@example.com");

        HttpResponse<String> refreshed = post(
                "/api/auth/refresh",
                null,
                Map.of("refreshToken", login.get("refreshToken").asText()));
        assertThat(refreshed.statusCode()).isEqualTo(200);
        String newAccess = JSON.readTree(refreshed.body()).get("accessToken").asText();

        HttpResponse<String> signOut = post("/api/auth/signout", newAccess, null);
        assertThat(signOut.statusCode()).isEqualTo(204);
        assertThat(signOut.headers().firstValue("Cache-Control")).hasValue("no-store");

        assertUnauthorized(get("/api/me", newAccess));
    }

    @Test
    void rejectsMissingMalformedAndForeignTokensWith401AndWwwAuthenticate() throws Exception {
        assertUnauthorized(get("/api/me", null));
        assertUnauthorized(get("/api/me", "not-a-token"));
        assertUnauthorized(get("/api/me", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"));
    }

    @Test
    void rejectsExpiredTokenWith401AndWwwAuthenticate() throws Exception {
        String access = login("ada@example.com").get("accessToken").asText();
        assertThat(get("/api/me", access).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(16));
        assertUnauthorized(get("/api/me", access));
    }

    @Test
    void refusesAMemberOnAnAdminPathWith403AndLetsTheAdminIn() throws Exception {
        String member = login("ada@example.com").get("accessToken").asText();
        String admin = login("admin@example.com").get("accessToken").asText();

        HttpResponse<String> refused = get("/admin/users", member);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"insufficient_scope\"");
        assertThat(JSON.readTree(refused.body()).get("error").asText()).isEqualTo("forbidden");
        assertThat(get("/admin", member).statusCode()).as("the prefix itself").isEqualTo(403);
        assertThat(get("/reports/q1", member).statusCode()).isEqualTo(403);
        assertThat(get("/administrator", member).statusCode())
                .as("/admin/* is a path prefix, not a string prefix")
                .isEqualTo(200);

        HttpResponse<String> allowed = get("/admin/users", admin);
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.body()).contains("admin=true");
        assertThat(get("/reports/q1", admin).statusCode()).isEqualTo(200);
    }

    @Test
    void permittedPathsNeedNoTokenAndIgnoreABadOne() throws Exception {
        HttpResponse<String> anonymous = get("/public/info", null);
        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(anonymous.body()).contains("remoteUser=null");
        assertThat(get("/public/info", "garbage").statusCode()).isEqualTo(200);

        String access = login("ada@example.com").get("accessToken").asText();
        assertThat(get("/public/info", access).body()).contains("member=true");
        assertThat(get("/.well-known/jwks.json", null).body()).contains("\"keys\"");
    }

    @Test
    void endpointErrorsFollowTheHttpContract() throws Exception {
        HttpResponse<String> plainText = client.send(
                HttpRequest.newBuilder(URI.create(base + "/api/auth/send-otp"))
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"tenantId\":\"acme\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(plainText, 415, "unsupported_media_type");
        assertError(post("/api/auth/send-otp", null, "{\"tenantId\":"), 400, "invalid_request");
        assertError(post("/api/auth/send-otp", null, Map.of("tenantId", TENANT)), 400, "invalid_request");
        assertUnauthorized(get("/api/auth/nope", null));
        String access = login("cy@example.com").get("accessToken").asText();
        assertError(get("/api/auth/nope", access), 404, "not_found");
        HttpResponse<String> wrongMethod = get("/api/auth/send-otp", null);
        assertError(wrongMethod, 405, "method_not_allowed");
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");

        HttpResponse<String> first =
                post("/api/auth/send-otp", null, Map.of("tenantId", TENANT, "email", "bo@example.com"));
        assertThat(first.statusCode()).isEqualTo(202);
        String challengeId = JSON.readTree(first.body()).get("challengeId").asText();
        HttpResponse<String> again =
                post("/api/auth/send-otp", null, Map.of("tenantId", TENANT, "email", "bo@example.com"));
        assertError(again, 429, "rate_limited");
        assertThat(again.headers().firstValue("Retry-After")).hasValue("60");

        HttpResponse<String> wrongCode = post(
                "/api/auth/verify-otp",
                null,
                Map.of(
                        "tenantId",
                        TENANT,
                        "email",
                        "bo@example.com",
                        "challengeId",
                        challengeId,
                        "code",
                        wrong(sent.get(0).code())));
        assertError(wrongCode, 401, "invalid_code");
        assertError(post("/api/auth/refresh", null, Map.of("refreshToken", "nope")), 401, "invalid_token");
    }

    private static String wrong(String code) {
        return code.equals("123456") ? "654321" : "123456";
    }

    private JsonNode login(String email) throws Exception {
        HttpResponse<String> sentAnswer = post("/api/auth/send-otp", null, Map.of("tenantId", TENANT, "email", email));
        assertThat(sentAnswer.statusCode()).isEqualTo(202);
        JsonNode dispatch = JSON.readTree(sentAnswer.body());
        assertThat(dispatch.get("expiresIn").asLong()).isEqualTo(300);
        String code = sent.get(sent.size() - 1).code();
        HttpResponse<String> verified = post(
                "/api/auth/verify-otp",
                null,
                Map.of(
                        "tenantId",
                        TENANT,
                        "email",
                        email,
                        "challengeId",
                        dispatch.get("challengeId").asText(),
                        "code",
                        code));
        assertThat(verified.statusCode()).as(verified.body()).isEqualTo(200);
        assertThat(verified.headers().firstValue("Cache-Control")).hasValue("no-store");
        return JSON.readTree(verified.body());
    }

    private static void assertUnauthorized(HttpResponse<String> response) throws IOException {
        assertError(response, 401, "invalid_token");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
    }

    private static void assertError(HttpResponse<String> response, int status, String code) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("error").asText()).isEqualTo(code);
        assertThat(body.get("message").asText()).isNotBlank();
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String token, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        if (body == null) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            String text = body instanceof String raw ? raw : JSON.writeValueAsString(body);
            request.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8));
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The application behind the filter: reports what the request says about its caller. */
    private static final class WhoAmI extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String attribute = LatchkeyFilter.principal(request)
                    .map(AuthPrincipal::userId)
                    .map(Object::toString)
                    .orElse("none");
            response.setContentType("text/plain");
            response.getWriter()
                    .printf(
                            "remoteUser=%s principal=%s member=%s admin=%s authType=%s attribute=%s",
                            request.getRemoteUser(),
                            request.getUserPrincipal() == null
                                    ? null
                                    : request.getUserPrincipal().getName(),
                            request.isUserInRole("member"),
                            request.isUserInRole("admin"),
                            request.getAuthType(),
                            attribute);
        }
    }
}
