package dev.latchkey.auth.spring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.LoginResult;
import dev.latchkey.auth.oauth.AuthorizationStart;
import dev.latchkey.auth.oauth.ExchangeCodes;
import dev.latchkey.auth.oauth.OAuthCompletion;
import dev.latchkey.auth.oauth.OAuthLogin;
import dev.latchkey.auth.oauth.TransactionCookie;
import dev.latchkey.auth.servlet.AuthEndpointsServlet;
import dev.latchkey.auth.servlet.ErrorResponses;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in with external providers, with the example server's HTTP contract, mapped to {@code /api/auth/oauth/*}:
 *
 * <ul>
 *   <li>{@code GET /api/auth/oauth/providers}: the configured providers (an empty list without {@link OAuthLogin});
 *   <li>{@code GET /api/auth/oauth/{provider}/start?tenantId=&returnTo=}: 303 to the provider, with the transaction
 *       cookie;
 *   <li>{@code GET|POST /api/auth/oauth/{provider}/callback}: finishes, then 303 to the return path with {@code
 *       ?oauth_code=<single-use code>}, or to {@code /?oauth_error=<error code>}; never a token in a URL;
 *   <li>{@code POST /api/auth/oauth/exchange} {@code {"code": ...}}: the token pair, once ({@code 400 invalid_code}
 *       otherwise).
 * </ul>
 */
final class OAuthEndpointsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(OAuthEndpointsServlet.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY_BYTES = 16 * 1024;
    static final String PREFIX = "/api/auth/oauth/";

    private final transient AuthFacade auth;
    private final transient @Nullable OAuthLogin oauth;
    private final transient Map<String, String> displayNames;
    private final transient ExchangeCodes codes;
    private final transient Clock clock;

    OAuthEndpointsServlet(AuthFacade auth, @Nullable OAuthLogin oauth, Map<String, String> displayNames, Clock clock) {
        this.auth = auth;
        this.oauth = oauth;
        this.displayNames = Map.copyOf(displayNames);
        this.codes = new ExchangeCodes(clock);
        this.clock = clock;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = (request.getServletPath() == null ? "" : request.getServletPath())
                + (request.getPathInfo() == null ? "" : request.getPathInfo());
        String method = request.getMethod();
        try {
            if (path.equals(PREFIX + "providers")) {
                allow(method, "GET");
                providers(response);
                return;
            }
            if (path.equals(PREFIX + "exchange")) {
                allow(method, "POST");
                exchange(request, response);
                return;
            }
            String[] parts =
                    path.startsWith(PREFIX) ? path.substring(PREFIX.length()).split("/", -1) : new String[0];
            OAuthLogin login = oauth;
            if (login == null || parts.length != 2 || !login.providerIds().contains(parts[0])) {
                throw new Refusal(404, "not_found", "no such endpoint", "");
            }
            if (parts[1].equals("start")) {
                allow(method, "GET");
                start(login, parts[0], request, response);
            } else if (parts[1].equals("callback")) {
                allow(method, "GET", "POST");
                callback(login, parts[0], request, response);
            } else {
                throw new Refusal(404, "not_found", "no such endpoint", "");
            }
        } catch (Refusal e) {
            ErrorResponses.write(
                    response, e.status, e.code, e.text, e.allow.isEmpty() ? Map.of() : Map.of("Allow", e.allow));
        } catch (AuthException e) {
            ErrorResponses.write(response, e);
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", method, path, e);
            ErrorResponses.write(response, 500, "server_error", "internal error", Map.of());
        }
    }

    private void providers(HttpServletResponse response) throws IOException {
        List<Map<String, String>> list = new ArrayList<>();
        OAuthLogin login = oauth;
        for (String id : login == null ? List.<String>of() : new TreeSet<>(login.providerIds())) {
            list.add(Map.of("id", id, "name", displayNames.getOrDefault(id, id)));
        }
        ErrorResponses.writeJson(response, 200, Map.of("providers", list));
    }

    private static void start(
            OAuthLogin oauth, String provider, HttpServletRequest request, HttpServletResponse response) {
        String returnTo = request.getParameter("returnTo");
        AuthorizationStart start =
                oauth.start(provider, request.getParameter("tenantId"), returnTo == null ? "/" : returnTo);
        redirect(response, start.redirect().toString(), start.cookie());
    }

    /** Success is a single-use code in the redirect, failure a stable error code; both delete the flow's cookie. */
    private void callback(OAuthLogin oauth, String provider, HttpServletRequest request, HttpServletResponse response) {
        Map<String, String> params = new LinkedHashMap<>();
        // The first value wins: a parameter repeated to smuggle a second state or code is ignored.
        request.getParameterMap().forEach((name, values) -> {
            if (values.length > 0) {
                params.put(name, values[0]);
            }
        });
        String cookies = String.join("; ", Collections.list(request.getHeaders("Cookie")));
        try {
            OAuthCompletion done = oauth.finish(provider, params, cookies);
            redirect(response, done.returnPath() + "?oauth_code=" + codes.issue(done.login()), done.clearCookie());
        } catch (AuthException e) {
            LOG.info("external sign-in with {} refused: {}", provider, e.code());
            redirect(
                    response,
                    "/?oauth_error=" + URLEncoder.encode(e.code(), StandardCharsets.UTF_8),
                    oauth.clearCookieFor(provider, params).orElse(null));
        }
    }

    private void exchange(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String code = codeOf(request);
        Optional<LoginResult> login = code.length() > 64 ? Optional.empty() : codes.redeem(code);
        if (login.isEmpty()) {
            throw new Refusal(400, "invalid_code", "the sign-in code is unknown, used or expired", "");
        }
        // The session may have been ended in the seconds since: the facade's check says so.
        auth.session(login.get().tokens().accessToken());
        ErrorResponses.writeJson(response, 200, AuthEndpointsServlet.tokenResponse(login.get(), clock.instant()));
    }

    /** The {@code code} of a JSON object body, with the auth endpoints' rules for bodies. */
    private static String codeOf(HttpServletRequest request) throws IOException {
        String type = request.getContentType();
        if (type == null
                || !type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT).equals("application/json")) {
            throw new Refusal(
                    415, "unsupported_media_type", "send the request body as Content-Type: application/json", "");
        }
        byte[] bytes = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            throw new Refusal(
                    413, "request_too_large", "the request body must be at most " + MAX_BODY_BYTES + " bytes", "");
        }
        JsonNode body;
        try {
            body = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw AuthException.invalidRequest("the request body is not valid JSON");
        }
        @Nullable JsonNode code = body == null ? null : body.get("code");
        if (code == null || !code.isTextual()) {
            throw AuthException.invalidRequest("code is required");
        }
        return code.asText();
    }

    private static void redirect(HttpServletResponse response, String location, @Nullable TransactionCookie cookie) {
        response.setStatus(303);
        response.setHeader("Location", location);
        response.setHeader("Cache-Control", "no-store");
        if (cookie != null) {
            response.addHeader("Set-Cookie", cookie.setCookieHeader());
        }
    }

    private static void allow(String method, String... allowed) {
        for (String each : allowed) {
            if (each.equals(method)) {
                return;
            }
        }
        String list = String.join(", ", allowed);
        throw new Refusal(405, "method_not_allowed", "use " + list, list);
    }

    /** An answer other than the facade's. */
    private static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;
        final String text;
        final String allow;

        Refusal(int status, String code, String text, String allow) {
            super(code, null, false, false);
            this.status = status;
            this.code = code;
            this.text = text;
            this.allow = allow;
        }
    }
}
