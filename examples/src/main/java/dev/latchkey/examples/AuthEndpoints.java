package dev.latchkey.examples;

import com.sun.net.httpserver.HttpExchange;
import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.AuthPrincipal;
import dev.latchkey.auth.HealthReport;
import dev.latchkey.auth.LoginResult;
import dev.latchkey.auth.OtpDispatch;
import dev.latchkey.auth.SessionView;
import dev.latchkey.auth.SignOutScope;
import dev.latchkey.auth.User;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The HTTP endpoints of the original system, each a few lines over one facade call. Validation of tenants,
 * destinations, codes and tokens is the facade's; this class only maps JSON to arguments and results to JSON.
 */
final class AuthEndpoints {
    private static final String AUTHORIZATION = "Authorization";

    private final AuthFacade auth;
    private final StatsListener stats;
    private final Clock clock;
    private final Function<String, Optional<Map<String, Integer>>> pools;
    private final ExampleConfig.HealthDetails healthDetails;
    private final Function<InetSocketAddress, String> clientIps;

    /**
     * @param pools the connection pool usage behind a health component, if the example owns that pool
     * @param healthDetails who sees the components of {@code /health} ({@code HEALTH_DETAILS})
     * @param clientIps the client's address for the peer address of a request (the server sits behind {@link
     *     ConnectionGate})
     */
    AuthEndpoints(
            AuthFacade auth,
            StatsListener stats,
            Clock clock,
            Function<String, Optional<Map<String, Integer>>> pools,
            ExampleConfig.HealthDetails healthDetails,
            Function<InetSocketAddress, String> clientIps) {
        this.auth = auth;
        this.stats = stats;
        this.clock = clock;
        this.pools = pools;
        this.healthDetails = healthDetails;
        this.clientIps = clientIps;
    }

    Router routes() {
        return new Router()
                .add("POST", "/api/auth/send-otp", this::sendOtp)
                .add("POST", "/api/auth/verify-otp", this::verifyOtp)
                .add("POST", "/api/auth/refresh", this::refresh)
                .addBearer("GET", "/api/auth/session", this::session)
                .addBearer("POST", "/api/auth/signout", this::signOut)
                .addBearer("GET", "/api/me", this::me)
                .addBearer("GET", "/api/admin/stats", this::adminStats)
                .addBearer("GET", "/health", this::health)
                .add("GET", "/.well-known/jwks.json", this::jwks);
    }

    /**
     * The client IP for the per-IP throttle is the peer address of the client's socket (as the {@link ConnectionGate}
     * accepted it). Behind a reverse proxy that is the proxy:
     * a host deployed that way decides which forwarded header it trusts and passes that address instead.
     */
    private Reply sendOtp(HttpExchange exchange) throws IOException {
        JsonRequest body = JsonRequest.read(exchange);
        String clientIp = clientIps.apply(exchange.getRemoteAddress());
        OtpDispatch dispatch = auth.sendOtp(body.requiredText("tenantId"), destination(body), clientIp);
        // From the settings, not the dispatch: the same for every destination, known or not.
        long expiresIn = auth.settings().otpTtl().toSeconds();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", "sent");
        answer.put("challengeId", dispatch.challengeId());
        answer.put("expiresIn", expiresIn);
        return Reply.json(202, answer);
    }

    private Reply verifyOtp(HttpExchange exchange) throws IOException {
        JsonRequest body = JsonRequest.read(exchange);
        String clientIp = clientIps.apply(exchange.getRemoteAddress());
        LoginResult login = auth.verifyOtp(
                body.requiredText("tenantId"),
                destination(body),
                body.requiredText("challengeId"),
                body.requiredText("code"),
                clientIp);
        return Reply.json(200, tokenResponse(login));
    }

    private Reply refresh(HttpExchange exchange) throws IOException {
        JsonRequest body = JsonRequest.read(exchange);
        return Reply.json(200, tokenResponse(auth.refresh(body.requiredText("refreshToken"))));
    }

    private Reply session(HttpExchange exchange) {
        SessionView view = auth.session(bearerToken(exchange));
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("id", view.session().id());
        session.put("expiresAt", view.session().expiresAt().toString());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("user", user(view.user()));
        answer.put("session", session);
        return Reply.json(200, answer);
    }

