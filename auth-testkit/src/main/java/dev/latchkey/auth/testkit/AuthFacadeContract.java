package dev.latchkey.auth.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.AuthEvent;
import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.AuthPrincipal;
import dev.latchkey.auth.AuthSettings;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.HealthReport;
import dev.latchkey.auth.JwtKey;
import dev.latchkey.auth.LoginResult;
import dev.latchkey.auth.OtpDispatch;
import dev.latchkey.auth.SessionView;
import dev.latchkey.auth.SignOutScope;
import dev.latchkey.auth.SignupMode;
import dev.latchkey.auth.User;
import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.OtpChallenge;
import dev.latchkey.auth.spi.OtpMessage;
import dev.latchkey.auth.spi.OtpSender;
import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.spi.RevocationList;
import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.spi.TokenIssuer;
import dev.latchkey.auth.spi.UserDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole login life cycle and every security behaviour of {@link AuthFacade}, run over the stores a subclass
 * provides. Each store module runs it with its own stores, so the facade is proven end to end on every backend.
 *
 * <pre>{@code
 * class PostgresFacadeTest extends AuthFacadeContract {
 *     protected UserDatabase userDatabase() { return USERS; }
 *     protected OTPStore otpStore() { return CODES; }
 *     protected RateLimitStore rateLimitStore() { return COUNTERS; }
 *     protected SessionStore sessionStore() { return SESSIONS; }
 * }
 * }</pre>
 *
 * <p>Every test works in its own random tenant, so a shared backend needs no cleanup. Time comes from a {@link
 * MutableClock} starting in 2030; nothing sleeps.
 */
public abstract class AuthFacadeContract {
    private static final byte[] HASH_SECRET =
            "q8Zr1vT0xN4mW7kB2yH5cJ9pL3sD6fG0aE1uR4iO7nV".getBytes(StandardCharsets.UTF_8);
    private static final JwtKey SIGNING_KEY = JwtKey.generateEs256("contract-key");

    /** The user database under test. */
    protected abstract UserDatabase userDatabase();

    /** The code store under test. */
    protected abstract OTPStore otpStore();

    /** The throttle and failure-budget counters under test. */
    protected abstract RateLimitStore rateLimitStore();

    /** The session store under test. */
    protected abstract SessionStore sessionStore();

    /** The revocation list under test, if the backend has one. */
    protected Optional<RevocationList> revocationList() {
        return Optional.empty();
    }

    /** The token issuer to run the contract over; the default nimbus-based issuer when empty. */
    protected Optional<TokenIssuer> tokenIssuer() {
        return Optional.empty();
    }

    protected final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    protected final List<OtpMessage> sent = new CopyOnWriteArrayList<>();
    protected final List<AuthEvent> events = new CopyOnWriteArrayList<>();
    protected String tenant;
    protected String email;
    protected AuthFacade auth;
    private final List<AuthFacade> built = new CopyOnWriteArrayList<>();

    @BeforeEach
    void newTenantAndFacade() {
        String unique = UUID.randomUUID().toString().substring(0, 8);
        tenant = "t-" + unique;
        email = "ada." + unique + "@example.com";
        auth = facade(settings());
    }

    /** Settings used by default; tests change them through {@link AuthSettings#toBuilder()}. */
    protected AuthSettings.Builder settings() {
        return AuthSettings.builder().hashSecret(HASH_SECRET).signingKey(SIGNING_KEY);
    }

    /** Every facade a test builds is closed after it, so no revocation-mirror subscription outlives its test. */
    protected AuthFacade closing(AuthFacade facade) {
        built.add(facade);
        return facade;
    }

    @AfterEach
    void closeFacades() {
        built.forEach(AuthFacade::close);
        built.clear();
    }

    protected AuthFacade facade(AuthSettings.Builder settings) {
        return closing(builder(settings, userDatabase(), otpStore(), sessionStore(), sent::add)
                .build());
    }

