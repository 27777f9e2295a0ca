package dev.latchkey.auth.oauth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A provider's signing keys (JWKS), cached for {@link #TTL} and fetched again early when a token names a key id the
 * cache does not know (the provider rotated its keys), but at most once per {@link #MIN_REFRESH_INTERVAL}: a flood of
 * tokens with made-up key ids must not turn into a flood of requests to the provider.
 */
final class KeySetCache implements JWKSource<SecurityContext> {
    static final Duration TTL = Duration.ofHours(1);
    static final Duration MIN_REFRESH_INTERVAL = Duration.ofSeconds(30);

    private final URI jwksUri;
    private final Http http;
    private final Clock clock;
    private @Nullable JWKSet keys;
    private @Nullable Instant fetchedAt;

    KeySetCache(URI jwksUri, Http http, Clock clock) {
        this.jwksUri = jwksUri;
        this.http = http;
        this.clock = clock;
    }

    @Override
    public synchronized List<JWK> get(JWKSelector selector, SecurityContext context) {
        Instant now = clock.instant();
        JWKSet current = keys;
        Instant at = fetchedAt;
        if (current == null || at == null || !now.isBefore(at.plus(TTL))) {
            current = fetch(now);
            at = now;
        }
        List<JWK> found = selector.select(current);
        if (found.isEmpty() && !now.isBefore(at.plus(MIN_REFRESH_INTERVAL))) {
            found = selector.select(fetch(now));
        }
        return found;
    }

    private JWKSet fetch(Instant now) {
        JWKSet fresh;
        try {
            fresh = JWKSet.parse(http.getJson(jwksUri, "the provider's key set"));
        } catch (ParseException e) {
            throw Http.unavailable("the provider's key set is malformed", e);
        }
        keys = fresh;
        fetchedAt = now;
        return fresh;
    }
}
