package dev.latchkey.auth;

import dev.latchkey.auth.spi.TokenIssuer;
import java.security.SecureRandom;

/**
 * The benchmarks' way to Latchkey's default issuer, which the facade builds internally: this class shares its package
 * on the class path (the benchmarks run unmodularised and are never deployed).
 */
public final class BenchmarkAccess {
    private BenchmarkAccess() {}

    /** The issuer {@code AuthFacade} builds from these settings when the host gives none. */
    public static TokenIssuer defaultIssuer(AuthSettings settings) {
        return new AccessTokens(settings, new SecureRandom());
    }
}
