package dev.latchkey.auth;

import dev.latchkey.auth.spi.AuthEventListener;
import dev.latchkey.auth.spi.CodeCheck;
import dev.latchkey.auth.spi.Counter;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.OtpChallenge;
import dev.latchkey.auth.spi.OtpMessage;
import dev.latchkey.auth.spi.OtpSender;
import dev.latchkey.auth.spi.RevocationList;
import dev.latchkey.auth.spi.SessionRecord;
import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.spi.UpsertResult;
import dev.latchkey.auth.spi.UserDatabase;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Passwordless login by one-time code, JWT access + refresh token pairs, sessions and route protection, over the
 * stores the host chooses. One method per endpoint of a typical auth service. Immutable and thread-safe: build one at
 * start-up and share it.
 *
 * <pre>{@code
 * AuthFacade auth = AuthFacade.builder()
 *         .settings(AuthSettings.fromEnv(System.getenv()))
 *         .userDatabase(users)
 *         .otpStore(codes)
 *         .sessionStore(sessions)
 *         .otpSender(message -> sms.send(message.destination().value(), "Your code: " + message.code()))
 *         .build();
 * }</pre>
 *
 * <p>Every expected failure is an {@link AuthException} with a stable {@link ErrorCode}. A store failure is always
 * {@link ErrorCode#UNAVAILABLE}, never a success.
 */
public final class AuthFacade {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODE = Base64.getUrlDecoder();
    private static final int REFRESH_SECRET_BYTES = 32;
    private static final int SESSION_ID_CHARS = 36;
    private static final int SECRET_CHARS = 43;
    private static final int TAG_CHARS = 22;
    private static final int REFRESH_TOKEN_CHARS = SESSION_ID_CHARS + 1 + SECRET_CHARS + 1 + TAG_CHARS;

    private final AuthSettings settings;
    private final UserDatabase users;
    private final OTPStore otp;
    private final SessionStore sessions;
    private final OtpSender sender;
    private final @Nullable RevocationList revocations;
    private final Clock clock;
    private final Audit audit;
    private final UnaryOperator<NewUser> newUserCustomizer;
    private final Inputs inputs;
    private final KeyedHashes hashes;
    private final AccessTokens accessTokens;
    private final SecureRandom random = new SecureRandom();

    private AuthFacade(Builder b) {
        // build() has checked these are set.
        this.settings = Objects.requireNonNull(b.settings, "settings");
        this.users = Objects.requireNonNull(b.users, "userDatabase");
        this.otp = Objects.requireNonNull(b.otp, "otpStore");
        this.sessions = Objects.requireNonNull(b.sessions, "sessionStore");
        this.sender = Objects.requireNonNull(b.sender, "otpSender");
        this.revocations = b.revocations;
        this.clock = b.clock;
        this.audit = new Audit(b.listener);
        this.newUserCustomizer = b.newUserCustomizer;
        this.inputs = new Inputs(settings);
        this.hashes = new KeyedHashes(settings.hashSecret());
        this.accessTokens = new AccessTokens(settings, random);
    }

    public static Builder builder() {
        return new Builder();
    }

    public AuthSettings settings() {
        return settings;
    }

    /** Same as {@link #sendOtp(String, String, String)} without a client IP (no per-IP throttle). */
    public OtpDispatch sendOtp(String tenantId, String destination) {
        return sendOtp(tenantId, destination, null);
    }

    /**
     * Issues a one-time code for a mobile number or an email address and hands it to the {@link OtpSender}. A new
     * code replaces the destination's previous one. The answer is the same whether or not the destination belongs
     * to a user; in {@link SignupMode#INVITE_ONLY} mode nothing is sent to unknown destinations.
     *
     * @param clientIp the caller's IP as the host determined it, for the per-IP throttle; may be {@code null}
     * @throws AuthException {@code INVALID_REQUEST} for a malformed input, {@code RATE_LIMITED} (with retry-after)
     *     when a throttle refuses, {@code UNAVAILABLE} when a store or the sender fails
     */
    public OtpDispatch sendOtp(String tenantId, String destination, @Nullable String clientIp) {
        String tenant = Inputs.tenant(tenantId);
        Destination dest = inputs.destination(destination);
        String ip = Inputs.clientIp(clientIp);
        Instant now = clock.instant();
        String destKey = hashes.destinationKey(tenant, dest);

        try {
            // ASVS 5.0 V6.3.1 / NIST SP 800-63B-4 §3.2.2: throttle in layers. The caller's own budget is checked
            // first and the cooldown before the hourly cap, so a refused request never spends a victim's cap.
            if (ip != null) {
                throttle(
                        tenant,
                        dest,
                        ip,
                        "ip",
                        "ip:" + hashes.ipKey(Inputs.ipBucket(ip)),
                        settings.sendLimitPerIp(),
                        now);
            }
            if (!settings.resendCooldown().isZero()) {
                throttle(
                        tenant,
                        dest,
                        ip,
                        "cooldown",
                        "cd:" + destKey,
                        new AuthSettings.Limit(1, settings.resendCooldown()),
                        now);
            }
            throttle(tenant, dest, ip, "destination", "sd:" + destKey, settings.sendLimitPerDestination(), now);
            if (settings.sendLimitPerTenant().isPresent()) {
                throttle(
                        tenant,
                        dest,
                        ip,
                        "tenant",
                        "st:" + hashes.tenantKey(tenant),
                        settings.sendLimitPerTenant().get(),
                        now);
            }
        } catch (RuntimeException e) {
            throw Stores.failure("otp", e);
        }

        // Invite-only: an unknown destination gets a challenge too (of a code nobody receives), so the store work is
        // the same and only the host's sender, which should queue rather than block, is skipped (ASVS 5.0 V6.3.8).
        boolean deliver = settings.signupMode() == SignupMode.OPEN
                || findUser(tenant, dest).isPresent();
        Instant expiresAt = now.plus(settings.otpTtl());
        String code = newCode();
        try {
            otp.saveChallenge(new OtpChallenge(
                    "ch:" + destKey, hashes.codeHash(destKey, code), now, expiresAt, 0, settings.otpMaxAttempts()));
        } catch (RuntimeException e) {
            throw Stores.failure("otp", e);
        }
        if (deliver) {
            try {
                sender.send(new OtpMessage(tenant, dest, code, expiresAt));
            } catch (RuntimeException e) {
                throw AuthException.unavailable("the code could not be delivered", e);
            }
        }
        audit.emit(new AuthEvent.CodeSent(now, tenant, dest, deliver, ip));
        return new OtpDispatch(dest, expiresAt, now.plus(settings.resendCooldown()));
    }

    /**
     * Checks a code and, if it is right, logs the user in: finds (or, with open sign-up, creates) the user and
     * starts a session. Wrong, expired and already used codes fail identically.
     *
     * @throws AuthException {@code INVALID_CODE}, {@code TOO_MANY_ATTEMPTS} (with retry-after) once the
     *     destination's failure budget is spent, {@code USER_DISABLED}, {@code INVALID_REQUEST}, {@code UNAVAILABLE}
     */
    public LoginResult verifyOtp(String tenantId, String destination, String code) {
        String tenant = Inputs.tenant(tenantId);
        Destination dest = inputs.destination(destination);
        String presented = Inputs.code(code);
        Instant now = clock.instant();
        String destKey = hashes.destinationKey(tenant, dest);
        String budgetKey = "vf:" + destKey;
        AuthSettings.Limit budget = settings.otpFailureLimit();

        CodeCheck check;
        try {
            // NIST SP 800-63B-4 §3.2.2: a failure budget per destination that new codes do not reset.
            Counter failures = otp.peek(budgetKey, now);
            if (failures.count() >= budget.max()) {
                Duration retryAfter = retryAfter(failures, now);
                audit.emit(new AuthEvent.LockedOut(now, tenant, dest, retryAfter));
                throw new AuthException(
                        ErrorCode.TOO_MANY_ATTEMPTS, "too many failed attempts; try again later", retryAfter, null);
            }
            check = otp.verify("ch:" + destKey, hashes.codeHash(destKey, presented), now);
            if (check != CodeCheck.MATCHED) {
                // Only a guess actually compared against a pending code spends the budget: with no code pending there
                // is nothing to guess, and counting those would let anyone lock out any address, or fill the store
                // with counters for made-up ones.
                if (check == CodeCheck.MISMATCHED) {
                    Counter after = otp.increment(budgetKey, budget.window(), now);
                    if (after.count() == budget.max()) {
                        audit.emit(new AuthEvent.LockedOut(now, tenant, dest, retryAfter(after, now)));
                    }
                }
                audit.emit(new AuthEvent.CodeFailed(now, tenant, dest));
                throw new AuthException(ErrorCode.INVALID_CODE, "the code is wrong or has expired");
            }
        } catch (RuntimeException e) {
            throw Stores.failure("otp", e);
        }
        audit.emit(new AuthEvent.CodeVerified(now, tenant, dest));

        boolean created = false;
        User user = findUser(tenant, dest).orElse(null);
        if (user == null) {
            if (settings.signupMode() == SignupMode.INVITE_ONLY) {
                throw new AuthException(ErrorCode.INVALID_CODE, "the code is wrong or has expired");
            }
            UpsertResult result = createUser(tenant, dest, now);
            user = result.user();
            created = result.created();
            if (created) {
                audit.emit(new AuthEvent.UserCreated(now, tenant, user.id(), dest));
            }
        }
        if (!user.active()) {
            throw new AuthException(ErrorCode.USER_DISABLED, "this account is disabled");
        }
        try {
            users.recordLogin(tenant, user.id(), now);
        } catch (RuntimeException e) {
            throw Stores.failure("user", e);
        }
        User loggedIn = user.withLastLoginAt(now);
        return startSession(loggedIn, now, created);
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
        Instant now = clock.instant();
        ParsedRefresh presented = parseRefresh(refreshToken);
        try {
            SessionRecord family = sessions.find(presented.sessionId()).orElseThrow(AccessTokens::invalid);
            if (!family.isLiveAt(now)) {
                throw AccessTokens.invalid();
            }
            String presentedHash = hashes.refreshHash(presented.secret());
            byte[] successor = hashes.successorSecret(presented.sessionId(), presented.secret());
            String successorHash = hashes.refreshHash(successor);
            // The family's state after this refresh, known without reading it back; null when the token is refused.
            SessionRecord current = null;
            if (sameHash(presentedHash, family.tokenHash())) {
                Instant idle = earlier(now.plus(settings.refreshIdleTtl()), family.absoluteExpiresAt());
                if (sessions.rotate(presented.sessionId(), presentedHash, successorHash, now, idle)) {
                    current = new SessionRecord(
                            family.id(),
                            family.tenantId(),
                            family.userId(),
                            successorHash,
                            presentedHash,
                            family.generation() + 1,
                            family.createdAt(),
                            now,
                            idle,
                            family.absoluteExpiresAt());
                } else {
                    SessionRecord after = sessions.find(presented.sessionId()).orElse(null);
                    if (after == null || !after.isLiveAt(now)) {
                        // Signed out or expired while we rotated: refused, but nobody reused anything.
                        throw AccessTokens.invalid();
                    }
                    current = isGraceRetry(after, presentedHash, successorHash, now) ? after : null;
                }
            } else if (isGraceRetry(family, presentedHash, successorHash, now)) {
                current = family;
            }
            if (current == null) {
                sessions.revoke(family.id());
                denyAccessTokens(family.id(), now);
                audit.emit(new AuthEvent.RefreshReuseDetected(now, family.tenantId(), family.userId(), family.id()));
                throw AccessTokens.invalid();
            }
            User user = users.findById(family.tenantId(), family.userId()).orElse(null);
            if (user == null || !user.active()) {
                sessions.revoke(family.id());
                throw AccessTokens.invalid();
            }
            audit.emit(new AuthEvent.Refreshed(now, family.tenantId(), family.userId(), family.id()));
            return new LoginResult(user, pair(user, current, successor, now), info(current), false);
        } catch (RuntimeException e) {
            throw Stores.failure("session", e);
        }
    }

    /**
     * Verifies an access token and that its session is still live and its user still active: the check to use
     * where a sign-out or a disabled user must take effect at once.
     *
     * @throws AuthException {@code INVALID_TOKEN}, {@code UNAVAILABLE}
     */
    public SessionView session(String accessToken) {
        Instant now = clock.instant();
        AuthPrincipal principal = accessTokens.verify(accessToken, now);
        try {
            SessionRecord family = sessions.find(principal.sessionId()).orElseThrow(AccessTokens::invalid);
            if (!family.isLiveAt(now)
                    || !family.userId().equals(principal.userId())
                    || !family.tenantId().equals(principal.tenantId())) {
                throw AccessTokens.invalid();
            }
            User user = users.findById(principal.tenantId(), principal.userId())
                    .filter(User::active)
                    .orElseThrow(AccessTokens::invalid);
            return new SessionView(user, info(family), principal);
        } catch (RuntimeException e) {
            throw Stores.failure("session", e);
        }
    }

    /**
     * The route guard: takes an {@code Authorization} header value ({@code Bearer <token>}), verifies the token's
     * signature and claims without a store round trip, and returns the principal to check roles and permissions on.
     * With a {@link RevocationList} configured, signed-out sessions are refused too (one lookup).
     *
     * @throws AuthException {@code INVALID_TOKEN} for a missing, malformed, expired or revoked token
     */
    public AuthPrincipal authenticate(String authorizationHeader) {
        AuthPrincipal principal = accessTokens.verify(parseBearer(authorizationHeader), clock.instant());
        if (revocations != null) {
            boolean revoked;
            try {
                revoked = revocations.isRevoked(principal.sessionId());
            } catch (RuntimeException e) {
                throw Stores.failure("revocation", e);
            }
            if (revoked) {
                throw AccessTokens.invalid();
            }
        }
        return principal;
    }

    /**
     * The token of an {@code Authorization} header value: {@code Bearer <token>}, scheme case-insensitive (RFC 6750
     * §2.1). For hosts that pass the bare token to {@link #session} or {@link #signOut}.
     *
     * @throws AuthException {@code INVALID_TOKEN} when the header is missing or not a Bearer header
     */
    public static String bearerToken(String authorizationHeader) {
        return parseBearer(authorizationHeader);
    }

    /**
     * Verifies an access token's signature and claims only (no store access): for hosts that extract the token
     * themselves.
     */
    public AuthPrincipal verifyAccessToken(String accessToken) {
        return accessTokens.verify(accessToken, clock.instant());
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
        Objects.requireNonNull(scope, "scope");
        Instant now = clock.instant();
        AuthPrincipal principal = accessTokens.verify(accessToken, now);
        int ended;
        try {
            // Only a live session may sign out: a token whose own session already ended must not end the others.
            SessionRecord own = sessions.find(principal.sessionId()).orElseThrow(AccessTokens::invalid);
            if (!own.isLiveAt(now)
                    || !own.userId().equals(principal.userId())
                    || !own.tenantId().equals(principal.tenantId())) {
                throw AccessTokens.invalid();
            }
            List<String> ids = new ArrayList<>();
            if (scope == SignOutScope.LOCAL) {
                ended = sessions.revoke(principal.sessionId()) ? 1 : 0;
                ids.add(principal.sessionId());
            } else {
                for (SessionRecord record : sessions.listForUser(principal.tenantId(), principal.userId(), now)) {
                    if (scope == SignOutScope.GLOBAL || !record.id().equals(principal.sessionId())) {
                        ids.add(record.id());
                    }
                }
                ended = sessions.revokeAllForUser(
                        principal.tenantId(),
                        principal.userId(),
                        scope == SignOutScope.OTHERS ? principal.sessionId() : null);
            }
            for (String id : ids) {
                denyAccessTokens(id, now);
            }
        } catch (RuntimeException e) {
            throw Stores.failure("session", e);
        }
        audit.emit(new AuthEvent.SignedOut(
                now, principal.tenantId(), principal.userId(), principal.sessionId(), scope, ended));
        return ended;
    }

    /**
     * Disables a user and ends all their sessions; their access tokens then fail {@link #session}.
     *
     * @return {@code false} if the tenant has no such user
     */
    public boolean disableUser(String tenantId, UUID userId) {
        String tenant = Inputs.tenant(tenantId);
        Objects.requireNonNull(userId, "userId");
        Instant now = clock.instant();
        try {
            if (!users.disable(tenant, userId, now)) {
                return false;
            }
            endAllSessions(tenant, userId, now);
            return true;
        } catch (RuntimeException e) {
            throw Stores.failure("user", e);
        }
    }

    /** Revokes every session of a user who was just deactivated, and denies their access tokens. */
    private void endAllSessions(String tenant, UUID userId, Instant now) {
        List<SessionRecord> live = sessions.listForUser(tenant, userId, now);
        int ended = sessions.revokeAllForUser(tenant, userId, null);
        for (SessionRecord record : live) {
            denyAccessTokens(record.id(), now);
        }
        audit.emit(new AuthEvent.UserDisabled(now, tenant, userId, ended));
    }

    /** The user with this id in the tenant. */
    public Optional<User> findUser(String tenantId, UUID userId) {
        String tenant = Inputs.tenant(tenantId);
        try {
            return users.findById(tenant, Objects.requireNonNull(userId, "userId"));
        } catch (RuntimeException e) {
            throw Stores.failure("user", e);
        }
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
        Objects.requireNonNull(user, "user");
        String tenant = Inputs.tenant(user.tenantId());
        String email = user.email() == null ? null : Inputs.email(user.email()).value();
        String mobile =
                user.mobile() == null ? null : inputs.mobile(user.mobile()).value();
        String name = user.name() == null ? null : Inputs.text("name", user.name(), 200);
        Inputs.text("role", user.role(), 64);
        for (String permission : user.permissions()) {
            Inputs.text("permission", permission, 128);
        }
        User normalised = new User(
                user.id(),
                tenant,
                email,
                mobile,
                name,
                user.role(),
                user.permissions(),
                user.active(),
                user.lastLoginAt(),
                user.createdAt(),
                user.updatedAt());
        Instant now = clock.instant();
        try {
            Optional<User> updated = users.update(normalised, now);
            if (updated.isPresent() && !updated.get().active()) {
                endAllSessions(tenant, updated.get().id(), now);
            }
            return updated;
        } catch (RuntimeException e) {
            throw Stores.failure("user", e);
        }
    }

    /** The user's live sessions, oldest first. */
    public List<SessionInfo> listSessions(String tenantId, UUID userId) {
        String tenant = Inputs.tenant(tenantId);
        try {
            return sessions.listForUser(tenant, userId, clock.instant()).stream()
                    .map(AuthFacade::info)
                    .toList();
        } catch (RuntimeException e) {
            throw Stores.failure("session", e);
        }
    }

    /** The public verification keys as a JWK Set ({@code {"keys":[...]}}), for other services; empty for HS256. */
    public Map<String, Object> jwkSet() {
        return accessTokens.jwkSet();
    }

    /**
     * Probes every store once and aggregates: DOWN if any store fails, DEGRADED if any is slower than the configured
     * threshold, otherwise UP. Latency is wall time, measured with {@link System#nanoTime()}.
     */
    public HealthReport health() {
        Map<String, HealthReport.Component> components = new LinkedHashMap<>();
        components.put("users", probe(users::ping));
        components.put("otp", probe(otp::ping));
        components.put("sessions", probe(sessions::ping));
        if (revocations != null) {
            components.put("revocations", probe(revocations::ping));
        }
        HealthReport.Status overall = HealthReport.Status.UP;
        for (HealthReport.Component component : components.values()) {
            if (component.status().compareTo(overall) > 0) {
                overall = component.status();
            }
        }
        return new HealthReport(overall, components);
    }

    private HealthReport.Component probe(Runnable ping) {
        long start = System.nanoTime();
        try {
            ping.run();
        } catch (RuntimeException e) {
            Duration latency = Duration.ofNanos(System.nanoTime() - start);
            return new HealthReport.Component(HealthReport.Status.DOWN, latency, "unreachable or failing");
        }
        Duration latency = Duration.ofNanos(System.nanoTime() - start);
        if (latency.compareTo(settings.healthDegradedThreshold()) > 0) {
            return new HealthReport.Component(HealthReport.Status.DEGRADED, latency, "slower than threshold");
        }
        return new HealthReport.Component(HealthReport.Status.UP, latency, null);
    }

    private void throttle(
            String tenant,
            Destination dest,
            @Nullable String ip,
            String name,
            String key,
            AuthSettings.Limit limit,
            Instant now) {
        Counter counter = otp.increment(key, limit.window(), now);
        if (counter.count() > limit.max()) {
            Duration retryAfter = retryAfter(counter, now);
            audit.emit(new AuthEvent.SendThrottled(now, tenant, dest, name, retryAfter, ip));
            throw new AuthException(
                    ErrorCode.RATE_LIMITED, "too many codes requested; try again later", retryAfter, null);
        }
    }

    private static Duration retryAfter(Counter counter, Instant now) {
        Duration wait = Duration.between(now, counter.resetAt());
        Duration rounded = Duration.ofSeconds(wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0));
        return rounded.isNegative() || rounded.isZero() ? Duration.ofSeconds(1) : rounded;
    }

    private String newCode() {
        char[] digits = new char[settings.otpLength()];
        for (int i = 0; i < digits.length; i++) {
            digits[i] = (char) ('0' + random.nextInt(10));
        }
        return new String(digits);
    }

    private Optional<User> findUser(String tenant, Destination dest) {
        try {
            return dest.isEmail() ? users.findByEmail(tenant, dest.value()) : users.findByMobile(tenant, dest.value());
        } catch (RuntimeException e) {
            throw Stores.failure("user", e);
        }
    }

    private UpsertResult createUser(String tenant, Destination dest, Instant now) {
        NewUser draft = new NewUser(
                UUID.randomUUID(),
                tenant,
                dest.isEmail() ? dest.value() : null,
                dest.isEmail() ? null : dest.value(),
                null,
                settings.defaultRole(),
                settings.defaultPermissions());
        NewUser customised = Objects.requireNonNull(newUserCustomizer.apply(draft), "newUserCustomizer result");
        if (!customised.tenantId().equals(tenant)
                || !Objects.equals(customised.email(), draft.email())
                || !Objects.equals(customised.mobile(), draft.mobile())) {
            throw new IllegalStateException("newUserCustomizer may change name, role and permissions only");
        }
        try {
            return users.upsert(customised, now);
        } catch (RuntimeException e) {
            throw Stores.failure("user", e);
        }
    }

    private LoginResult startSession(User user, Instant now, boolean created) {
        String sessionId = UUID.randomUUID().toString();
        byte[] secret = new byte[REFRESH_SECRET_BYTES];
        random.nextBytes(secret);
        Instant absolute = now.plus(settings.refreshAbsoluteTtl());
        SessionRecord record = new SessionRecord(
                sessionId,
                user.tenantId(),
                user.id(),
                hashes.refreshHash(secret),
                null,
                0,
                now,
                now,
                earlier(now.plus(settings.refreshIdleTtl()), absolute),
                absolute);
        try {
            sessions.create(record);
        } catch (RuntimeException e) {
            throw Stores.failure("session", e);
        }
        audit.emit(new AuthEvent.LoggedIn(now, user.tenantId(), user.id(), sessionId));
        return new LoginResult(user, pair(user, record, secret, now), info(record), created);
    }

    private TokenPair pair(User user, SessionRecord session, byte[] refreshSecret, Instant now) {
        AccessTokens.Issued access = accessTokens.issue(user, session.id(), now);
        String refresh = session.id() + "." + B64.encodeToString(refreshSecret) + "."
                + B64.encodeToString(hashes.refreshTag(session.id(), refreshSecret));
        return new TokenPair(access.token(), refresh, access.expiresAt(), session.absoluteExpiresAt());
    }

    /**
     * Whether the presented hash is the family's previous token, rotated within the grace window into exactly the
     * successor this request derived; only then may the same successor be handed out again.
     */
    private boolean isGraceRetry(SessionRecord record, String presentedHash, String successorHash, Instant now) {
        if (record.previousTokenHash() == null || !record.isLiveAt(now)) {
            return false;
        }
        boolean inGrace = !now.isAfter(record.lastRotatedAt().plus(settings.refreshReuseGrace()));
        return inGrace
                && sameHash(presentedHash, record.previousTokenHash())
                && sameHash(successorHash, record.tokenHash());
    }

    private void denyAccessTokens(String sessionId, Instant now) {
        if (revocations != null) {
            revocations.revoke(sessionId, now.plus(settings.accessTokenTtl()).plus(settings.clockSkew()), now);
        }
    }

    private record ParsedRefresh(String sessionId, byte[] secret) {}

    /**
     * Splits {@code <session id>.<secret>.<tag>} and checks the tag before any store is touched: a token Latchkey did
     * not issue is refused outright, so knowing a session id (it is the {@code sid} of access tokens) is not enough
     * to trigger reuse detection and revoke someone else's session.
     */
    private ParsedRefresh parseRefresh(String token) {
        int secretStart = SESSION_ID_CHARS + 1;
        int tagStart = secretStart + SECRET_CHARS + 1;
        if (token == null
                || token.length() != REFRESH_TOKEN_CHARS
                || token.charAt(SESSION_ID_CHARS) != '.'
                || token.charAt(tagStart - 1) != '.') {
            throw AccessTokens.invalid();
        }
        try {
            String sessionId = token.substring(0, SESSION_ID_CHARS);
            if (!UUID.fromString(sessionId).toString().equals(sessionId)) {
                throw AccessTokens.invalid();
            }
            byte[] secret = B64_DECODE.decode(token.substring(secretStart, tagStart - 1));
            byte[] tag = B64_DECODE.decode(token.substring(tagStart));
            if (secret.length != REFRESH_SECRET_BYTES
                    || !MessageDigest.isEqual(tag, hashes.refreshTag(sessionId, secret))) {
                throw AccessTokens.invalid();
            }
            return new ParsedRefresh(sessionId, secret);
        } catch (IllegalArgumentException e) {
            throw AccessTokens.invalid();
        }
    }

    private static String parseBearer(String header) {
        if (header == null || header.length() > Inputs.MAX_TOKEN + 16) {
            throw AccessTokens.invalid();
        }
        String trimmed = header.strip();
        // RFC 6750 §2.1: the scheme is case-insensitive.
        if (trimmed.length() < 8 || !trimmed.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw AccessTokens.invalid();
        }
        return trimmed.substring(7).strip();
    }

    private static boolean sameHash(String a, String b) {
        return b != null
                && MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static SessionInfo info(SessionRecord r) {
        return new SessionInfo(
                r.id(),
                r.tenantId(),
                r.userId(),
                r.createdAt(),
                r.lastRotatedAt(),
                r.expiresAt(),
                r.absoluteExpiresAt());
    }

    /**
     * Assembles a facade. Required: settings, the three stores and the code sender. {@link #build()} fails with an
     * {@link IllegalStateException} naming anything missing.
     */
    public static final class Builder {
        private @Nullable AuthSettings settings;
        private @Nullable UserDatabase users;
        private @Nullable OTPStore otp;
        private @Nullable SessionStore sessions;
        private @Nullable OtpSender sender;
        private @Nullable RevocationList revocations;
        private Clock clock = Clock.systemUTC();
        private AuthEventListener listener = AuthEventListener.logging();
        private UnaryOperator<NewUser> newUserCustomizer = UnaryOperator.identity();

        private Builder() {}

        public Builder settings(AuthSettings value) {
            this.settings = Objects.requireNonNull(value, "settings");
            return this;
        }

        public Builder userDatabase(UserDatabase value) {
            this.users = Objects.requireNonNull(value, "userDatabase");
            return this;
        }

        public Builder otpStore(OTPStore value) {
            this.otp = Objects.requireNonNull(value, "otpStore");
            return this;
        }

        public Builder sessionStore(SessionStore value) {
            this.sessions = Objects.requireNonNull(value, "sessionStore");
            return this;
        }

        /** Delivers codes (SMS, email); the host's own provider. */
        public Builder otpSender(OtpSender value) {
            this.sender = Objects.requireNonNull(value, "otpSender");
            return this;
        }

        /** Optional: makes {@link #authenticate} refuse access tokens of signed-out sessions at once. */
        public Builder revocationList(RevocationList value) {
            this.revocations = Objects.requireNonNull(value, "revocationList");
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
         * change the name, role and permissions, not the tenant or identifiers.
         */
        public Builder newUserCustomizer(UnaryOperator<NewUser> value) {
            this.newUserCustomizer = Objects.requireNonNull(value, "newUserCustomizer");
            return this;
        }

        public AuthFacade build() {
            List<String> missing = new ArrayList<>();
            if (settings == null) {
                missing.add("settings");
            }
            if (users == null) {
                missing.add("userDatabase");
            }
            if (otp == null) {
                missing.add("otpStore");
            }
            if (sessions == null) {
                missing.add("sessionStore");
            }
            if (sender == null) {
                missing.add("otpSender");
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("AuthFacade needs " + String.join(", ", missing));
            }
            return new AuthFacade(this);
        }
    }
}
