package dev.latchkey.auth.oauth;

import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.Nonce;
import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.ExternalSignIn;
import dev.latchkey.auth.LoginResult;
import dev.latchkey.auth.SessionView;
import dev.latchkey.auth.oauth.OAuthException.Reason;
import dev.latchkey.auth.spi.RateLimitStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in with OpenID Connect providers, framework-free: the host owns HTTP and makes two calls.
 *
 * <pre>{@code
 * OAuthLogin oauth = OAuthLogin.builder()
 *         .facade(auth)
 *         .provider(OAuthProvider.google(clientId, clientSecret,
 *                 URI.create("https://app.example.com/api/auth/oauth/google/callback")).build())
 *         .hashSecret(settings.hashSecret())
 *         .replayGuard(stores.rateLimits())
 *         .allowedReturnPaths(Set.of("/", "/account"))
 *         .build();
 *
 * // GET /api/auth/oauth/{provider}/start?tenant=acme&returnTo=/
 * AuthorizationStart start = oauth.start(provider, tenant, returnTo);
 * // answer 303 with Location: start.redirect() and Set-Cookie: start.cookie().setCookieHeader()
 *
 * // GET|POST /api/auth/oauth/{provider}/callback
 * OAuthCompletion done = oauth.finish(provider, callbackParameters, request.header("Cookie"));
 * // done.login() holds Latchkey's token pair; clear done.clearCookie(), send the browser to done.returnPath()
 * }</pre>
 *
 * <p>The protocol (RFC 9700, OpenID Connect Core): authorization code flow only; PKCE S256 wherever the provider
 * accepts it; a nonce; a state bound to the browser by an encrypted, authenticated, single-use transaction cookie of at
 * most ten minutes; one exact redirect URI per provider from configuration; RFC 9207 {@code iss} checked when sent or
 * advertised; the transaction's provider must be the callback path's (mix-up defence); ID tokens validated against the
 * provider's JWKS with an algorithm allow-list. Every refusal is an {@link OAuthException} with a {@link Reason}.
 *
 * <p>Immutable and thread-safe: build one at start-up and share it.
 */
public final class OAuthLogin {
    private static final Logger LOG = LoggerFactory.getLogger("dev.latchkey.auth.audit");
    private static final Pattern ERROR_CODE = Pattern.compile("[a-z_]{1,64}");

    private final AuthFacade facade;
    private final Map<String, ProviderClient> providers;
    private final Transaction.Codec codec;
    private final RateLimitStore replayGuard;
    private final ReturnPaths returnPaths;
    private final Clock clock;
    private final Duration lifetime;

