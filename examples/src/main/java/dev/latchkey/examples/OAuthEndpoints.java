package dev.latchkey.examples;

import com.sun.net.httpserver.HttpExchange;
import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.LoginResult;
import dev.latchkey.auth.oauth.AuthorizationStart;
import dev.latchkey.auth.oauth.ExchangeCodes;
import dev.latchkey.auth.oauth.OAuthCompletion;
import dev.latchkey.auth.oauth.OAuthLogin;
import dev.latchkey.auth.oauth.TransactionCookie;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in with external providers over {@link OAuthLogin}: the two host calls ({@code start}, {@code finish}) as
 * HTTP endpoints, and the exchange that keeps tokens out of URLs.
 *
 * <ul>
 *   <li>{@code GET /api/auth/oauth/providers}: the configured providers, for the page's buttons;
 *   <li>{@code GET /api/auth/oauth/{provider}/start?tenantId=&returnTo=}: 303 to the provider, with the transaction
 *       cookie;
 *   <li>{@code POST /api/auth/oauth/{provider}/link} (Bearer): the same for linking to the signed-in user, answered
 *       as JSON {@code {"redirect": ...}} because a navigation cannot carry the token;
 *   <li>{@code GET|POST /api/auth/oauth/{provider}/callback}: finishes, then 303 to the return path with {@code
 *       ?oauth_code=<single-use code>} (or to {@code /?oauth_error=<error code>});
 *   <li>{@code POST /api/auth/oauth/exchange} {@code {"code": ...}}: the token pair, once.
 * </ul>
 */
final class OAuthEndpoints {
    private static final Logger LOG = LoggerFactory.getLogger(OAuthEndpoints.class);
    private static final int MAX_FORM = 16 * 1024;

    private final AuthFacade auth;
    private final OAuthLogin oauth;
    private final Map<String, String> displayNames;
    private final ExchangeCodes codes;
    private final Function<LoginResult, Map<String, Object>> tokenResponse;

    OAuthEndpoints(
            AuthFacade auth,
            OAuthLogin oauth,
            Map<String, String> displayNames,
            ExchangeCodes codes,
            Function<LoginResult, Map<String, Object>> tokenResponse) {
        this.auth = auth;
        this.oauth = oauth;
        this.displayNames = Map.copyOf(displayNames);
        this.codes = codes;
        this.tokenResponse = tokenResponse;
    }

    /** The providers list when no provider is configured: the page then shows no buttons. */
    static void registerNone(Router router) {
        router.add("GET", "/api/auth/oauth/providers", exchange -> Reply.json(200, Map.of("providers", List.of())));
    }

    void register(Router router) {
        router.add("GET", "/api/auth/oauth/providers", this::providers);
        router.add("POST", "/api/auth/oauth/exchange", this::exchange);
        for (String id : oauth.providerIds()) {
            String base = "/api/auth/oauth/" + id;
            router.add("GET", base + "/start", exchange -> start(exchange, id));
            router.addBearer("POST", base + "/link", exchange -> link(exchange, id));
            router.add("GET", base + "/callback", exchange -> callback(exchange, id, query(exchange)));
            router.add("POST", base + "/callback", exchange -> callback(exchange, id, form(exchange)));
        }
    }

    private Reply providers(HttpExchange exchange) {
        List<Map<String, String>> list = new ArrayList<>();
        for (String id : new java.util.TreeSet<>(oauth.providerIds())) {
            list.add(Map.of("id", id, "name", displayNames.getOrDefault(id, id)));
        }
        return Reply.json(200, Map.of("providers", list));
    }

    private Reply start(HttpExchange exchange, String provider) {
        Map<String, String> query = query(exchange);
        AuthorizationStart start = oauth.start(provider, query.get("tenantId"), query.getOrDefault("returnTo", "/"));
        return Reply.redirect(
                start.redirect().toString(), Map.of("Set-Cookie", start.cookie().setCookieHeader()));
    }

    private Reply link(HttpExchange exchange, String provider) throws IOException {
        String token = AuthFacade.bearerToken(exchange.getRequestHeaders().getFirst("Authorization"));
        JsonRequest body = JsonRequest.read(exchange);
        AuthorizationStart start = oauth.startLink(
                provider,
                body.requiredText("tenantId"),
                body.optionalText("returnTo").orElse("/"),
                token);
        return new Reply(
                200,
                Map.of("redirect", start.redirect().toString()),
                Map.of("Set-Cookie", start.cookie().setCookieHeader()));
    }

    /**
     * Never answers with a token: success is a single-use code in the redirect, failure a stable error code. Both
     * delete the flow's cookie.
     */
    private Reply callback(HttpExchange exchange, String provider, Map<String, String> params) {
        String cookies = String.join("; ", exchange.getRequestHeaders().getOrDefault("Cookie", List.of()));
        try {
            OAuthCompletion done = oauth.finish(provider, params, cookies);
            String code = codes.issue(done.login());
            return Reply.redirect(
                    done.returnPath() + "?oauth_code=" + code,
                    Map.of("Set-Cookie", done.clearCookie().setCookieHeader()));
        } catch (AuthException e) {
            LOG.info("external sign-in with {} refused: {}", provider, e.code());
            Optional<TransactionCookie> clear = oauth.clearCookieFor(provider, params);
            return Reply.redirect(
                    "/?oauth_error=" + URLEncoder.encode(e.code(), StandardCharsets.UTF_8),
                    clear.map(c -> Map.of("Set-Cookie", c.setCookieHeader())).orElse(Map.of()));
        }
    }

    private Reply exchange(HttpExchange exchange) throws IOException {
        JsonRequest body = JsonRequest.read(exchange);
        String code = body.requiredText("code");
        Optional<LoginResult> login = code.length() > 64 ? Optional.empty() : codes.redeem(code);
        if (login.isEmpty()) {
            return Reply.error(400, "invalid_code", "the sign-in code is unknown, used or expired");
        }
        // The session may have been ended in the seconds since: the facade's check says so.
        auth.session(login.get().tokens().accessToken());
        return Reply.json(200, tokenResponse.apply(login.get()));
    }

    private static Map<String, String> query(HttpExchange exchange) {
        return parse(exchange.getRequestURI().getRawQuery());
    }

    /** An {@code application/x-www-form-urlencoded} body (response_mode=form_post), at most 16 KiB. */
    private static Map<String, String> form(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_FORM + 1);
            if (bytes.length > MAX_FORM) {
                throw AuthException.invalidRequest("the form is too large");
            }
            return parse(new String(bytes, StandardCharsets.UTF_8));
        }
    }

    private static Map<String, String> parse(@Nullable String raw) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                // The first value wins: a parameter repeated to smuggle a second state or code is ignored.
                values.putIfAbsent(name, value);
            } catch (IllegalArgumentException e) {
                throw AuthException.invalidRequest("malformed parameters");
            }
        }
        return values;
    }
}
