package dev.latchkey.auth.servlet;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.LoginResult;
import dev.latchkey.auth.OtpDispatch;
import dev.latchkey.auth.SessionView;
import dev.latchkey.auth.SignOutScope;
import dev.latchkey.auth.User;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auth endpoints with the HTTP contract of the example server (see the README's "HTTP API"): {@code POST
 * /api/auth/send-otp}, {@code POST /api/auth/verify-otp}, {@code POST /api/auth/refresh}, {@code GET
 * /api/auth/session}, {@code POST /api/auth/signout} and {@code GET /.well-known/jwks.json}. Map it to {@link
 * #URL_PATTERNS}:
 *
 * <pre>{@code
 * context.addServlet(new AuthEndpointsServlet(auth), AuthEndpointsServlet.URL_PATTERNS);
 * }</pre>
 *
 * <p>Session and sign-out verify their Bearer token themselves, so the filter may leave these paths to everyone. The
 * client IP for the per-IP send throttle is {@link HttpServletRequest#getRemoteAddr()}: behind a reverse proxy,
 * let the container resolve forwarded headers you trust (Tomcat's {@code RemoteIpValve}, Jetty's {@code
 * ForwardedRequestCustomizer}).
 */
public final class AuthEndpointsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AuthEndpointsServlet.class);

    /** The paths to map this servlet to: the auth API and the JWK Set. */
    public static final List<String> URL_PATTERNS = List.of("/api/auth/*", "/.well-known/jwks.json");

    /** The paths that need no token at all: a filter should permit them to everyone. */
    public static final List<String> PUBLIC_PATHS = List.of(
            "/api/auth/send-otp",
            "/api/auth/verify-otp",
            "/api/auth/refresh",
            "/api/auth/session",
            "/api/auth/signout",
            "/.well-known/jwks.json");

    private static final Map<String, String> METHODS = Map.of(
            "/api/auth/send-otp", "POST",
            "/api/auth/verify-otp", "POST",
            "/api/auth/refresh", "POST",
            "/api/auth/session", "GET",
            "/api/auth/signout", "POST",
            "/.well-known/jwks.json", "GET");

    private final transient AuthFacade auth;
    private final transient Clock clock;

    /** Endpoints over {@code auth}, reporting {@code expiresIn} by the system clock. */
    public AuthEndpointsServlet(AuthFacade auth) {
        this(auth, Clock.systemUTC());
    }

    /** Endpoints over {@code auth}; {@code clock} should be the facade's, for {@code expiresIn}. */
    public AuthEndpointsServlet(AuthFacade auth, Clock clock) {
        this.auth = Objects.requireNonNull(auth, "auth");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = LatchkeyFilter.pathOf(request);
        String method = METHODS.get(path);
        try {
            if (method == null) {
                ErrorResponses.write(response, 404, "not_found", "no such endpoint", Map.of());
            } else if (!method.equals(request.getMethod())) {
                ErrorResponses.write(response, 405, "method_not_allowed", "use " + method, Map.of("Allow", method));
            } else {
                dispatch(path, request, response);
            }
        } catch (AuthException e) {
            ErrorResponses.write(response, e);
        } catch (JsonBody.HttpFailure e) {
            ErrorResponses.write(response, e.status, e.code, e.text, Map.of());
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", request.getMethod(), path, e);
            ErrorResponses.write(response, 500, "server_error", "internal error", Map.of());
        }
    }

    private void dispatch(String path, HttpServletRequest request, HttpServletResponse response) throws IOException {
        switch (path) {
            case "/api/auth/send-otp" -> sendOtp(request, response);
            case "/api/auth/verify-otp" -> {
                JsonBody body = JsonBody.read(request);
                LoginResult login = auth.verifyOtp(
                        body.requiredText("tenantId"),
                        destination(body),
                        body.requiredText("challengeId"),
                        body.requiredText("code"),
                        request.getRemoteAddr());
                json(response, 200, tokenResponse(login, clock.instant()));
            }
            case "/api/auth/refresh" -> {
                JsonBody body = JsonBody.read(request);
                json(response, 200, tokenResponse(auth.refresh(body.requiredText("refreshToken")), clock.instant()));
            }
            case "/api/auth/session" -> session(request, response);
            case "/api/auth/signout" -> signOut(request, response);
            default -> json(response, 200, auth.jwkSet());
        }
    }

    private void sendOtp(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonBody body = JsonBody.read(request);
        OtpDispatch dispatch = auth.sendOtp(body.requiredText("tenantId"), destination(body), request.getRemoteAddr());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", "sent");
        // The client presents it with the code: codes others request for the address neither replace nor lock it.
        answer.put("challengeId", dispatch.challengeId());
        // From the settings, not the dispatch: the same for every destination, known or not.
        answer.put("expiresIn", auth.settings().otpTtl().toSeconds());
        json(response, 202, answer);
    }

    private void session(HttpServletRequest request, HttpServletResponse response) throws IOException {
        SessionView view = auth.session(AuthFacade.bearerToken(request.getHeader("Authorization")));
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("id", view.session().id());
        session.put("expiresAt", view.session().expiresAt().toString());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("user", user(view.user()));
        answer.put("session", session);
        json(response, 200, answer);
    }

    /** Signs out the token's own session by default; the optional body picks another scope. */
    private void signOut(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String header = request.getHeader("Authorization");
        String token = AuthFacade.bearerToken(header);
        // The guard first: with a revocation list, an already signed-out token is refused like on any route.
        auth.authenticate(header);
        SignOutScope scope = SignOutScope.LOCAL;
        Optional<JsonBody> body = JsonBody.readOptional(request);
        if (body.isPresent()) {
            Optional<String> requested = body.get().optionalText("scope");
            if (requested.isPresent()) {
                scope = scope(requested.get());
            }
        }
        auth.signOut(token, scope);
        response.setStatus(204);
        ErrorResponses.noStore(response);
    }

    private static void json(HttpServletResponse response, int status, Object body) throws IOException {
        response.setStatus(status);
        ErrorResponses.noStore(response);
        ErrorResponses.writeJson(response, body);
    }

    /** Exactly one of {@code mobile} and {@code email}, each only of its own kind. */
    private static String destination(JsonBody body) {
        Optional<String> mobile = body.optionalText("mobile");
        Optional<String> email = body.optionalText("email");
        if (mobile.isPresent() == email.isPresent()) {
            throw AuthException.invalidRequest("give exactly one of mobile and email");
        }
        if (mobile.isPresent() && mobile.get().indexOf('@') >= 0) {
            throw AuthException.invalidRequest("mobile must be a phone number");
        }
        if (email.isPresent() && email.get().indexOf('@') < 0) {
            throw AuthException.invalidRequest("email must be an email address");
        }
        return mobile.orElseGet(email::get);
    }

    private static SignOutScope scope(String requested) {
        return switch (requested.toLowerCase(Locale.ROOT)) {
            case "local" -> SignOutScope.LOCAL;
            case "global" -> SignOutScope.GLOBAL;
            case "others" -> SignOutScope.OTHERS;
            default -> throw AuthException.invalidRequest("scope must be local, global or others");
        };
    }

    /**
     * The JSON answer of a login, as {@code verify-otp} and {@code refresh} give it: {@code accessToken}, {@code
     * refreshToken}, {@code tokenType}, {@code expiresIn} (seconds from {@code now}) and the {@code user}. For hosts
     * that end a login elsewhere, such as the exchange of an external sign-in's code.
     */
    public static Map<String, Object> tokenResponse(LoginResult login, Instant now) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("accessToken", login.tokens().accessToken());
        answer.put("refreshToken", login.tokens().refreshToken());
        answer.put("tokenType", login.tokens().tokenType());
        answer.put("expiresIn", login.tokens().expiresInSeconds(now));
        answer.put("user", user(login.user()));
        return answer;
    }

    private static Map<String, Object> user(User user) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", user.id().toString());
        answer.put("tenantId", user.tenantId());
        answer.put("email", user.email());
        answer.put("mobile", user.mobile());
        answer.put("name", user.name());
        answer.put("role", user.role());
        answer.put("permissions", List.copyOf(new TreeSet<>(user.permissions())));
        return answer;
    }
}
