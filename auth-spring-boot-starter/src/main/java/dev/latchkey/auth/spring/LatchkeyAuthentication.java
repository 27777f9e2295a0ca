package dev.latchkey.auth.spring;

import dev.latchkey.auth.AuthPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A caller whose Bearer access token Latchkey verified. Its authorities are the role as {@code ROLE_<role>} (so
 * {@code hasRole("admin")} works) and each permission as it is (so {@code hasAuthority("reports:read")} works); its
 * principal is the {@link AuthPrincipal} and its name the user id. It keeps no token.
 */
public final class LatchkeyAuthentication extends AbstractAuthenticationToken {
    private static final long serialVersionUID = 1L;

    private final AuthPrincipal principal;

    /** The authentication of a verified principal. */
    public LatchkeyAuthentication(AuthPrincipal principal) {
        super(authorities(Objects.requireNonNull(principal, "principal")));
        this.principal = principal;
        setAuthenticated(true);
    }

    /** {@code ROLE_<role>}, then the permissions. */
    static List<GrantedAuthority> authorities(AuthPrincipal principal) {
        List<GrantedAuthority> authorities = new ArrayList<>();
        authorities.add(new SimpleGrantedAuthority("ROLE_" + principal.role()));
        principal.permissions().stream()
                .sorted()
                .map(SimpleGrantedAuthority::new)
                .forEach(authorities::add);
        return authorities;
    }

    /** The verified claims. */
    @Override
    public AuthPrincipal getPrincipal() {
        return principal;
    }

    /** Nothing: the token is not kept once verified. */
    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public String getName() {
        return principal.userId().toString();
    }
}