    private AuthFacade.Builder builder(
            AuthSettings.Builder settings, UserDatabase users, OTPStore otp, SessionStore sessions, OtpSender s) {
        AuthFacade.Builder b = AuthFacade.builder()
                .settings(settings.build())
                .userDatabase(users)
                .otpStore(otp)
                .rateLimitStore(rateLimitStore())
                .sessionStore(sessions)
                .otpSender(s)
                .clock(clock)
                .eventListener(events::add);
        revocationList().ifPresent(b::revocationList);
        tokenIssuer().ifPresent(b::tokenIssuer);
        return b;
    }

    // ---------------------------------------------------------------- life cycle

    @Test
    public void wholeLifeCycleSendVerifySessionGuardRefreshSignOut() {
        OtpDispatch dispatch = send(auth, email, "203.0.113.7");
        assertThat(dispatch.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
        String code = lastCode();

        LoginResult login = verify(auth, email, code);
        assertThat(login.newUser()).isTrue();
        assertThat(login.user().email()).isEqualTo(email);
        assertThat(login.user().role()).isEqualTo("member");
        assertThat(login.user().lastLoginAt()).isEqualTo(clock.instant());
        assertThat(login.tokens().accessTokenExpiresAt())
                .isEqualTo(clock.instant().plus(Duration.ofMinutes(15)));

        SessionView view = auth.session(login.tokens().accessToken());
        assertThat(view.user().id()).isEqualTo(login.user().id());
        assertThat(view.session().id()).isEqualTo(login.session().id());

        AuthPrincipal principal = auth.authenticate("Bearer " + login.tokens().accessToken());
        assertThat(principal.userId()).isEqualTo(login.user().id());
        assertThat(principal.tenantId()).isEqualTo(tenant);
        assertThat(principal.hasRole("member")).isTrue();
        assertForbidden(() -> principal.requireRole("admin"));

        clock.advance(Duration.ofMinutes(10));
        LoginResult refreshed = auth.refresh(login.tokens().refreshToken());
        assertThat(refreshed.user().id()).isEqualTo(login.user().id());
        assertThat(refreshed.tokens().refreshToken())
                .isNotEqualTo(login.tokens().refreshToken());
        assertThat(auth.session(refreshed.tokens().accessToken()).session().id())
                .isEqualTo(login.session().id());

        assertThat(auth.signOut(refreshed.tokens().accessToken(), SignOutScope.LOCAL))
                .isEqualTo(1);
        assertInvalidToken(() -> auth.session(refreshed.tokens().accessToken()));
        assertInvalidToken(() -> auth.refresh(refreshed.tokens().refreshToken()));

        assertThat(events)
                .extracting(e -> e.getClass().getSimpleName())
                .containsSubsequence("CodeSent", "CodeVerified", "UserCreated", "LoggedIn", "Refreshed", "SignedOut");
    }

    @Test
    public void secondLoginFindsTheSameUser() {
        LoginResult first = login(email);
        clock.advance(Duration.ofMinutes(2));
        LoginResult second = login(email);
        assertThat(second.newUser()).isFalse();
        assertThat(second.user().id()).isEqualTo(first.user().id());
        assertThat(second.session().id()).isNotEqualTo(first.session().id());
    }

    // ---------------------------------------------------------------- one-time codes

    @Test
    public void codeIsStoredOnlyAsAKeyedHash() {
        List<OtpChallenge> saved = new CopyOnWriteArrayList<>();
        OTPStore recording = recording(otpStore(), saved);
        AuthFacade recorded = closing(builder(settings(), userDatabase(), recording, sessionStore(), sent::add)
                .build());
        send(recorded, email);
        String code = lastCode();

        assertThat(saved).hasSize(1);
        OtpChallenge stored =
                otpStore().findChallenge(saved.get(0).key(), clock.instant()).orElseThrow();
        assertThat(stored.codeHash()).doesNotContain(code).isNotEqualTo(sha256(code));
        assertThat(stored.key()).doesNotContain(email).doesNotContain(tenant);
        assertThat(stored.maxAttempts()).isEqualTo(5);
        assertThat(stored.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));

        AuthFacade otherSecret = closing(builder(
                        settings()
                                .hashSecret(
                                        "Other7s3cr3t9Zr1vT0xN4mW7kB2yH5cJ9pL3sD6f".getBytes(StandardCharsets.UTF_8)),
                        userDatabase(),
                        recording,
                        sessionStore(),
                        sent::add)
                .build());
        send(otherSecret, "second." + email);
        assertThat(saved.get(1).key()).isNotEqualTo(saved.get(0).key());
    }

