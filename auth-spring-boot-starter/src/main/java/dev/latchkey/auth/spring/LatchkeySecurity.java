package dev.latchkey.auth.spring;

import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.servlet.AuthEndpointsServlet;
import dev.latchkey.auth.servlet.ErrorResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Spring Security over Latchkey's Bearer access tokens. In a {@code SecurityFilterChain} of your own:
 *
 * <pre>{@code
 * @Bean
 * SecurityFilterChain security(HttpSecurity http, AuthFacade auth) throws Exception {
 *     LatchkeySecurity.configure(http, auth)
 *             .authorizeHttpRequests(requests -> requests
 *                     .requestMatchers(LatchkeySecurity.publicPaths()).permitAll()
 *                     .requestMatchers("/api/admin/**").hasRole("admin")
 *                     .anyRequest().authenticated());
 *     return http.build();
 * }
 * }</pre>
 *
 * <p>A request with an {@code Authorization} header is authenticated by {@link AuthFacade#authenticate} (signature,
 * claims, and the revocation list where the stores have one) into a {@link LatchkeyAuthentication}; a header that
 * does not verify is answered at once with {@code 401}, {@code WWW-Authenticate: Bearer error="invalid_token"} and
 * {@code {"error":"invalid_token","message":...}}. A protected path without a header gets the same {@code 401}; a
 * missing role or authority (URL rules and {@code @PreAuthorize} alike) gets {@code 403 forbidden} with {@code
 * WWW-Authenticate: Bearer error="insufficient_scope"}. The chain is stateless, without sessions, form login, HTTP
 * Basic or CSRF tokens: a Bearer header is not sent by browsers on their own, so cross-site requests carry no
 * credentials to abuse.
 */
public final class LatchkeySecurity {
    private LatchkeySecurity() {}

    /**
     * The paths of the auth endpoints (which need no token, or check their own), of the external sign-in endpoints
     * ({@code /api/auth/oauth/**}) and of the Actuator health endpoint: what the default chain permits to everyone.
     */
    public static String[] publicPaths() {
        return Stream.concat(
                        AuthEndpointsServlet.PUBLIC_PATHS.stream(),
                        Stream.of("/api/auth/oauth/**", "/actuator/health", "/actuator/health/**", "/error"))
                .toArray(String[]::new);
    }

    /** Adds Bearer authentication and Latchkey's 401/403 answers to {@code http}; add your own authorization rules. */
    public static HttpSecurity configure(HttpSecurity http, AuthFacade auth) throws Exception {
        Objects.requireNonNull(auth, "auth");
        return http.csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint((request, response, failure) -> ErrorResponses.write(
                                response,
                                401,
                                "invalid_token",
                                "a Bearer access token is required",
                                Map.of("WWW-Authenticate", ErrorResponses.INVALID_TOKEN_CHALLENGE)))
                        .accessDeniedHandler((request, response, denied) -> ErrorResponses.write(
                                response,
                                403,
                                "forbidden",
                                "the required role is missing",
                                Map.of("WWW-Authenticate", ErrorResponses.INSUFFICIENT_SCOPE_CHALLENGE))))
                .addFilterBefore(
                        new BearerTokenFilter(new LatchkeyAuthenticationProvider(auth)),
                        BasicAuthenticationFilter.class);
    }

    /** Authenticates the request's Bearer token, if it has one. Not a bean, so Boot does not also register it. */
    static final class BearerTokenFilter extends OncePerRequestFilter {
        private final LatchkeyAuthenticationProvider provider;
        private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

        BearerTokenFilter(LatchkeyAuthenticationProvider provider) {
            this.provider = provider;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String header = request.getHeader("Authorization");
            if (header == null) {
                chain.doFilter(request, response);
                return;
            }
            try {
                SecurityContext context = contexts.createEmptyContext();
                context.setAuthentication(
                        provider.authenticate(new LatchkeyAuthenticationProvider.BearerHeader(header)));
                contexts.setContext(context);
            } catch (LatchkeyAuthenticationProvider.InvalidBearerToken e) {
                contexts.clearContext();
                ErrorResponses.write(response, e.failure());
                return;
            }
            chain.doFilter(request, response);
        }
    }
}
