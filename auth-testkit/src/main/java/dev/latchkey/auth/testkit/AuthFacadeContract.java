package dev.latchkey.auth.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.AuthEvent;
import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.AuthPrincipal;
import dev.latchkey.auth.AuthSettings;
import dev.latchkey.auth.Destination;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.HealthReport;
import dev.latchkey.auth.JwtKey;
import dev.latchkey.auth.LoginResult;
import dev.latchkey.auth.OtpDispatch;
import dev.latchkey.auth.SessionView;
import dev.latchkey.auth.SignOutScope;
import dev.latchkey.auth.SignupMode;
import dev.latchkey.auth.User;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.OtpChallenge;
import dev.latchkey.auth.spi.OtpMessage;
import dev.latchkey.auth.spi.OtpSender;
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
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
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
    private static final String PHONE = "+14155550123";

    /** The user database under test. */
    protected abstract UserDatabase userDatabase();

    /** The code store under test. */
    protected abstract OTPStore otpStore();

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

    protected AuthFacade facade(AuthSettings.Builder settings) {
        return builder(settings, userDatabase(), otpStore(), sessionStore(), sent::add)
                .build();
    }

    private AuthFacade.Builder builder(
            AuthSettings.Builder settings, UserDatabase users, OTPStore otp, SessionStore sessions, OtpSender s) {
        AuthFacade.Builder b = AuthFacade.builder()
                .settings(settings.build())
                .userDatabase(users)
                .otpStore(otp)
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
        OtpDispatch dispatch = auth.sendOtp(tenant, email, "203.0.113.7");
        assertThat(dispatch.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
        String code = lastCode();

        LoginResult login = auth.verifyOtp(tenant, email, code);
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

    @Test
    public void mobileNumbersAreNormalisedSoAnySpellingReachesTheSameUser() {
        auth.sendOtp(tenant, "+1 (415) 555-0123");
        assertThat(sent.get(sent.size() - 1).destination().value()).isEqualTo(PHONE);
        LoginResult login = auth.verifyOtp(tenant, "+1 415-555-0123", lastCode());
        assertThat(login.user().mobile()).isEqualTo(PHONE);
        assertThat(login.user().email()).isNull();
        assertThat(userDatabase().findByMobile(tenant, PHONE))
                .map(User::id)
                .contains(login.user().id());
    }

    @Test
    public void normaliseDestinationMatchesWhatLoginsStore() {
        LoginResult login = login("Ada." + email.toUpperCase(java.util.Locale.ROOT));
        assertThat(Destination.normalise("  ADA." + email + " ", auth.settings())
                        .value())
                .isEqualTo(login.user().email());
        assertThat(Destination.normalise("+1 (415) 555-0123", auth.settings()).value())
                .isEqualTo(PHONE);
        assertThat(catchAuth(() -> Destination.normalise("+19005550123", auth.settings()))
                        .errorCode())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    @Test
    public void newUserCustomizerCanMakeABootstrapAdmin() {
        AuthFacade withAdmin = builder(settings(), userDatabase(), otpStore(), sessionStore(), sent::add)
                .newUserCustomizer(draft -> email.equals(draft.email())
                        ? new NewUser(draft.id(), draft.tenantId(), draft.email(), null, "Root", "admin", Set.of("*"))
                        : draft)
                .build();
        withAdmin.sendOtp(tenant, email);
        LoginResult login = withAdmin.verifyOtp(tenant, email, lastCode());
        assertThat(login.user().role()).isEqualTo("admin");
        assertThat(withAdmin
                        .authenticate("Bearer " + login.tokens().accessToken())
                        .requireRole("admin"))
                .isNotNull();
    }

    // ---------------------------------------------------------------- one-time codes

    @Test
    public void codesHaveSixDigitsByDefaultAndTheConfiguredLengthOtherwise() {
        auth.sendOtp(tenant, email);
        assertThat(lastCode()).matches("[0-9]{6}");
        AuthFacade tenDigits = facade(settings().otpLength(10));
        tenDigits.sendOtp(tenant, "b" + email);
        assertThat(lastCode()).matches("[0-9]{10}");
    }

    @Test
    public void codesAreNotPredictableFromOneAnother() {
        Set<String> codes = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            auth.sendOtp(tenant, "u" + i + email);
            codes.add(lastCode());
        }
        // 20 uniform 6-digit codes collide with probability < 0.02%; a constant or counter-based generator fails.
        assertThat(codes).hasSizeGreaterThanOrEqualTo(19);
    }

    @Test
    public void codeExpiresAfterFiveMinutesByDefault() {
        auth.sendOtp(tenant, email);
        String code = lastCode();
        clock.advance(Duration.ofMinutes(5));
        assertInvalidCode(() -> auth.verifyOtp(tenant, email, code));
    }

    @Test
    public void codeIsAcceptedJustBeforeExpiry() {
        auth.sendOtp(tenant, email);
        String code = lastCode();
        clock.advance(Duration.ofMinutes(5).minusSeconds(1));
        assertThat(auth.verifyOtp(tenant, email, code).user().email()).isEqualTo(email);
    }

    @Test
    public void codeIsStoredOnlyAsAKeyedHash() {
        List<OtpChallenge> saved = new CopyOnWriteArrayList<>();
        OTPStore recording = recording(otpStore(), saved);
        AuthFacade recorded = builder(settings(), userDatabase(), recording, sessionStore(), sent::add)
                .build();
        recorded.sendOtp(tenant, email);
        String code = lastCode();

        assertThat(saved).hasSize(1);
        OtpChallenge stored =
                otpStore().findChallenge(saved.get(0).key(), clock.instant()).orElseThrow();
        assertThat(stored.codeHash()).doesNotContain(code).isNotEqualTo(sha256(code));
        assertThat(stored.key()).doesNotContain(email).doesNotContain(tenant);
        assertThat(stored.maxAttempts()).isEqualTo(5);
        assertThat(stored.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));

        AuthFacade otherSecret = builder(
                        settings()
                                .hashSecret(
                                        "Other7s3cr3t9Zr1vT0xN4mW7kB2yH5cJ9pL3sD6f".getBytes(StandardCharsets.UTF_8)),
                        userDatabase(),
                        recording,
                        sessionStore(),
                        sent::add)
                .build();
        otherSecret.sendOtp(tenant, "second." + email);
        assertThat(saved.get(1).key()).isNotEqualTo(saved.get(0).key());
    }

    @Test
    public void codeIsSingleUse() {
        auth.sendOtp(tenant, email);
        String code = lastCode();
        auth.verifyOtp(tenant, email, code);
        assertInvalidCode(() -> auth.verifyOtp(tenant, email, code));
    }

    @Test
    public void newCodeInvalidatesThePreviousOne() {
        auth.sendOtp(tenant, email);
        String first = lastCode();
        clock.advance(Duration.ofSeconds(61));
        auth.sendOtp(tenant, email);
        String second = lastCode();
        if (!first.equals(second)) {
            assertInvalidCode(() -> auth.verifyOtp(tenant, email, first));
        }
        assertThat(auth.verifyOtp(tenant, email, second).user().email()).isEqualTo(email);
    }

    @Test
    public void codeIsBoundToTenantAndDestination() {
        auth.sendOtp(tenant, email);
        String code = lastCode();
        assertInvalidCode(() -> auth.verifyOtp(tenant, "other." + email, code));
        assertInvalidCode(() -> auth.verifyOtp(tenant + "-other", email, code));
        assertThat(auth.verifyOtp(tenant, email, code).user().tenantId()).isEqualTo(tenant);
    }

    @Test
    public void fiveWrongAttemptsLockTheCode() {
        auth.sendOtp(tenant, email);
        String code = lastCode();
        String wrong = wrong(code);
        for (int i = 0; i < 5; i++) {
            assertInvalidCode(() -> auth.verifyOtp(tenant, email, wrong));
        }
        assertInvalidCode(() -> auth.verifyOtp(tenant, email, code));
    }

    @Test
    public void failureBudgetIsNotResetByResendingAndGivesRetryAfter() {
        AuthFacade strict = facade(settings().otpFailureLimit(new AuthSettings.Limit(7, Duration.ofHours(24))));
        strict.sendOtp(tenant, email);
        String wrong = wrong(lastCode());
        for (int i = 0; i < 5; i++) {
            assertInvalidCode(() -> strict.verifyOtp(tenant, email, wrong));
        }
        clock.advance(Duration.ofSeconds(61));
        strict.sendOtp(tenant, email);
        String fresh = lastCode();
        String wrong2 = wrong(fresh);
        assertInvalidCode(() -> strict.verifyOtp(tenant, email, wrong2));
        assertInvalidCode(() -> strict.verifyOtp(tenant, email, wrong2));

        AuthException refused = catchAuth(() -> strict.verifyOtp(tenant, email, fresh));
        assertThat(refused.errorCode()).isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        assertThat(refused.httpStatus()).isEqualTo(429);
        assertThat(refused.retryAfter())
                .hasValueSatisfying(d -> assertThat(d).isPositive().isLessThanOrEqualTo(Duration.ofHours(24)));
        assertThat(events).anyMatch(e -> e instanceof AuthEvent.LockedOut);

        clock.advance(Duration.ofHours(24));
        strict.sendOtp(tenant, email);
        assertThat(strict.verifyOtp(tenant, email, lastCode()).user().email()).isEqualTo(email);
    }

    @Test
    public void resendWithinCooldownIsRateLimitedWithRetryAfter() {
        auth.sendOtp(tenant, email);
        clock.advance(Duration.ofSeconds(20));
        AuthException limited = catchAuth(() -> auth.sendOtp(tenant, email));
        assertThat(limited.errorCode()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(limited.retryAfter()).contains(Duration.ofSeconds(40));
        assertThat(sent).hasSize(1);
        clock.advance(Duration.ofSeconds(40));
        auth.sendOtp(tenant, email);
        assertThat(sent).hasSize(2);
    }

    @Test
    public void sendsRefusedByTheCooldownDoNotSpendTheHourlyCap() {
        auth.sendOtp(tenant, email);
        for (int i = 0; i < 10; i++) {
            assertThat(catchAuth(() -> auth.sendOtp(tenant, email)).errorCode()).isEqualTo(ErrorCode.RATE_LIMITED);
        }
        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofSeconds(61));
            auth.sendOtp(tenant, email);
        }
        assertThat(sent).hasSize(5);
    }

    @Test
    public void sendsRefusedForTheCallersIpDoNotSpendTheDestinationsCap() {
        AuthFacade capped = facade(settings().sendLimitPerIp(new AuthSettings.Limit(1, Duration.ofHours(1))));
        String attackerIp = "198.51.100." + (1 + new java.util.Random().nextInt(250));
        capped.sendOtp(tenant, "other." + email, attackerIp);
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofSeconds(61));
            assertThat(catchAuth(() -> capped.sendOtp(tenant, email, attackerIp))
                            .errorCode())
                    .isEqualTo(ErrorCode.RATE_LIMITED);
        }
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(61));
            capped.sendOtp(tenant, email);
        }
        assertThat(sent).hasSize(6);
    }

    @Test
    public void guessesWithNoCodePendingNeitherLockOutNorFillTheStore() {
        for (int i = 0; i < 30; i++) {
            assertInvalidCode(() -> auth.verifyOtp(tenant, email, "000000"));
        }
        auth.sendOtp(tenant, email);
        assertThat(auth.verifyOtp(tenant, email, lastCode()).user().email()).isEqualTo(email);
    }

    @Test
    public void sendsPerDestinationAreCapped() {
        for (int i = 0; i < 5; i++) {
            auth.sendOtp(tenant, email);
            clock.advance(Duration.ofSeconds(61));
        }
        AuthException limited = catchAuth(() -> auth.sendOtp(tenant, email));
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
            capped.sendOtp(tenant, "u" + i + email, ip);
        }
        assertThat(catchAuth(() -> capped.sendOtp(tenant, "u9" + email, ip)).errorCode())
                .isEqualTo(ErrorCode.RATE_LIMITED);
        capped.sendOtp(tenant, "u9" + email, ipv6);
        assertThat(sent).hasSize(4);
    }

    @Test
    public void optionalTenantCapBoundsSendsAcrossAllDestinations() {
        AuthFacade capped = facade(settings().sendLimitPerTenant(new AuthSettings.Limit(3, Duration.ofHours(1))));
        for (int i = 0; i < 3; i++) {
            capped.sendOtp(tenant, "u" + i + email);
        }
        AuthException limited = catchAuth(() -> capped.sendOtp(tenant, "u9" + email));
        assertThat(limited.errorCode()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(events)
                .anyMatch(
                        e -> e instanceof AuthEvent.SendThrottled t && t.limit().equals("tenant"));
        capped.sendOtp(tenant + "-other", "u9" + email);
        assertThat(sent).hasSize(4);
    }

    @Test
    public void sendOtpAnswersIdenticallyForKnownAndUnknownDestinations() {
        login(email);
        clock.advance(Duration.ofMinutes(2));
        OtpDispatch known = auth.sendOtp(tenant, email);
        OtpDispatch unknown = auth.sendOtp(tenant, "nobody." + email);
        assertThat(known.expiresAt()).isEqualTo(unknown.expiresAt());
        assertThat(known.resendAvailableAt()).isEqualTo(unknown.resendAvailableAt());
        assertThat(known.getClass()).isEqualTo(unknown.getClass());
    }

    @Test
    public void inviteOnlySendsNothingToUnknownDestinationsButAnswersTheSame() {
        login(email);
        int before = sent.size();
        AuthFacade invite = facade(settings().signupMode(SignupMode.INVITE_ONLY));
        clock.advance(Duration.ofMinutes(2));

        OtpDispatch known = invite.sendOtp(tenant, email);
        assertThat(sent).hasSize(before + 1);
        OtpDispatch unknown = invite.sendOtp(tenant, "stranger." + email);
        assertThat(sent).hasSize(before + 1);
        assertThat(unknown.expiresAt()).isEqualTo(known.expiresAt());
        assertThat(unknown.resendAvailableAt()).isEqualTo(known.resendAvailableAt());

        assertThat(events)
                .filteredOn(e -> e instanceof AuthEvent.CodeSent c && !c.delivered())
                .hasSize(1);
        assertThat(invite.verifyOtp(tenant, email, lastCode()).newUser()).isFalse();
        assertInvalidCode(() -> invite.verifyOtp(tenant, "stranger." + email, "123456"));
        assertThat(userDatabase().findByEmail(tenant, "stranger." + email)).isEmpty();
    }

    @Test
    public void wrongExpiredAndUsedCodesFailIdentically() {
        auth.sendOtp(tenant, email);
        String code = lastCode();
        AuthException wrong = catchAuth(() -> auth.verifyOtp(tenant, email, wrong(code)));
        auth.verifyOtp(tenant, email, code);
        AuthException used = catchAuth(() -> auth.verifyOtp(tenant, email, code));
        clock.advance(Duration.ofSeconds(61));
        auth.sendOtp(tenant, email);
        String second = lastCode();
        clock.advance(Duration.ofMinutes(6));
        AuthException expired = catchAuth(() -> auth.verifyOtp(tenant, email, second));
        AuthException neverSent = catchAuth(() -> auth.verifyOtp(tenant, "never." + email, code));

        for (AuthException e : List.of(used, expired, neverSent)) {
            assertThat(e.errorCode()).isEqualTo(wrong.errorCode()).isEqualTo(ErrorCode.INVALID_CODE);
            assertThat(e.getMessage()).isEqualTo(wrong.getMessage());
            assertThat(e.httpStatus()).isEqualTo(401);
        }
    }

    @Test
    @SuppressWarnings("NullAway") // passes null on purpose: the facade must reject it as invalid_request
    public void invalidInputIsRejectedBeforeAnyStoreIsTouched() {
        AuthFacade overBrokenStores = builder(
                        settings(),
                        broken(UserDatabase.class),
                        broken(OTPStore.class),
                        broken(SessionStore.class),
                        sent::add)
                .build();
        List<ThrowingCallable> calls = List.of(
                () -> overBrokenStores.sendOtp(tenant, "+19005550123"),
                () -> overBrokenStores.sendOtp(tenant, "+18005550123"),
                () -> overBrokenStores.sendOtp(tenant, "not-an-address"),
                () -> overBrokenStores.sendOtp(tenant, "x".repeat(10_000) + "@example.com"),
                () -> overBrokenStores.sendOtp("bad tenant", email),
                () -> overBrokenStores.sendOtp(tenant, email, "not an ip"),
                () -> overBrokenStores.sendOtp(tenant, null),
                () -> overBrokenStores.verifyOtp(tenant, email, "12ab56"),
                () -> overBrokenStores.verifyOtp(tenant, email, "1".repeat(1000)),
                () -> overBrokenStores.verifyOtp(tenant, email, null));
        for (ThrowingCallable call : calls) {
            assertThat(catchAuth(call).errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        }
        assertThat(sent).isEmpty();
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
    public void malformedRefreshTokensAreInvalidToken() {
        for (String token : new String[] {null, "", "abc", "x".repeat(5000), "a.b.c", "\u0000"}) {
            assertInvalidToken(() -> auth.refresh(token));
        }
    }

    @Test
    public void sessionEndsAfterIdleTimeout() {
        LoginResult login = login(email);
        clock.advance(Duration.ofDays(6));
        LoginResult kept = auth.refresh(login.tokens().refreshToken());
        clock.advance(Duration.ofDays(7));
        assertInvalidToken(() -> auth.refresh(kept.tokens().refreshToken()));
    }

    @Test
    public void sessionEndsAtAbsoluteExpiryHoweverActive() {
        LoginResult current = login(email);
        for (int day = 0; day < 29; day++) {
            clock.advance(Duration.ofDays(1));
            current = auth.refresh(current.tokens().refreshToken());
        }
        assertThat(current.session().expiresAt()).isEqualTo(current.session().absoluteExpiresAt());
        clock.advance(Duration.ofDays(1));
        String last = current.tokens().refreshToken();
        assertInvalidToken(() -> auth.refresh(last));
    }

    @Test
    public void accessTokenExpiresAfterFifteenMinutesByDefault() {
        LoginResult login = login(email);
        clock.advance(Duration.ofMinutes(15).plusSeconds(30));
        assertInvalidToken(() -> auth.authenticate("Bearer " + login.tokens().accessToken()));
        assertInvalidToken(() -> auth.session(login.tokens().accessToken()));
    }

    @Test
    public void authenticateAcceptsOnlyBearerHeaders() {
        String token = login(email).tokens().accessToken();
        assertThat(auth.authenticate("bearer " + token).tenantId()).isEqualTo(tenant);
        for (String header : new String[] {null, "", token, "Basic " + token, "Bearer", "Bearer ", "Token " + token}) {
            assertInvalidToken(() -> auth.authenticate(header));
        }
    }

    @Test
    public void guardChecksRolesAndPermissions() {
        AuthFacade withPermissions = facade(settings().defaultRole("editor").defaultPermissions(Set.of("posts:write")));
        withPermissions.sendOtp(tenant, email);
        String token =
                withPermissions.verifyOtp(tenant, email, lastCode()).tokens().accessToken();
        AuthPrincipal principal = withPermissions.authenticate("Bearer " + token);
        assertThat(principal.hasPermission("posts:write")).isTrue();
        assertThat(principal.requirePermission("posts:write").requireRole("editor", "admin"))
                .isSameAs(principal);
        assertForbidden(() -> principal.requirePermission("posts:delete"));
        assertForbidden(() -> principal.requireRole("admin"));
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
        short10.sendOtp(tenant, email);
        LoginResult login = short10.verifyOtp(tenant, email, lastCode());
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
        auth.sendOtp(tenant, email);
        AuthException disabled = catchAuth(() -> auth.verifyOtp(tenant, email, lastCode()));
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

    @Test
    public void tokenPairsAndEventsNeverRevealSecrets() {
        auth.sendOtp(tenant, email);
        String code = lastCode();
        LoginResult login = auth.verifyOtp(tenant, email, code);
        LoginResult refreshed = auth.refresh(login.tokens().refreshToken());
        assertThat(login.tokens().toString())
                .doesNotContain(login.tokens().accessToken())
                .doesNotContain(login.tokens().refreshToken());
        assertThat(sent.get(sent.size() - 1).toString()).doesNotContain(code);
        for (AuthEvent event : events) {
            assertThat(event.toString())
                    .doesNotContain(code)
                    .doesNotContain(email)
                    .doesNotContain(login.tokens().refreshToken())
                    .doesNotContain(refreshed.tokens().refreshToken());
        }
    }

    // ---------------------------------------------------------------- failing closed

    @Test
    public void failingCodeStoreNeverLogsAnyoneIn() {
        auth.sendOtp(tenant, email);
        String code = lastCode();
        AuthFacade broken = builder(
                        settings(),
                        userDatabase(),
                        failing(otpStore(), OTPStore.class, "verify"),
                        sessionStore(),
                        sent::add)
                .build();
        AuthException e = catchAuth(() -> broken.verifyOtp(tenant, email, code));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.httpStatus()).isEqualTo(503);
        assertThat(e.getMessage()).doesNotContain(code);
        assertThat(e).isExactlyInstanceOf(AuthException.class);
    }

    @Test
    public void failingSessionStoreNeverIssuesTokens() {
        auth.sendOtp(tenant, email);
        String code = lastCode();
        AuthFacade broken = builder(
                        settings(),
                        userDatabase(),
                        otpStore(),
                        failing(sessionStore(), SessionStore.class, "create"),
                        sent::add)
                .build();
        assertThat(catchAuth(() -> broken.verifyOtp(tenant, email, code)).errorCode())
                .isEqualTo(ErrorCode.UNAVAILABLE);
    }

    @Test
    public void failingUserDatabaseMakesSessionCheckUnavailable() {
        LoginResult login = login(email);
        AuthFacade broken = builder(
                        settings(),
                        failing(userDatabase(), UserDatabase.class, "findById"),
                        otpStore(),
                        sessionStore(),
                        sent::add)
                .build();
        assertThat(catchAuth(() -> broken.session(login.tokens().accessToken())).errorCode())
                .isEqualTo(ErrorCode.UNAVAILABLE);
    }

    @Test
    public void failingSenderIsUnavailable() {
        AuthFacade noDelivery = builder(settings(), userDatabase(), otpStore(), sessionStore(), m -> {
                    throw new IllegalStateException("provider down");
                })
                .build();
        assertThat(catchAuth(() -> noDelivery.sendOtp(tenant, email)).errorCode())
                .isEqualTo(ErrorCode.UNAVAILABLE);
    }

    @Test
    public void failingAuditListenerChangesNothing() {
        AuthFacade loud = AuthFacade.builder()
                .settings(settings().build())
                .userDatabase(userDatabase())
                .otpStore(otpStore())
                .sessionStore(sessionStore())
                .otpSender(sent::add)
                .clock(clock)
                .eventListener(e -> {
                    throw new IllegalStateException("audit sink down");
                })
                .build();
        loud.sendOtp(tenant, email);
        assertThat(loud.verifyOtp(tenant, email, lastCode()).user().email()).isEqualTo(email);
    }

    @Test
    public void healthIsUpForWorkingStoresAndDownForABrokenOne() {
        HealthReport up = auth.health();
        assertThat(up.status()).isIn(HealthReport.Status.UP, HealthReport.Status.DEGRADED);
        assertThat(up.components()).containsKeys("users", "otp", "sessions");

        AuthFacade broken = builder(settings(), userDatabase(), broken(OTPStore.class), sessionStore(), sent::add)
                .build();
        HealthReport down = broken.health();
        assertThat(down.status()).isEqualTo(HealthReport.Status.DOWN);
        assertThat(Objects.requireNonNull(down.components().get("otp")).status())
                .isEqualTo(HealthReport.Status.DOWN);
        assertThat(Objects.requireNonNull(down.components().get("users")).status())
                .isNotEqualTo(HealthReport.Status.DOWN);
    }

    @Test
    public void builderNamesWhatIsMissing() {
        assertThatThrownBy(
                        () -> AuthFacade.builder().settings(settings().build()).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("userDatabase")
                .hasMessageContaining("otpStore")
                .hasMessageContaining("sessionStore")
                .hasMessageContaining("otpSender");
    }

    // ---------------------------------------------------------------- helpers

    /** Sends a code to the destination and logs in with it. */
    protected LoginResult login(String destination) {
        auth.sendOtp(tenant, destination);
        return auth.verifyOtp(tenant, destination, lastCode());
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
                    if (method.getName().equals("saveChallenge")) {
                        saved.add((OtpChallenge) args[0]);
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** The real store, except that the named method fails as an unreachable backend would. */
    protected static <T> T failing(T delegate, Class<T> type, String methodName) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getName().equals(methodName)) {
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