    private OAuthLogin(Builder b) {
        this.facade = Objects.requireNonNull(b.facade, "facade");
        if (!facade.supportsExternalIdentities()) {
            throw new IllegalStateException(
                    "the facade has no ExternalIdentityStore: AuthFacade.builder().externalIdentityStore(...)");
        }
        if (b.providers.isEmpty()) {
            throw new IllegalStateException("OAuthLogin needs at least one provider");
        }
        if (b.hashSecret == null || b.hashSecret.length < 32) {
            throw new IllegalStateException("OAuthLogin needs the hash secret (at least 32 bytes)");
        }
        this.replayGuard = Objects.requireNonNull(b.replayGuard, "replayGuard");
        Http http = new Http(b.connectTimeout, b.requestTimeout);
        Map<String, ProviderClient> clients = new LinkedHashMap<>();
        b.providers.forEach((id, provider) -> clients.put(id, new ProviderClient(provider, http, b.clock)));
        this.providers = Map.copyOf(clients);
        this.codec = new Transaction.Codec(b.hashSecret);
        this.returnPaths = new ReturnPaths(b.allowedReturnPaths);
        this.clock = b.clock;
        this.lifetime = b.lifetime;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The ids of the configured providers. */
    public Set<String> providerIds() {
        return providers.keySet();
    }

    /** The configured provider with this id. */
    public Optional<OAuthProvider> provider(String id) {
        return Optional.ofNullable(providers.get(id)).map(ProviderClient::provider);
    }

    /**
     * Starts a sign-in: the authorization URL to redirect the browser to, and the transaction cookie to set.
     *
     * @param providerId the provider, from the start path
     * @param tenantId the Latchkey tenant to sign in to
     * @param returnPath where to send the browser afterwards; must be on the allow-list
     * @throws OAuthException {@code UNKNOWN_PROVIDER}, {@code RETURN_PATH_REFUSED}, {@code PROVIDER_UNAVAILABLE}
     */
    public AuthorizationStart start(
            @Nullable String providerId, @Nullable String tenantId, @Nullable String returnPath) {
        return begin(providerId, tenantId, returnPath, null);
    }

    /**
     * Starts linking a provider to the signed-in user: like {@link #start}, but the identity the provider proves is
     * linked to the user of {@code accessToken} (which must be a live session of the tenant) when the flow finishes.
     *
     * @throws OAuthException {@code LINK_NOT_AUTHENTICATED} besides the reasons of {@link #start}
     */
    public AuthorizationStart startLink(
            @Nullable String providerId,
            @Nullable String tenantId,
            @Nullable String returnPath,
            @Nullable String accessToken) {
        if (accessToken == null) {
            throw refuse(Reason.LINK_NOT_AUTHENTICATED, providerId, "sign in before linking a provider");
        }
        SessionView session;
        try {
            session = facade.session(accessToken);
        } catch (AuthException e) {
            if (e.errorCode() == ErrorCode.UNAVAILABLE) {
                throw e;
            }
            throw refuse(Reason.LINK_NOT_AUTHENTICATED, providerId, "sign in before linking a provider");
        }
        if (!session.user().tenantId().equalsIgnoreCase(Objects.requireNonNull(tenantId, "tenantId"))) {
            throw refuse(Reason.LINK_NOT_AUTHENTICATED, providerId, "sign in to this tenant before linking");
        }
        return begin(
                providerId,
                session.user().tenantId(),
                returnPath,
                session.user().id());
    }

    private AuthorizationStart begin(
            @Nullable String providerId,
            @Nullable String tenantId,
            @Nullable String returnPath,
            @Nullable UUID linkUserId) {
        ProviderClient client = client(providerId);
        if (tenantId == null || tenantId.isEmpty() || tenantId.length() > 64) {
            throw AuthException.invalidRequest("tenantId must be 1 to 64 characters");
        }
        String back = returnPaths.check(returnPath);
        ProviderMetadata meta = client.metadata();
        OAuthProvider provider = client.provider();
        Instant now = clock.instant();
        String state = new State().getValue();
        boolean pkce = provider.pkce() && ProviderClient.acceptsS256(meta);
        Transaction t = new Transaction(
                Transaction.flowIdOf(state),
                provider.id(),
                tenantId,
                state,
                new Nonce().getValue(),
                pkce ? new CodeVerifier().getValue() : null,
                provider.redirectUri().toString(),
                meta.issuer(),
                back,
                linkUserId,
                now.plus(lifetime));
        TransactionCookie cookie = transactionCookie(provider, t.cookieName(), codec.seal(t, now), lifetime);
        return new AuthorizationStart(client.authorizationUri(meta, t), cookie);
    }

    /**
     * Finishes a sign-in at the callback: checks the transaction and the provider's answer, exchanges the code,
     * validates the ID token and signs the user in through {@link AuthFacade#signInWithExternalIdentity}.
     *
     * @param providerId the provider, from the callback path (never from the transaction)
     * @param parameters the callback's parameters, from the query or the form post
     * @param cookieHeader the request's {@code Cookie} header, or {@code null}
     * @throws OAuthException for every protocol refusal ({@code OAUTH_FAILED}) or an unreachable provider ({@code
     *     UNAVAILABLE})
     * @throws AuthException the account outcomes of {@link AuthFacade#signInWithExternalIdentity}
     */
    public OAuthCompletion finish(
            @Nullable String providerId, @Nullable Map<String, String> parameters, @Nullable String cookieHeader) {
        ProviderClient client = client(providerId);
        OAuthProvider provider = client.provider();
        Map<String, String> params = parameters == null ? Map.of() : parameters;
        String state = params.get("state");
        if (state == null || state.isEmpty() || state.length() > 512) {
            throw refuse(Reason.STATE_MISSING, providerId, "the callback has no state");
        }
        String flowId = Transaction.flowIdOf(state);
        Transaction t = Cookies.value(cookieHeader, Transaction.COOKIE_PREFIX + flowId)
                .flatMap(codec::open)
                .filter(tx -> flowId.equals(tx.flowId()) && IdTokens.constantTimeEquals(state, tx.state()))
                .orElseThrow(() -> refuse(
                        Reason.STATE_MISMATCH,
                        providerId,
                        "the callback does not belong to a sign-in of this browser"));
        Instant now = clock.instant();
        if (!now.isBefore(t.expiresAt())) {
            throw refuse(Reason.TRANSACTION_EXPIRED, providerId, "the sign-in took too long; start again");
        }
        // Mix-up defence (RFC 9700 §4.4.2): the answer must arrive on the callback of the provider the flow went to.
        if (!provider.id().equals(t.provider())) {
            throw refuse(Reason.PROVIDER_MISMATCH, providerId, "the callback is not the started provider's");
        }
        consume(t, now, provider.id());

        String error = params.get("error");
        if (error != null) {
            if ("access_denied".equals(error)) {
                throw refuse(Reason.ACCESS_DENIED, providerId, "the sign-in was cancelled at the provider");
            }
            String shown = ERROR_CODE.matcher(error).matches() ? error : "unrecognised";
            throw refuse(Reason.PROVIDER_ERROR, providerId, "the provider reported an error: " + shown);
        }
        ProviderMetadata meta = client.metadata();
        checkIssuerParameter(params.get("iss"), t, meta, provider.id());
        String code = params.get("code");
        if (code == null || !isAuthorizationCode(code)) {
            throw refuse(Reason.PROVIDER_ERROR, providerId, "the callback has no authorization code");
        }

        IdTokens.Claims claims;
        String email;
        boolean emailVerified;
        try {
            ProviderClient.Tokens tokens = client.exchange(meta, t, code);
            claims = IdTokens.validate(
                    tokens.idToken(), provider, t.issuer(), t.nonce(), t.tenant(), client.keys(), clock.instant());
            email = claims.email();
            emailVerified = claims.emailVerified();
            if (email == null && provider.userInfoForEmail()) {
                Map<String, Object> info = client.userInfo(meta, tokens.accessToken());
                // OpenID Connect Core §5.3.4: userinfo is about the ID token's subject, or it is not used at all.
                if (!info.isEmpty() && claims.sub().equals(info.get("sub"))) {
                    email = info.get("email") instanceof String s ? s : null;
                    emailVerified = IdTokens.isTrue(info.get(provider.emailVerifiedClaim()));
                }
            }
        } catch (OAuthException e) {
            log(e.reason(), providerId);
            throw e;
        }
        LoginResult login = facade.signInWithExternalIdentity(new ExternalSignIn(
                t.tenant(),
                provider.id(),
                claims.issuer(),
                claims.subject(),
                email,
                emailVerified,
                provider.linkByVerifiedEmail(),
                t.linkUserId()));
        return new OAuthCompletion(login, t.returnPath(), clearCookie(t, provider), provider.id());
    }

    /**
     * A cookie that deletes the transaction cookie of the callback's flow, for the answer to a refused callback (the
     * cookie would expire by itself, and it can never be used twice).
     */
    public Optional<TransactionCookie> clearCookieFor(
            @Nullable String providerId, @Nullable Map<String, String> parameters) {
        ProviderClient client = providers.get(providerId);
        String state = parameters == null ? null : parameters.get("state");
        if (client == null || state == null || state.isEmpty() || state.length() > 512) {
            return Optional.empty();
        }
        return Optional.of(transactionCookie(
                client.provider(), Transaction.COOKIE_PREFIX + Transaction.flowIdOf(state), "", Duration.ZERO));
    }

    private static TransactionCookie clearCookie(Transaction t, OAuthProvider provider) {
        return transactionCookie(provider, t.cookieName(), "", Duration.ZERO);
    }

    /**
     * Every transaction cookie of a provider, setting or deleting, has the same path and {@code SameSite}, so a
     * deleting cookie replaces the one it deletes. A form_post answer arrives as a cross-site POST from the provider's
     * page (OAuth 2.0 Form Post Response Mode §2), with which a browser sends no {@code SameSite=Lax} cookie: such a
     * provider's cookie is {@code SameSite=None} (and {@code Secure}, which {@code None} requires). That loses no
     * protection RFC 9700 §4.7 asks for: the callback is bound to this browser by the state matching the encrypted,
     * authenticated cookie, which expires and is single use; {@code SameSite} only narrows when it is sent.
     */
    private static TransactionCookie transactionCookie(
            OAuthProvider provider, String name, String value, Duration maxAge) {
        TransactionCookie.SameSite sameSite = provider.responseMode() == OAuthProvider.ResponseMode.FORM_POST
                ? TransactionCookie.SameSite.NONE
                : TransactionCookie.SameSite.LAX;
        return new TransactionCookie(name, value, provider.callbackPath(), maxAge, sameSite);
    }

    /**
     * RFC 6749 Appendix A.11: {@code code = 1*VSCHAR} (printable ASCII and space), here at most 2048 characters and
     * not all spaces (nimbus refuses a blank code with an untyped exception; a fuzz run found that).
     */
    static boolean isAuthorizationCode(String code) {
        if (code.isBlank() || code.length() > 2048) {
            return false;
        }
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** Single use (RFC 9700 §4.5.3 against replayed callbacks): the first callback of a flow counts 1, any other more. */
    private void consume(Transaction t, Instant now, @Nullable String providerId) {
        long count;
        try {
            count = replayGuard
                    .increment("oauth-flow:" + t.flowId(), lifetime.plusMinutes(1), now)
                    .count();
        } catch (AuthException e) {
            throw e;
        } catch (RuntimeException e) {
            throw AuthException.unavailable("rate-limit store unavailable", e);
        }
        if (count != 1) {
            throw refuse(Reason.REPLAYED, providerId, "this sign-in was already completed");
        }
    }

    /** RFC 9207 §2.4: the {@code iss} parameter, when sent, must be the issuer; when advertised, it must be sent. */
    private void checkIssuerParameter(
            @Nullable String iss, Transaction t, ProviderMetadata meta, @Nullable String providerId) {
        if (iss == null) {
            if (meta.issParameterSupported()) {
                throw refuse(Reason.ISSUER_MISMATCH, providerId, "the provider's answer lacks its issuer");
            }
            return;
        }
        boolean matches;
        String expected = t.issuer();
        int placeholder = expected.indexOf(OAuthProvider.TENANT_PLACEHOLDER);
        if (placeholder >= 0) {
            String prefix = expected.substring(0, placeholder);
            String suffix = expected.substring(placeholder + OAuthProvider.TENANT_PLACEHOLDER.length());
            String middle =
                    iss.startsWith(prefix) && iss.endsWith(suffix) && iss.length() > prefix.length() + suffix.length()
                            ? iss.substring(prefix.length(), iss.length() - suffix.length())
                            : "";
            matches = middle.matches("[0-9a-fA-F-]{36}");
        } else {
            matches = iss.equals(expected);
        }
        if (!matches) {
            throw refuse(Reason.ISSUER_MISMATCH, providerId, "the answer comes from another issuer");
        }
    }

    private ProviderClient client(@Nullable String providerId) {
        ProviderClient client = providerId == null ? null : providers.get(providerId);
        if (client == null) {
            throw refuse(Reason.UNKNOWN_PROVIDER, "-", "no such provider");
        }
        return client;
    }

    private static OAuthException refuse(Reason reason, @Nullable String providerId, String message) {
        log(reason, providerId);
        return new OAuthException(reason, message);
    }

    private static void log(Reason reason, @Nullable String providerId) {
        LOG.info("OAuthRefused[provider={}, reason={}]", providerId, reason);
    }

    /** Assembles an {@link OAuthLogin}; facade, providers, hash secret and replay guard are required. */
    public static final class Builder {
        private @Nullable AuthFacade facade;
        private final Map<String, OAuthProvider> providers = new LinkedHashMap<>();
        private byte @Nullable [] hashSecret;
        private @Nullable RateLimitStore replayGuard;
        private Set<String> allowedReturnPaths = Set.of("/");
        private Clock clock = Clock.systemUTC();
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration lifetime = Transaction.MAX_LIFETIME;

        private Builder() {}

        /** Required: the facade that signs users in; it needs an {@code ExternalIdentityStore}. */
        public Builder facade(AuthFacade value) {
            this.facade = Objects.requireNonNull(value, "facade");
            return this;
        }

        /** A provider; at least one. Its id must be unique. */
        public Builder provider(OAuthProvider value) {
            Objects.requireNonNull(value, "provider");
            if (providers.putIfAbsent(value.id(), value) != null) {
                throw new IllegalArgumentException("two providers with id " + value.id());
            }
            return this;
        }

        /**
         * Required: the host's hash secret ({@code AuthSettings#hashSecret()}); the transaction cookie's key is derived
         * from it for this purpose only.
         */
        public Builder hashSecret(byte[] value) {
            this.hashSecret = Objects.requireNonNull(value, "hashSecret").clone();
            return this;
        }

        /**
         * Required: the counters that make each flow's callback single use, shared by every instance ({@code
         * stores.rateLimits()} of the facade's backend).
         */
        public Builder replayGuard(RateLimitStore value) {
            this.replayGuard = Objects.requireNonNull(value, "replayGuard");
            return this;
        }

        /** The paths a flow may return to, exactly. Default {@code /} only. */
        public Builder allowedReturnPaths(Set<String> values) {
            this.allowedReturnPaths = Set.copyOf(values);
            return this;
        }

        /** The time source for the transaction lifetime, ID token expiry and caches. Default system UTC. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Time to connect to a provider. Default 5 s. */
        public Builder connectTimeout(Duration value) {
            this.connectTimeout = positive(value, "connectTimeout");
            return this;
        }

        /** Time for a whole request to a provider. Default 10 s. */
        public Builder requestTimeout(Duration value) {
            this.requestTimeout = positive(value, "requestTimeout");
            return this;
        }

        /** How long a flow may take, at most 10 minutes (the default). */
        public Builder transactionLifetime(Duration value) {
            positive(value, "transactionLifetime");
            if (value.compareTo(Transaction.MAX_LIFETIME) > 0) {
                throw new IllegalArgumentException("transactionLifetime must be at most 10 minutes");
            }
            this.lifetime = value;
            return this;
        }

        public OAuthLogin build() {
            return new OAuthLogin(this);
        }

        private static Duration positive(Duration value, String name) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return value;
        }
    }
}
