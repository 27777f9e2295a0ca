package dev.latchkey.auth;

import dev.latchkey.auth.spi.AuthEventListener;
import dev.latchkey.auth.spi.AuthStores;
import dev.latchkey.auth.spi.ExternalIdentity;
import dev.latchkey.auth.spi.ExternalIdentityStore;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.OperationObserver;
import dev.latchkey.auth.spi.OtpSender;
import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.spi.RevocationList;
import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.spi.TokenIssuer;
import dev.latchkey.auth.spi.UserDatabase;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passwordless login by one-time code, JWT access + refresh token pairs, sessions and route protection, over the
 * stores the host chooses. One method per endpoint of a typical auth service. Immutable and thread-safe: build one at
 * start-up and share it.
 *
 * <pre>{@code
 * AuthFacade auth = AuthFacade.builder()
 *         .settings(AuthSettings.fromEnv(System.getenv()))
 *         .stores(MemoryStores.create())
 *         .otpSender(message -> sms.send(message.destination().value(), "Your code: " + message.code()))
 *         .build();
 * }</pre>
 *
 * <p>Every expected failure is an {@link AuthException} with a stable {@link ErrorCode}. A store failure is always
 * {@link ErrorCode#UNAVAILABLE}, never a success.
 *
 * <p>With a revocation list that offers a {@link dev.latchkey.auth.spi.RevocationFeed} (Redis, PostgreSQL), the facade
 * keeps a local mirror of the list, subscribed on a daemon thread from the first {@link #authenticate} on; {@link
 * #close()} ends that subscription.
 */
public final class AuthFacade implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuthFacade.class);

    private final AuthSettings settings;
    private final TokenIssuer tokens;
    private final OtpLogin otpLogin;
    private final Sessions sessions;
    private final UserAccounts accounts;
    private final HealthCheck health;
    private final @Nullable ExternalLogins externalLogins;
    private final @Nullable RevocationMirror mirror;
    /** {@code null} when the host gave none: then {@link #observed} reads no clock. */
    private final @Nullable OperationObserver observer;
    /** Package-private for tests: the switch of codes and counters to the local fallback, when opted in. */
    final @Nullable CodeStoreFallback codeStoreFallback;

    private AuthFacade(Builder b) {
        Capabilities wired = new Capabilities(b);
        this.settings = wired.settings;
        this.observer = b.observer;
        this.tokens = wired.tokens;
        this.sessions = wired.sessions;
        this.accounts = wired.accounts;
        this.otpLogin = wired.otpLogin;
        this.externalLogins = wired.externalLogins;
        this.health = wired.health;
        this.codeStoreFallback = wired.codeStoreFallback;
        this.mirror = wired.mirror;
    }

    /** A builder; see {@link Builder} for what is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The settings this facade was built with. */
    public AuthSettings settings() {
        return settings;
    }

    /** Same as {@link #sendOtp(String, String, String)} without a client IP (no per-IP throttle). */
    public OtpDispatch sendOtp(String tenantId, String destination) {
        return sendOtp(tenantId, destination, null);
    }

    /**
     * Issues a one-time code for a mobile number or an email address and hands it to the {@link OtpSender}. Every
     * code has its own challenge, whose id only this caller receives, so codes others request neither replace nor lock
     * it. The answer is the same whether or not the destination belongs to a user; in {@link SignupMode#INVITE_ONLY}
     * mode nothing is sent to unknown destinations.
     *
     * @param clientIp the caller's IP as the host determined it, for the per-IP throttle; may be {@code null}
     * @throws AuthException {@code INVALID_REQUEST} for a malformed input, {@code RATE_LIMITED} (with retry-after)
     *     when a throttle refuses, {@code UNAVAILABLE} when a store or the sender fails
     */
    public OtpDispatch sendOtp(String tenantId, String destination, @Nullable String clientIp) {
        return observed("send_otp", () -> otpLogin.send(tenantId, destination, clientIp));
    }

    /** Same as {@link #verifyOtp(String, String, String, String, String)} without a client IP. */
    public LoginResult verifyOtp(String tenantId, String destination, String challengeId, String code) {
        return verifyOtp(tenantId, destination, challengeId, code, null);
    }

    /**
     * Checks a code against the challenge {@link #sendOtp} returned and, if it is right, logs the user in: finds (or,
     * with open sign-up, creates) the user and starts a session. Wrong, expired, already used and unknown codes fail
     * identically.
     *
     * @param challengeId {@link OtpDispatch#challengeId()} of the code, as the client that asked for it received it
     * @param clientIp the caller's IP as the host determined it, for the per-client failure budget; may be {@code
     *     null} (then every IP-less caller shares one budget per address)
     * @throws AuthException {@code INVALID_CODE}, {@code TOO_MANY_ATTEMPTS} (with retry-after) once this client's
     *     failure budget for the address is spent, {@code USER_DISABLED}, {@code INVALID_REQUEST}, {@code
     *     UNAVAILABLE}
     */
    public LoginResult verifyOtp(
            String tenantId, String destination, String challengeId, String code, @Nullable String clientIp) {
        return observed("verify_otp", () -> otpLogin.verify(tenantId, destination, challengeId, code, clientIp));
    }

    /**
     * Exchanges a refresh token for a new pair. The presented token is rotated: it stops working and its successor
     * is returned. Presenting an already rotated token revokes the whole session (reuse detection, RFC 9700 §4.14.2),
     * except that within the reuse grace window the just-rotated token receives the very same successor again, so
     * concurrent refreshes from one client do not log it out.
     *
     * @throws AuthException {@code INVALID_TOKEN} for an unknown, expired, revoked or reused token; {@code
     *     UNAVAILABLE}
     */
    public LoginResult refresh(String refreshToken) {
        return observed("refresh", () -> sessions.refresh(refreshToken));
    }

    /**
     * Verifies an access token and that its session is still live and its user still active: the check to use
     * where a sign-out or a disabled user must take effect at once.
     *
     * @throws AuthException {@code INVALID_TOKEN}, {@code UNAVAILABLE}
     */
    public SessionView session(String accessToken) {
        return observed("session", () -> sessions.check(accessToken));
    }

    /**
     * The route guard: takes an {@code Authorization} header value ({@code Bearer <token>}), verifies the token's
     * signature and claims without a store round trip, and returns the principal to check roles and permissions on.
     * With a {@link RevocationList} configured, signed-out sessions are refused too: from the local mirror without a
     * round trip while the list's feed is live, otherwise with one lookup in the store.
     *
     * @throws AuthException {@code INVALID_TOKEN} for a missing, malformed, expired or revoked token
     */
    public AuthPrincipal authenticate(String authorizationHeader) {
        return observed("authenticate", () -> sessions.authenticate(BearerHeader.token(authorizationHeader)));
    }

    /**
     * The token of an {@code Authorization} header value: {@code Bearer <token>}, scheme case-insensitive (RFC 6750
     * §2.1). For hosts that pass the bare token to {@link #session} or {@link #signOut}.
     *
     * @throws AuthException {@code INVALID_TOKEN} when the header is missing or not a Bearer header
     */
    public static String bearerToken(String authorizationHeader) {
        return BearerHeader.token(authorizationHeader);
    }

    /**
     * Verifies an access token's signature and claims only (no store access): for hosts that extract the token
     * themselves.
     */
    public AuthPrincipal verifyAccessToken(String accessToken) {
        return observed("verify_access_token", () -> sessions.verify(accessToken));
    }

    /**
     * Ends sessions of the token's user: {@link SignOutScope#LOCAL} the token's own, {@link SignOutScope#GLOBAL}
     * all, {@link SignOutScope#OTHERS} all but the token's.
     *
     * @param accessToken a valid access token of the session signing out
     * @return how many sessions were ended
     * @throws AuthException {@code INVALID_TOKEN}, {@code UNAVAILABLE}
     */
    public int signOut(String accessToken, SignOutScope scope) {
        return observed("sign_out", () -> sessions.signOut(accessToken, Objects.requireNonNull(scope, "scope")));
    }

    /** The user's live sessions, oldest first. */
    public List<SessionInfo> listSessions(String tenantId, UUID userId) {
        return observed(
                "list_sessions",
                () -> sessions.list(Inputs.tenant(tenantId), Objects.requireNonNull(userId, "userId")));
    }

    /**
     * Disables a user and ends all their sessions; their access tokens then fail {@link #session} (and {@link
     * #authenticate}, with a revocation list).
     *
     * @return {@code false} if the tenant has no such user
     */
    public boolean disableUser(String tenantId, UUID userId) {
        return observed("disable_user", () -> accounts.disable(tenantId, userId));
    }

    /** The user with this id in the tenant. */
    public Optional<User> findUser(String tenantId, UUID userId) {
        return observed("find_user", () -> accounts.findById(tenantId, userId));
    }

    /**
     * Changes a user's profile, role, permissions and active flag; the email and mobile are validated and
     * normalised like login destinations. Takes effect in access tokens issued from the next refresh on; setting
     * {@code active} to false ends all the user's sessions, as {@link #disableUser} does.
     *
     * @throws AuthException {@code INVALID_REQUEST}, {@code CONFLICT} when the email or mobile belongs to another
     *     user of the tenant, {@code UNAVAILABLE}
     */
    public Optional<User> updateUser(User user) {
        return observed("update_user", () -> accounts.update(user));
    }

    /**
     * Signs in with an identity an external provider has just proven (OAuth 2.0 / OpenID Connect; the {@code
     * auth-oauth} module calls this after validating the ID token), applying the linking policy: a known identity
     * signs in its user; a link intent links the identity to the signed-in user; an existing user with the same
     * email is linked only when the provider asserts the email verified, the user has proven the address to Latchkey
     * (a login by email one-time code) and the provider's policy allows it; otherwise a user is created (open sign-up
     * and a verified email only). Ends in a session exactly like {@link #verifyOtp}.
     *
     * @throws AuthException {@code ACCOUNT_LINK_REQUIRED}, {@code EMAIL_NOT_VERIFIED}, {@code SIGNUP_CLOSED}, {@code
     *     CONFLICT} (linked to another user), {@code USER_DISABLED}, {@code INVALID_REQUEST}, {@code UNAVAILABLE}
     * @throws IllegalStateException if the facade was built without an {@link ExternalIdentityStore}
     */
    public LoginResult signInWithExternalIdentity(ExternalSignIn signIn) {
        ExternalLogins logins = requireExternalLogins();
        return observed("external_sign_in", () -> logins.signIn(signIn));
    }

    /** The external identities linked to the user, oldest first. */
    public List<ExternalIdentity> listExternalIdentities(String tenantId, UUID userId) {
        ExternalLogins logins = requireExternalLogins();
        return observed("list_external_identities", () -> logins.list(tenantId, userId));
    }

    /**
     * Unlinks an external identity from the user; the user keeps their email or mobile for one-time codes.
     *
     * @return {@code false} if the user has no such identity
     */
    public boolean unlinkExternalIdentity(String tenantId, UUID userId, String issuer, String subject) {
        ExternalLogins logins = requireExternalLogins();
        return observed("unlink_external_identity", () -> logins.unlink(tenantId, userId, issuer, subject));
    }

    /** Whether this facade has an {@link ExternalIdentityStore}, and so supports external sign-in. */
    public boolean supportsExternalIdentities() {
        return externalLogins != null;
    }

    private ExternalLogins requireExternalLogins() {
        if (externalLogins == null) {
            throw new IllegalStateException("external sign-in needs an ExternalIdentityStore: "
                    + "AuthFacade.builder().externalIdentityStore(...) or a stores bundle that has one");
        }
        return externalLogins;
    }

    /** The public verification keys as a JWK Set ({@code {"keys":[...]}}), for other services; empty for HS256. */
    public Map<String, Object> jwkSet() {
        return tokens.jwkSet();
    }

    /**
     * Probes every store once and aggregates: DOWN if any store fails and no fallback serves it, DEGRADED if any is
     * slower than the configured threshold or served by its fallback ({@link HealthReport.Component#fallback()}: codes
     * and counters with {@code STORE_FALLBACK=memory}, the revocation list with {@code
     * REVOCATION_OUTAGE_POLICY=accept_signed}), otherwise UP. Latency is wall time, measured with {@link System#nanoTime()}. A report is reused for
     * one second, so a busy health endpoint cannot load the stores.
     */
    public HealthReport health() {
        return observed("health", () -> health.check());
    }

    /**
     * Ends the revocation mirror's subscription and its threads, and the store fallback's probes, if there are any;
     * the stores stay the host's to close. Idempotent. Operations keep working afterwards, with {@link #authenticate}
     * asking the store on every call and codes staying on the stores in use at that moment.
     */
    @Override
    public void close() {
        if (mirror != null) {
            mirror.close();
        }
        if (codeStoreFallback != null) {
            codeStoreFallback.stopProbing();
        }
    }

    /** Runs one public operation, timing it for the host's {@link OperationObserver} when there is one. */
    private <T> T observed(String operation, Supplier<T> call) {
        OperationObserver observing = observer;
        if (observing == null) {
            return call.get();
        }
        long start = System.nanoTime();
        T result;
        try {
            result = call.get();
        } catch (RuntimeException | Error e) {
            report(observing, operation, System.nanoTime() - start, e);
            throw e;
        }
        report(observing, operation, System.nanoTime() - start, null);
        return result;
    }

    /** Like audit events, observation never changes an operation's outcome. */
    private static void report(
            OperationObserver observing, String operation, long elapsedNanos, @Nullable Throwable failure) {
        try {
            observing.operationFinished(operation, elapsedNanos, failure);
        } catch (RuntimeException e) {
            LOG.warn("operation observer failed for {}", operation, e);
        }
    }

    /**
     * Assembles a facade. Required: settings, the stores (a bundle through {@link #stores}, or one by one) and the
     * code sender. {@link #build()} fails with an {@link IllegalStateException} naming anything missing.
     */
    public static final class Builder {
        @Nullable
        AuthSettings settings;

        @Nullable
        UserDatabase users;

        @Nullable
        OTPStore otp;

        @Nullable
        RateLimitStore rateLimits;

        @Nullable
        SessionStore sessions;

        @Nullable
        OtpSender sender;

        @Nullable
        RevocationList revocations;

        @Nullable
        ExternalIdentityStore externalIdentities;

        @Nullable
        TokenIssuer tokenIssuer;

        @Nullable
        Predicate<String> tenantResolver;

        Clock clock = Clock.systemUTC();
        AuthEventListener listener = AuthEventListener.logging();
        UnaryOperator<NewUser> newUserCustomizer = UnaryOperator.identity();

        @Nullable
        OperationObserver observer;

        /** Runs the fallback's probes; tests replace it to probe on demand. */
        ProbeScheduler probeScheduler = ProbeScheduler.daemon();

        boolean mirrorRevocations = true;

        private Builder() {}

        /** Required: policy and keys, usually {@link AuthSettings#fromEnv}. */
        public Builder settings(AuthSettings value) {
            this.settings = Objects.requireNonNull(value, "settings");
            return this;
        }

        /**
         * All stores of one backend at once ({@code MemoryStores}, {@code PostgresStores}, {@code RedisStores}),
         * including its revocation list when it has one. Single stores set after this call replace the bundle's.
         */
        public Builder stores(AuthStores value) {
            Objects.requireNonNull(value, "stores");
            this.users = Objects.requireNonNull(value.users(), "stores.users()");
            this.otp = Objects.requireNonNull(value.otp(), "stores.otp()");
            this.rateLimits = Objects.requireNonNull(value.rateLimits(), "stores.rateLimits()");
            this.sessions = Objects.requireNonNull(value.sessions(), "stores.sessions()");
            this.revocations = value.revocations().orElse(null);
            this.externalIdentities = value.externalIdentities().orElse(null);
            return this;
        }

        /** Where users live; replaces the bundle's. */
        public Builder userDatabase(UserDatabase value) {
            this.users = Objects.requireNonNull(value, "userDatabase");
            return this;
        }

        /** Where pending codes live; replaces the bundle's. */
        public Builder otpStore(OTPStore value) {
            this.otp = Objects.requireNonNull(value, "otpStore");
            return this;
        }

        /** Where throttle and budget counters live; replaces the bundle's. */
        public Builder rateLimitStore(RateLimitStore value) {
            this.rateLimits = Objects.requireNonNull(value, "rateLimitStore");
            return this;
        }

        /** Where sessions live; replaces the bundle's. */
        public Builder sessionStore(SessionStore value) {
            this.sessions = Objects.requireNonNull(value, "sessionStore");
            return this;
        }

        /**
         * Optional (a bundle may bring one): where links of external identities to users live; enables {@link
         * #signInWithExternalIdentity}.
         */
        public Builder externalIdentityStore(ExternalIdentityStore value) {
            this.externalIdentities = Objects.requireNonNull(value, "externalIdentityStore");
            return this;
        }

        /** Delivers codes (SMS, email); the host's own provider. */
        public Builder otpSender(OtpSender value) {
            this.sender = Objects.requireNonNull(value, "otpSender");
            return this;
        }

        /** Optional (a bundle may bring one): makes {@link #authenticate} refuse access tokens of signed-out sessions at once. */
        public Builder revocationList(RevocationList value) {
            this.revocations = Objects.requireNonNull(value, "revocationList");
            return this;
        }

        /**
         * Optional: whether to keep a local mirror of a revocation list that offers a feed (default {@code true}), so
         * that {@link #authenticate} costs no round trip. With {@code false}, every check asks the store, and no
         * subscription connection is held.
         */
        public Builder mirrorRevocations(boolean enabled) {
            this.mirrorRevocations = enabled;
            return this;
        }

        /**
         * Optional: issues and verifies access tokens instead of the default nimbus-based JWT issuer built from the
         * settings' keys, for example one whose signing key stays in a KMS or an HSM.
         */
        public Builder tokenIssuer(TokenIssuer value) {
            this.tokenIssuer = Objects.requireNonNull(value, "tokenIssuer");
            return this;
        }

        /**
         * Optional: decides which tenants exist, given a well-formed lower-case tenant id; codes are neither throttled
         * nor sent nor checked for any other. Replaces {@link AuthSettings#allowedTenants()}, for tenants that come and
         * go at run time (look them up in the host's own table, cached).
         */
        public Builder tenantResolver(Predicate<String> value) {
            this.tenantResolver = Objects.requireNonNull(value, "tenantResolver");
            return this;
        }

        /** Optional: the time source for every expiry decision. Default {@link Clock#systemUTC()}. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * Optional: receives audit events. Default: {@link AuthEventListener#logging()}; to keep that logging and add
         * your own, pass {@code AuthEventListener.logging().andThen(yours)}.
         */
        public Builder eventListener(AuthEventListener value) {
            this.listener = Objects.requireNonNull(value, "eventListener");
            return this;
        }

        /**
         * Optional: adjusts users created at first login, for example to make a bootstrap administrator. It may
         * change the name, role and permissions, not the tenant or identifiers. With open sign-up it runs at every
         * one-time-code login, before the store knows whether the user exists (so that finding or creating the user
         * is one store call), and its result is used only when the user is created: keep it a pure function.
         */
        public Builder newUserCustomizer(UnaryOperator<NewUser> value) {
            this.newUserCustomizer = Objects.requireNonNull(value, "newUserCustomizer");
            return this;
        }

        /**
         * Optional: told the duration and outcome of every public operation, for metrics. Default none, and then no
         * operation reads a clock for it.
         */
        public Builder operationObserver(OperationObserver value) {
            this.observer = Objects.requireNonNull(value, "operationObserver");
            return this;
        }

        /** The facade; fails with an {@link IllegalStateException} naming every required part that is missing. */
        public AuthFacade build() {
            String missing = Stream.of(
                            settings == null ? "settings" : null,
                            users == null ? "userDatabase" : null,
                            otp == null ? "otpStore" : null,
                            rateLimits == null ? "rateLimitStore" : null,
                            sessions == null ? "sessionStore" : null,
                            sender == null ? "otpSender" : null)
                    .filter(Objects::nonNull)
                    .collect(Collectors.joining(", "));
            if (!missing.isEmpty()) {
                throw new IllegalStateException("AuthFacade needs " + missing);
            }
            return new AuthFacade(this);
        }
    }
}