    /** Signs out the token's own session by default; the optional body picks another scope. */
    private Reply signOut(HttpExchange exchange) throws IOException {
        String token = bearerToken(exchange);
        // The guard first: with a revocation list, an already signed-out token is refused like on any route.
        auth.authenticate(exchange.getRequestHeaders().getFirst(AUTHORIZATION));
        SignOutScope scope = SignOutScope.LOCAL;
        Optional<JsonRequest> body = JsonRequest.readOptional(exchange);
        if (body.isPresent()) {
            Optional<String> requested = body.get().optionalText("scope");
            if (requested.isPresent()) {
                scope = scope(requested.get());
            }
        }
        auth.signOut(token, scope);
        return Reply.noContent();
    }

    /** The stateless guard: the answer is built from the verified token's claims, without a store lookup. */
    private Reply me(HttpExchange exchange) {
        AuthPrincipal principal = auth.authenticate(exchange.getRequestHeaders().getFirst(AUTHORIZATION));
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("id", principal.userId().toString());
        user.put("tenantId", principal.tenantId());
        user.put("email", principal.email());
        user.put("role", principal.role());
        user.put("permissions", new TreeSet<>(principal.permissions()));
        return Reply.json(200, Map.of("user", user));
    }

    private Reply adminStats(HttpExchange exchange) {
        auth.authenticate(exchange.getRequestHeaders().getFirst(AUTHORIZATION)).requireRole(BootstrapAdmin.ADMIN_ROLE);
        return Reply.json(200, stats.snapshot());
    }

    /**
     * The overall status for anyone (what a load balancer needs); the components, their latency and the pool usage
     * only for an admin token or with {@code HEALTH_DETAILS=always}, since they map the infrastructure for an
     * attacker and show when it is saturated (ASVS 5.0 V13.4: no internal details to unauthenticated callers). The
     * core reuses a report for one second, so calling this in a loop cannot load the stores.
     */
    private Reply health(HttpExchange exchange) {
        HealthReport report = auth.health();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", report.status().name());
        if (showHealthDetails(exchange)) {
            Map<String, Object> components = new LinkedHashMap<>();
            report.components().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(entry -> {
                        Map<String, Object> component = component(entry.getValue());
                        pools.apply(entry.getKey()).ifPresent(pool -> component.put("pool", pool));
                        components.put(entry.getKey(), component);
                    });
            answer.put("components", components);
        }
        return Reply.json(report.status() == HealthReport.Status.DOWN ? 503 : 200, answer);
    }

    /**
     * A missing token gets the public view; a token given is checked like on any route (an invalid one is a 401), and
     * only the {@code admin} role sees details. When the store the check needs is down, the public view still
     * answers: a health check must not fail because of what it reports.
     */
    private boolean showHealthDetails(HttpExchange exchange) {
        if (healthDetails == ExampleConfig.HealthDetails.ALWAYS) {
            return true;
        }
        String authorization = exchange.getRequestHeaders().getFirst(AUTHORIZATION);
        if (authorization == null) {
            return false;
        }
        try {
            return BootstrapAdmin.ADMIN_ROLE.equals(
                    auth.authenticate(authorization).role());
        } catch (AuthException e) {
            if (e.httpStatus() >= 500) {
                return false;
            }
            throw e;
        }
    }

    private Reply jwks(HttpExchange exchange) {
        return Reply.json(200, auth.jwkSet());
    }

    private static Map<String, Object> component(HealthReport.Component component) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", component.status().name());
        // Whole milliseconds: finer timings tell nothing an operator acts on, and help timing the backends.
        answer.put("latencyMs", Math.round(component.latency().toNanos() / 1_000_000.0));
        component.detailText().ifPresent(detail -> answer.put("detail", detail));
        if (component.fallback()) {
            // Served by its fallback (STORE_FALLBACK, REVOCATION_OUTAGE_POLICY): said only when true.
            answer.put("fallback", true);
        }
        return answer;
    }

    /** Exactly one of {@code mobile} and {@code email}, each only of its own kind. */
    private static String destination(JsonRequest body) {
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

    private static String bearerToken(HttpExchange exchange) {
        return AuthFacade.bearerToken(exchange.getRequestHeaders().getFirst(AUTHORIZATION));
    }

    Map<String, Object> tokenResponse(LoginResult login) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("accessToken", login.tokens().accessToken());
        answer.put("refreshToken", login.tokens().refreshToken());
        answer.put("tokenType", login.tokens().tokenType());
        answer.put("expiresIn", login.tokens().expiresInSeconds(clock.instant()));
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