    @Test
    public void codeIsSingleUse() {
        send(auth, email);
        String code = lastCode();
        verify(auth, email, code);
        assertInvalidCode(() -> verify(auth, email, code));
    }

    @Test
    public void eachCodeKeepsItsOwnChallengeAndCodesAreNotInterchangeable() {
        OtpDispatch first = send(auth, email);
        String firstCode = lastCode();
        clock.advance(Duration.ofSeconds(61));
        OtpDispatch second = send(auth, email);
        String secondCode = lastCode();
        assertThat(second.challengeId()).isNotEqualTo(first.challengeId());
        assertInvalidCode(() -> auth.verifyOtp(tenant, email, second.challengeId(), wrong(secondCode)));
        if (!firstCode.equals(secondCode)) {
            assertInvalidCode(() -> auth.verifyOtp(tenant, email, second.challengeId(), firstCode));
        }
        assertThat(auth.verifyOtp(tenant, email, first.challengeId(), firstCode)
                        .user()
                        .email())
                .as("a newer code does not replace an older one the same person may be typing")
                .isEqualTo(email);
        clock.advance(Duration.ofSeconds(1));
        assertThat(auth.verifyOtp(tenant, email, second.challengeId(), secondCode)
                        .user()
                        .email())
                .isEqualTo(email);
    }

    @Test
    public void codeIsBoundToTenantAndDestination() {
        send(auth, email);
        String code = lastCode();
        assertInvalidCode(() -> verify(auth, "other." + email, code));
        String challengeId = Objects.requireNonNull(challenges.get(email));
        assertInvalidCode(() -> auth.verifyOtp(tenant + "-other", email, challengeId, code));
        assertThat(verify(auth, email, code).user().tenantId()).isEqualTo(tenant);
    }

    @Test
    public void fiveWrongAttemptsLockTheCode() {
        send(auth, email);
        String code = lastCode();
        String wrong = wrong(code);
        for (int i = 0; i < 5; i++) {
            assertInvalidCode(() -> verify(auth, email, wrong));
        }
        assertInvalidCode(() -> verify(auth, email, code));
    }

    @Test
    public void clientFailureBudgetIsNotResetByResendingAndGivesRetryAfter() {
        AuthFacade strict =
                facade(settings().otpFailureLimitPerClient(new AuthSettings.Limit(7, Duration.ofHours(24))));
        send(strict, email);
        String wrong = wrong(lastCode());
        for (int i = 0; i < 5; i++) {
            assertInvalidCode(() -> verify(strict, email, wrong));
        }
        clock.advance(Duration.ofSeconds(61));
        send(strict, email);
        String fresh = lastCode();
        String wrong2 = wrong(fresh);
        assertInvalidCode(() -> verify(strict, email, wrong2));
        assertInvalidCode(() -> verify(strict, email, wrong2));

        AuthException refused = catchAuth(() -> verify(strict, email, fresh));
        assertThat(refused.errorCode()).isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        assertThat(refused.httpStatus()).isEqualTo(429);
        assertThat(refused.retryAfter())
                .hasValueSatisfying(d -> assertThat(d).isPositive().isLessThanOrEqualTo(Duration.ofHours(24)));
        assertThat(events).anyMatch(e -> e instanceof AuthEvent.LockedOut);

        clock.advance(Duration.ofHours(24));
        send(strict, email);
        assertThat(verify(strict, email, lastCode()).user().email()).isEqualTo(email);
    }

