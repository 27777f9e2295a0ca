package dev.latchkey.auth.servlet;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.AuthPrincipal;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies Bearer access tokens with {@link AuthFacade#authenticate} (signature, claims and, with a revocation list,
 * sign-outs) and applies path rules. A request that passes carries the verified {@link AuthPrincipal} as the request
 * attribute {@link #PRINCIPAL_ATTRIBUTE} (read it with {@link #principal}), and {@code getUserPrincipal()}, {@code
 * getRemoteUser()} (the user id), {@code isUserInRole(role)} and {@code getAuthType()} ({@code "Bearer"}) answer from
 * it.
 *
 * <pre>{@code
 * Filter filter = LatchkeyFilter.builder(auth)
 *         .permitAll("/public/*")
 *         .permitAll(AuthEndpointsServlet.PUBLIC_PATHS)
 *         .require("/admin/*", "admin")
 *         .build();
 * }</pre>
 *
 * <p>Rules are tried in the order given and the first whose pattern matches decides; a path no rule matches needs a
 * valid token (secure by default; end with {@code permitAll("/*")} to open the rest). Patterns are servlet-style: an
 * exact path ({@code /health}), a prefix ({@code /admin/*}, which also matches {@code /admin}) or {@code /*}; the
 * path is the container's decoded, normalised one within the context ({@code servletPath + pathInfo}).
 *
 * <p>Answers: a missing, malformed, expired or revoked token is {@code 401} with {@code WWW-Authenticate: Bearer
 * error="invalid_token"}; a valid token without the role or permission is {@code 403} with {@code
 * WWW-Authenticate: Bearer error="insufficient_scope"}; a backend outage while checking revocation is {@code 503}.
 * Bodies are {@code {"error","message"}} with {@code Cache-Control: no-store}. On a permitted path a valid token
 * still yields a principal; an invalid one is ignored there.
 */
public final class LatchkeyFilter implements Filter {
    /** The request attribute that holds the verified {@link AuthPrincipal}. */
    public static final String PRINCIPAL_ATTRIBUTE = AuthPrincipal.class.getName();

    private final AuthFacade auth;
    private final List<Rule> rules;

    private LatchkeyFilter(AuthFacade auth, List<Rule> rules) {
        this.auth = auth;
        this.rules = List.copyOf(rules);
    }

    /** A filter over {@code auth}; add rules, then {@link Builder#build()}. */
    public static Builder builder(AuthFacade auth) {
        return new Builder(Objects.requireNonNull(auth, "auth"));
    }

    /** The verified principal of a request that passed this filter with a valid token. */
    public static Optional<AuthPrincipal> principal(ServletRequest request) {
        return request.getAttribute(PRINCIPAL_ATTRIBUTE) instanceof AuthPrincipal principal
                ? Optional.of(principal)
                : Optional.empty();
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http) || !(response instanceof HttpServletResponse answer)) {
            chain.doFilter(request, response);
            return;
        }
        Rule rule = ruleFor(pathOf(http));
        String header = http.getHeader("Authorization");
        if (rule.access() == Access.PERMIT_ALL) {
            chain.doFilter(header == null ? http : withOptionalPrincipal(http, header), answer);
            return;
        }
        AuthPrincipal principal;
        try {
            principal = auth.authenticate(header);
        } catch (AuthException e) {
            ErrorResponses.write(answer, e);
            return;
        }
        if (!rule.allows(principal)) {
            String message =
                    rule.access() == Access.ROLE ? "the required role is missing" : "a required permission is missing";
            ErrorResponses.write(
                    answer,
                    403,
                    "forbidden",
                    message,
                    Map.of("WWW-Authenticate", ErrorResponses.INSUFFICIENT_SCOPE_CHALLENGE));
            return;
        }
        chain.doFilter(new AuthenticatedRequest(http, principal), answer);
    }

    private HttpServletRequest withOptionalPrincipal(HttpServletRequest request, String header) {
        try {
            return new AuthenticatedRequest(request, auth.authenticate(header));
        } catch (AuthException e) {
            // A permitted path does not need the token, so a bad one is no reason to refuse the request.
            return request;
        }
    }

    private Rule ruleFor(String path) {
        for (Rule rule : rules) {
            if (rule.matches(path)) {
                return rule;
            }
        }
        return new Rule("/*", Access.AUTHENTICATED, Set.of());
    }

    /** The path within the context, decoded and normalised by the container: what rules and endpoints match on. */
    static String pathOf(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        return path.isEmpty() ? "/" : path;
    }

    /** What a rule asks of the caller. */
    private enum Access {
        PERMIT_ALL,
        AUTHENTICATED,
        ROLE,
        PERMISSIONS
    }

    /**
     * @param pattern an exact path, a prefix ending in {@code /*}, or {@code /*}
     * @param access what the caller needs
     * @param names the roles (any one) or permissions (all) for {@code ROLE} and {@code PERMISSIONS}
     */
    private record Rule(String pattern, Access access, Set<String> names) {
        Rule {
            if (!pattern.startsWith("/")
                    || pattern.indexOf('*') != (pattern.endsWith("/*") ? pattern.length() - 1 : -1)) {
                throw new IllegalArgumentException(
                        "a path pattern is an exact path (/health), a prefix (/admin/*) or /*: " + pattern);
            }
            names = Set.copyOf(names);
        }

        boolean matches(String path) {
            if (!pattern.endsWith("/*")) {
                return path.equals(pattern);
            }
            String prefix = pattern.substring(0, pattern.length() - 2);
            return path.equals(prefix) || path.startsWith(prefix + "/");
        }

        boolean allows(AuthPrincipal principal) {
            return switch (access) {
                case PERMIT_ALL, AUTHENTICATED -> true;
                case ROLE -> names.contains(principal.role());
                case PERMISSIONS -> principal.permissions().containsAll(names);
            };
        }
    }

    /** Collects path rules; the first matching rule decides. */
    public static final class Builder {
        private final AuthFacade auth;
        private final List<Rule> rules = new ArrayList<>();

        private Builder(AuthFacade auth) {
            this.auth = auth;
        }

        /** These paths need no token; a valid one still yields a principal. */
        public Builder permitAll(String... patterns) {
            return permitAll(List.of(patterns));
        }

        /** These paths need no token; a valid one still yields a principal. */
        public Builder permitAll(List<String> patterns) {
            patterns.forEach(pattern -> rules.add(new Rule(pattern, Access.PERMIT_ALL, Set.of())));
            return this;
        }

        /** These paths need a valid token, whatever its role (also what unmatched paths need). */
        public Builder authenticated(String... patterns) {
            for (String pattern : patterns) {
                rules.add(new Rule(pattern, Access.AUTHENTICATED, Set.of()));
            }
            return this;
        }

        /** The path needs a valid token whose role is one of {@code roles}. */
        public Builder require(String pattern, String... roles) {
            requireNames(roles, "role");
            rules.add(new Rule(pattern, Access.ROLE, Set.of(roles)));
            return this;
        }

        /** The path needs a valid token holding every one of {@code permissions}. */
        public Builder requirePermissions(String pattern, String... permissions) {
            requireNames(permissions, "permission");
            rules.add(new Rule(pattern, Access.PERMISSIONS, Set.of(permissions)));
            return this;
        }

        private static void requireNames(String[] names, String what) {
            if (names.length == 0) {
                throw new IllegalArgumentException("give at least one " + what);
            }
        }

        public LatchkeyFilter build() {
            return new LatchkeyFilter(auth, rules);
        }
    }

    /**
     * The verified user as a {@link Principal}: its name is the user id, never the email.
     *
     * @param claims the verified token's claims
     */
    public record BearerPrincipal(AuthPrincipal claims) implements Principal {
        public BearerPrincipal {
            Objects.requireNonNull(claims, "claims");
        }

        @Override
        public String getName() {
            return claims.userId().toString();
        }
    }

    /** The request as the application sees it after a valid token. */
    private static final class AuthenticatedRequest extends HttpServletRequestWrapper {
        private final AuthPrincipal principal;

        AuthenticatedRequest(HttpServletRequest request, AuthPrincipal principal) {
            super(request);
            this.principal = principal;
            request.setAttribute(PRINCIPAL_ATTRIBUTE, principal);
        }

        @Override
        public Principal getUserPrincipal() {
            return new BearerPrincipal(principal);
        }

        @Override
        public String getRemoteUser() {
            return principal.userId().toString();
        }

        @Override
        public boolean isUserInRole(String role) {
            return principal.hasRole(role);
        }

        @Override
        public String getAuthType() {
            return "Bearer";
        }
    }
}
