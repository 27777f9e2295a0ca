package dev.latchkey.auth.spring;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.AuthFacade;
import java.util.List;
import java.util.Objects;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

/**
 * Authenticates a {@link BearerHeader} (an {@code Authorization} header value) with {@link AuthFacade#authenticate}
 * into a {@link LatchkeyAuthentication}. {@link LatchkeySecurity}'s filter uses it; as a bean it also joins the
 * application's {@code AuthenticationManager} (and so Spring Boot does not create its default in-memory user).
 */
public final class LatchkeyAuthenticationProvider implements AuthenticationProvider {
    private final AuthFacade auth;

    public LatchkeyAuthenticationProvider(AuthFacade auth) {
        this.auth = Objects.requireNonNull(auth, "auth");
    }

    /**
     * @throws InvalidBearerToken when the token does not verify or the revocation list is unreachable; its {@link
     *     InvalidBearerToken#failure()} says which
     */
    @Override
    public Authentication authenticate(Authentication authentication) {
        BearerHeader header = (BearerHeader) authentication;
        try {
            return new LatchkeyAuthentication(auth.authenticate(header.getCredentials()));
        } catch (AuthException e) {
            throw new InvalidBearerToken(e);
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return BearerHeader.class.isAssignableFrom(authentication);
    }

    /** An {@code Authorization} header value to verify; not authenticated, and its value never printed. */
    public static final class BearerHeader extends AbstractAuthenticationToken {
        private static final long serialVersionUID = 1L;

        private final String header;

        public BearerHeader(String header) {
            super(List.of());
            this.header = Objects.requireNonNull(header, "header");
        }

        @Override
        public String getCredentials() {
            return header;
        }

        @Override
        public Object getPrincipal() {
            return "";
        }

        @Override
        public String toString() {
            return "BearerHeader[****]";
        }
    }

    /** A Bearer header Latchkey refused, with the facade's reason (usually {@code INVALID_TOKEN}). */
    public static final class InvalidBearerToken extends AuthenticationException {
        private static final long serialVersionUID = 1L;

        private final AuthException failure;

        InvalidBearerToken(AuthException failure) {
            super(Objects.requireNonNullElse(failure.getMessage(), failure.code()), failure);
            this.failure = failure;
        }

        /** The facade's failure, for its status and code. */
        public AuthException failure() {
            return failure;
        }
    }
}