    @Test
    public void resendWithinCooldownIsRateLimitedWithRetryAfter() {
        send(auth, email);
        clock.advance(Duration.ofSeconds(20));
        AuthException limited = catchAuth(() -> send(auth, email));
        assertThat(limited.errorCode()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(limited.retryAfter()).contains(Duration.ofSeconds(40));
        assertThat(sent).hasSize(1);
        clock.advance(Duration.ofSeconds(40));
        send(auth, email);
        assertThat(sent).hasSize(2);
    }

    @Test
    public void sendsRefusedByTheCooldownDoNotSpendTheHourlyCap() {
        send(auth, email);
        for (int i = 0; i < 10; i++) {
            assertThat(catchAuth(() -> send(auth, email)).errorCode()).isEqualTo(ErrorCode.RATE_LIMITED);
        }
        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofSeconds(61));
            send(auth, email);
        }
        assertThat(sent).hasSize(5);
    }

    @Test
    public void sendsRefusedForTheCallersIpDoNotSpendTheDestinationsCap() {
        AuthFacade capped = facade(settings().sendLimitPerIp(new AuthSettings.Limit(1, Duration.ofHours(1))));
        String attackerIp = "198.51.100." + (1 + new java.util.Random().nextInt(250));
        send(capped, "other." + email, attackerIp);
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofSeconds(61));
            assertThat(catchAuth(() -> send(capped, email, attackerIp)).errorCode())
                    .isEqualTo(ErrorCode.RATE_LIMITED);
        }
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(61));
            send(capped, email);
        }
        assertThat(sent).hasSize(6);
    }

    @Test
    public void guessesWithNoCodePendingNeitherLockOutNorFillTheStore() {
        for (int i = 0; i < 30; i++) {
            assertInvalidCode(() -> verify(auth, email, "000000"));
        }
        send(auth, email);
        assertThat(verify(auth, email, lastCode()).user().email()).isEqualTo(email);
    }

    @Test
    public void sendsPerDestinationAreCapped() {
        for (int i = 0; i < 5; i++) {
            send(auth, email);
            clock.advance(Duration.ofSeconds(61));
        }
        AuthException limited = catchAuth(() -> send(auth, email));
        assertThat(limited.errorCode()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(limited.retryAfter()).isPresent();
        assertThat(sent).hasSize(5);
        assertThat(events)
                .anyMatch(
                        e -> e instanceof AuthEvent.SendThrottled t && t.limit().equals("destination"));
    }

    @Test
    public void sendsPerClientIpAreCappedAcrossDestinations() {
        AuthFacade capped = facade(settings().sendLimitPerIp(new AuthSettings.Limit(3, Duration.ofHours(1))));
        String ip = "198.51.100." + (1 + new java.util.Random().nextInt(250));
        String ipv6 = "2001:db8::" + Integer.toHexString(new java.util.Random().nextInt(0xffff));
        for (int i = 0; i < 3; i++) {
            send(capped, "u" + i + email, ip);
        }
        assertThat(catchAuth(() -> send(capped, "u9" + email, ip)).errorCode()).isEqualTo(ErrorCode.RATE_LIMITED);
        send(capped, "u9" + email, ipv6);
        assertThat(sent).hasSize(4);
    }

    @Test
    public void optionalTenantCapBoundsSendsAcrossAllDestinations() {
        AuthFacade capped = facade(settings().sendLimitPerTenant(new AuthSettings.Limit(3, Duration.ofHours(1))));
        for (int i = 0; i < 3; i++) {
            send(capped, "u" + i + email);
        }
        AuthException limited = catchAuth(() -> send(capped, "u9" + email));
        assertThat(limited.errorCode()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(events)
                .anyMatch(
                        e -> e instanceof AuthEvent.SendThrottled t && t.limit().equals("tenant"));
        capped.sendOtp(tenant + "-other", "u10" + email);
        assertThat(sent).hasSize(4);
    }

    @Test
    public void inviteOnlySendsNothingToUnknownDestinationsButAnswersTheSame() {
        login(email);
        int before = sent.size();
        AuthFacade invite = facade(settings().signupMode(SignupMode.INVITE_ONLY));
        clock.advance(Duration.ofMinutes(2));

        OtpDispatch known = send(invite, email);
        assertThat(sent).hasSize(before + 1);
        OtpDispatch unknown = send(invite, "stranger." + email);
        assertThat(sent).hasSize(before + 1);
        assertThat(unknown.expiresAt()).isEqualTo(known.expiresAt());
        assertThat(unknown.resendAvailableAt()).isEqualTo(known.resendAvailableAt());

        assertThat(events)
                .filteredOn(e -> e instanceof AuthEvent.CodeSent c && !c.delivered())
                .hasSize(1);
        assertThat(verify(invite, email, lastCode()).newUser()).isFalse();
        assertInvalidCode(() -> verify(invite, "stranger." + email, "123456"));
        assertThat(userDatabase().findByEmail(tenant, "stranger." + email)).isEmpty();
    }

    // ---------------------------------------------------------------- tokens and sessions

    @Test
    public void refreshRotatesAndReuseOfTheOldTokenRevokesTheWholeFamily() {
        LoginResult login = login(email);
        String first = login.tokens().refreshToken();
        LoginResult second = auth.refresh(first);
        clock.advance(Duration.ofMinutes(1));
        LoginResult third = auth.refresh(second.tokens().refreshToken());

        assertInvalidToken(() -> auth.refresh(first));

        assertThat(events).anyMatch(e -> e instanceof AuthEvent.RefreshReuseDetected);
        assertInvalidToken(() -> auth.refresh(third.tokens().refreshToken()));
        assertInvalidToken(() -> auth.session(third.tokens().accessToken()));
    }

    @Test
    public void retryWithinGraceWindowReceivesTheSameSuccessor() {
        LoginResult login = login(email);
        LoginResult first = auth.refresh(login.tokens().refreshToken());
        clock.advance(Duration.ofSeconds(5));
        LoginResult retry = auth.refresh(login.tokens().refreshToken());

        assertThat(retry.tokens().refreshToken()).isEqualTo(first.tokens().refreshToken());
        assertThat(auth.refresh(retry.tokens().refreshToken()).user().id())
                .isEqualTo(login.user().id());
    }

    @Test
    public void justRotatedTokenIsRefusedAfterTheGraceWindowAndRevokesTheFamily() {
        LoginResult login = login(email);
        LoginResult next = auth.refresh(login.tokens().refreshToken());
        clock.advance(Duration.ofSeconds(11));
        assertInvalidToken(() -> auth.refresh(login.tokens().refreshToken()));
        assertInvalidToken(() -> auth.refresh(next.tokens().refreshToken()));
    }

    @Test
    public void olderTokensStayRefusedEvenWithinTheGraceWindow() {
        LoginResult login = login(email);
        LoginResult second = auth.refresh(login.tokens().refreshToken());
        auth.refresh(second.tokens().refreshToken());
        assertInvalidToken(() -> auth.refresh(login.tokens().refreshToken()));
    }

    @Test
    public void concurrentRefreshesOfOneTokenYieldExactlyOneSuccessor() {
        LoginResult login = login(email);
        List<String> successors = ConcurrentRunner.runConcurrently(16, i -> {
            try {
                return auth.refresh(login.tokens().refreshToken()).tokens().refreshToken();
            } catch (AuthException e) {
                return "failed:" + e.errorCode();
            }
        });
        assertThat(new HashSet<>(successors)).hasSize(1);
        assertThat(successors.get(0)).doesNotStartWith("failed:");
        assertThat(sessionStore().find(login.session().id()).orElseThrow().generation())
                .isEqualTo(1);
    }

    @Test
    public void forgedRefreshTokenForAKnownSessionIsRefusedWithoutRevokingIt() {
        LoginResult login = login(email);
        String sessionId = login.session().id();
        String forged =
                sessionId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]) + "."
                        + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[16]);
        assertInvalidToken(() -> auth.refresh(forged));
        assertThat(auth.refresh(login.tokens().refreshToken()).session().id()).isEqualTo(sessionId);
    }

    @Test
    public void signOutOthersKeepsTheCurrentSessionOnly() {
        LoginResult phone = login(email);
        clock.advance(Duration.ofMinutes(2));
        LoginResult laptop = login(email);
        clock.advance(Duration.ofMinutes(2));
        LoginResult tablet = login(email);

        assertThat(auth.listSessions(tenant, phone.user().id())).hasSize(3);
        assertThat(auth.signOut(laptop.tokens().accessToken(), SignOutScope.OTHERS))
                .isEqualTo(2);

        assertThat(auth.session(laptop.tokens().accessToken()).session().id())
                .isEqualTo(laptop.session().id());
        assertInvalidToken(() -> auth.session(phone.tokens().accessToken()));
        assertInvalidToken(() -> auth.refresh(tablet.tokens().refreshToken()));
    }

    @Test
    public void tokenOfAnEndedSessionCannotSignOutTheOthers() {
        LoginResult ended = login(email);
        clock.advance(Duration.ofMinutes(2));
        LoginResult other = login(email);
        auth.signOut(ended.tokens().accessToken(), SignOutScope.LOCAL);

        assertInvalidToken(() -> auth.signOut(ended.tokens().accessToken(), SignOutScope.GLOBAL));
        assertThat(auth.session(other.tokens().accessToken()).session().id())
                .isEqualTo(other.session().id());
    }

    @Test
    public void sessionCheckRefusesAnAccessTokenThatOutlivesItsSession() {
        AuthFacade short10 = facade(settings()
                .accessTokenTtl(Duration.ofMinutes(10))
                .refreshIdleTtl(Duration.ofMinutes(10))
                .refreshAbsoluteTtl(Duration.ofMinutes(10)));
        send(short10, email);
        LoginResult login = verify(short10, email, lastCode());
        clock.advance(Duration.ofMinutes(8));
        LoginResult late = short10.refresh(login.tokens().refreshToken());
        clock.advance(Duration.ofMinutes(3));
        assertThat(short10.authenticate("Bearer " + late.tokens().accessToken()))
                .isNotNull();
        assertInvalidToken(() -> short10.session(late.tokens().accessToken()));
    }

    @Test
    public void signOutGlobalEndsEverySession() {
        LoginResult a = login(email);
        clock.advance(Duration.ofMinutes(2));
        LoginResult b = login(email);
        assertThat(auth.signOut(a.tokens().accessToken(), SignOutScope.GLOBAL)).isEqualTo(2);
        assertInvalidToken(() -> auth.session(a.tokens().accessToken()));
        assertInvalidToken(() -> auth.session(b.tokens().accessToken()));
        assertThat(auth.listSessions(tenant, a.user().id())).isEmpty();
    }

    @Test
    public void signedOutAccessTokensAreRefusedByAuthenticateWhenARevocationListIsConfigured() {
        LoginResult login = login(email);
        String header = "Bearer " + login.tokens().accessToken();
        assertThat(auth.authenticate(header)).isNotNull();
        auth.signOut(login.tokens().accessToken(), SignOutScope.LOCAL);
        if (revocationList().isPresent()) {
            assertInvalidToken(() -> auth.authenticate(header));
        } else {
            assertThat(auth.authenticate(header).sessionId())
                    .isEqualTo(login.session().id());
        }
        assertInvalidToken(() -> auth.session(login.tokens().accessToken()));
    }

    @Test
    public void disablingAUserEndsTheirSessionsAndBlocksLogin() {
        LoginResult login = login(email);
        assertThat(auth.disableUser(tenant, login.user().id())).isTrue();

        assertInvalidToken(() -> auth.session(login.tokens().accessToken()));
        assertInvalidToken(() -> auth.refresh(login.tokens().refreshToken()));
        clock.advance(Duration.ofMinutes(2));
        send(auth, email);
        AuthException disabled = catchAuth(() -> verify(auth, email, lastCode()));
        assertThat(disabled.errorCode()).isEqualTo(ErrorCode.USER_DISABLED);
        assertThat(auth.disableUser(tenant, UUID.randomUUID())).isFalse();
    }

    @Test
    public void disablingAUserDeletesTheirSessionsFromTheStore() {
        LoginResult login = login(email);
        auth.disableUser(tenant, login.user().id());
        assertThat(sessionStore().find(login.session().id())).isEmpty();
        assertThat(events).anyMatch(e -> e instanceof AuthEvent.UserDisabled d && d.sessionsEnded() == 1);
    }

    @Test
    public void deactivatingThroughUpdateUserEndsSessionsToo() {
        LoginResult login = login(email);
        assertThat(auth.updateUser(login.user().withActive(false)))
                .hasValueSatisfying(u -> assertThat(u.active()).isFalse());
        assertThat(sessionStore().find(login.session().id())).isEmpty();
        assertInvalidToken(() -> auth.refresh(login.tokens().refreshToken()));
        assertThat(auth.updateUser(login.user().withActive(true))).isPresent();
        assertInvalidToken(() -> auth.refresh(login.tokens().refreshToken()));
    }

    @Test
    public void roleChangesReachTokensAtTheNextRefresh() {
        LoginResult login = login(email);
        User promoted = login.user().withProfile(email, null, "Ada", "admin", Set.of("users:write"));
        assertThat(auth.updateUser(promoted))
                .hasValueSatisfying(u -> assertThat(u.role()).isEqualTo("admin"));
        assertThat(auth.authenticate("Bearer " + login.tokens().accessToken()).role())
                .isEqualTo("member");
        LoginResult refreshed = auth.refresh(login.tokens().refreshToken());
        assertThat(auth.authenticate("Bearer " + refreshed.tokens().accessToken())
                        .role())
                .isEqualTo("admin");
    }

    // ---------------------------------------------------------------- failing closed

    @Test
    public void failingCodeStoreNeverLogsAnyoneIn() {
        send(auth, email);
        String code = lastCode();
        AuthFacade broken = closing(builder(
                        settings(),
                        userDatabase(),
                        failing(otpStore(), OTPStore.class, "verify", "verifyWithBudgets"),
                        sessionStore(),
                        sent::add)
                .build());
        AuthException e = catchAuth(() -> verify(broken, email, code));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.httpStatus()).isEqualTo(503);
        assertThat(e.getMessage()).doesNotContain(code);
        assertThat(e).isExactlyInstanceOf(AuthException.class);
    }

    @Test
    public void failingSessionStoreNeverIssuesTokens() {
        send(auth, email);
        String code = lastCode();
        AuthFacade broken = closing(builder(
                        settings(),
                        userDatabase(),
                        otpStore(),
                        failing(sessionStore(), SessionStore.class, "create"),
                        sent::add)
                .build());
        assertThat(catchAuth(() -> verify(broken, email, code)).errorCode()).isEqualTo(ErrorCode.UNAVAILABLE);
    }

    @Test
    public void failingUserDatabaseMakesSessionCheckUnavailable() {
        LoginResult login = login(email);
        AuthFacade broken = closing(builder(
                        settings(),
                        failing(userDatabase(), UserDatabase.class, "findById"),
                        otpStore(),
                        sessionStore(),
                        sent::add)
                .build());
        assertThat(catchAuth(() -> broken.session(login.tokens().accessToken())).errorCode())
                .isEqualTo(ErrorCode.UNAVAILABLE);
    }

    @Test
    public void healthIsUpForWorkingStoresAndDownForABrokenOne() {
        HealthReport up = auth.health();
        assertThat(up.status()).isIn(HealthReport.Status.UP, HealthReport.Status.DEGRADED);
        assertThat(up.components()).containsKeys("users", "otp", "sessions");

        AuthFacade broken =
                closing(builder(settings(), userDatabase(), broken(OTPStore.class), sessionStore(), sent::add)
                        .build());
        HealthReport down = broken.health();
        assertThat(down.status()).isEqualTo(HealthReport.Status.DOWN);
        assertThat(Objects.requireNonNull(down.components().get("otp")).status())
                .isEqualTo(HealthReport.Status.DOWN);
        assertThat(Objects.requireNonNull(down.components().get("users")).status())
                .isNotEqualTo(HealthReport.Status.DOWN);
    }

    // ---------------------------------------------------------------- helpers

    private final Map<String, String> challenges = new ConcurrentHashMap<>();

    /** Sends a code without a client IP, remembering its challenge id as the client that asked would. */
    protected OtpDispatch send(AuthFacade facade, String destination) {
        return send(facade, destination, null);
    }

    /** Sends a code from a client IP, remembering its challenge id as the client that asked would. */
    protected OtpDispatch send(AuthFacade facade, String destination, @Nullable String clientIp) {
        OtpDispatch dispatch = facade.sendOtp(tenant, destination, clientIp);
        challenges.put(dispatch.destination().value(), dispatch.challengeId());
        return dispatch;
    }

    /** Verifies with the challenge id of the last code sent to the destination (a made-up one if none was). */
    protected LoginResult verify(AuthFacade facade, String destination, String code) {
        String challengeId = challenges.getOrDefault(destination.toLowerCase(Locale.ROOT), "AAAAAAAAAAAAAAAAAAAAAA");
        return facade.verifyOtp(tenant, destination, challengeId, code);
    }

    /** Sends a code to the destination and logs in with it. */
    protected LoginResult login(String destination) {
        send(auth, destination);
        return verify(auth, destination, lastCode());
    }

    /** The last code handed to the sender. */
    protected String lastCode() {
        assertThat(sent).as("codes sent").isNotEmpty();
        return sent.get(sent.size() - 1).code();
    }

    private static String wrong(String code) {
        char last = code.charAt(code.length() - 1);
        return code.substring(0, code.length() - 1) + (last == '9' ? '0' : (char) (last + 1));
    }

    private static String sha256(String s) {
        try {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(s.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static AuthException catchAuth(ThrowingCallable call) {
        try {
            call.call();
        } catch (AuthException e) {
            return e;
        } catch (Throwable t) {
            throw new AssertionError("expected an AuthException, got " + t, t);
        }
        throw new AssertionError("expected an AuthException, but the call succeeded");
    }

    private static void assertInvalidToken(ThrowingCallable call) {
        assertThat(catchAuth(call).errorCode()).isEqualTo(ErrorCode.INVALID_TOKEN);
    }

    private static void assertInvalidCode(ThrowingCallable call) {
        assertThat(catchAuth(call).errorCode()).isEqualTo(ErrorCode.INVALID_CODE);
    }

    private static void assertForbidden(ThrowingCallable call) {
        AuthException e = catchAuth(call);
        assertThat(e.errorCode()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(e.httpStatus()).isEqualTo(403);
    }

    /** A store whose every method fails as an unreachable backend would. */
    protected static <T> T broken(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return method.invoke(new Object(), args);
            }
            throw new IllegalStateException("connection refused");
        }));
    }

    /** The real store, recording every challenge saved through it. */
    private static OTPStore recording(OTPStore delegate, List<OtpChallenge> saved) {
        return (OTPStore) Proxy.newProxyInstance(
                OTPStore.class.getClassLoader(), new Class<?>[] {OTPStore.class}, (proxy, method, args) -> {
                    // A challenge is saved on its own or as the last step of issueChallenge.
                    if (method.getName().equals("saveChallenge")) {
                        saved.add((OtpChallenge) args[0]);
                    } else if (method.getName().equals("issueChallenge")) {
                        saved.add((OtpChallenge) args[3]);
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /**
     * The real store, except that the named methods fail as an unreachable backend would. Name a primitive together
     * with the login step built on it (such as {@code verify} with {@code verifyWithBudgets}): a store may do the step
     * without calling the primitive through this proxy.
     */
    protected static <T> T failing(T delegate, Class<T> type, String... methodNames) {
        List<String> names = List.of(methodNames);
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (names.contains(method.getName())) {
                throw new IllegalStateException("connection reset");
            }
            try {
                return method.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }
}
