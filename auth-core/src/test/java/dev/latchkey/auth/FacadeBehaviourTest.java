package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.spi.RevocationList;
import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.spi.TokenIssuer;
import dev.latchkey.auth.spi.UserDatabase;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * What the facade does whatever the stores: input validation, token claims and lifetimes, code format, uniform
 * errors, secrecy, the one store-failure mapping. Run once here over {@link TestStores}; what depends on a real store
 * (atomicity, concurrency, fail-closed on a real outage) is the testkit's {@code AuthFacadeContract}.
 */
class FacadeBehaviourTest {
    private static final String TENANT = "acme";
    private static final String EMAIL = "ada@example.com";
    private static final String PHONE = "+14155550123";
    private static final JwtKey KEY = JwtKey.generateEs256("k1");

    private final FacadeFixture fixture = new FacadeFixture();
    private final AuthFacade auth = builder(settings()).build();

    // ---------------------------------------------------------------- input validation

    @Test
    void invalidInputIsRejectedBeforeAnyStoreIsTouched() {
        AuthFacade overBrokenStores = brokenStores(builder(settings())).build();
        List<ThrowingCallable> calls = List.of(
                () -> send(overBrokenStores, "+19005550123"),
                () -> overBrokenStores.sendOtp(TENANT, "+18005550123"),
                () -> overBrokenStores.sendOtp(TENANT, "not-an-address"),
                () -> overBrokenStores.sendOtp(TENANT, "x".repeat(10_000) + "@example.com"),
                () -> overBrokenStores.sendOtp("bad tenant", EMAIL),
                () -> overBrokenStores.sendOtp(TENANT, EMAIL, "not an ip"),
                () -> overBrokenStores.sendOtp(TENANT, null),
                () -> verify(overBrokenStores, EMAIL, "12ab56"),
                () -> verify(overBrokenStores, EMAIL, "1".repeat(1000)),
                () -> verify(overBrokenStores, EMAIL, null),
                () -> overBrokenStores.verifyOtp(TENANT, EMAIL, "too-short", "123456"),
                () -> overBrokenStores.verifyOtp(TENANT, EMAIL, null, "123456"),
                () -> overBrokenStores.verifyOtp(TENANT, EMAIL, "AAAAAAAAAAAAAAAAAAAA/+", "123456"),
                () -> overBrokenStores.listSessions("bad tenant", java.util.UUID.randomUUID()));
        for (ThrowingCallable call : calls) {
            assertThat(Attempts.catchAuth(call).errorCode())
                    .as("malformed input is INVALID_REQUEST before any store is called")
                    .isEqualTo(ErrorCode.INVALID_REQUEST);
        }
        assertThat(fixture.sent).isEmpty();
    }

    @Test
    void malformedRefreshTokensAreInvalidTokenWithoutAStoreCall() {
        AuthFacade overBrokenStores = brokenStores(builder(settings())).build();
        for (String token : new String[] {null, "", "abc", "x".repeat(5000), "a.b.c", "\u0000"}) {
            assertInvalidToken(() -> overBrokenStores.refresh(token));
        }
    }

    // ---------------------------------------------------------------- operation observer

    /** What an {@link dev.latchkey.auth.spi.OperationObserver} was told about one operation. */
    private record Observed(String operation, long elapsedNanos, Throwable failure) {}

    @Test
    void operationObserverIsToldEachOperationItsDurationAndItsFailure() {
        List<Observed> observed = new CopyOnWriteArrayList<>();
        AuthFacade observedAuth = builder(settings())
                .operationObserver((operation, nanos, failure) -> observed.add(new Observed(operation, nanos, failure)))
                .build();
        long before = System.nanoTime();
        send(observedAuth, EMAIL);
        LoginResult login = verify(observedAuth, EMAIL, fixture.lastCode());
        assertInvalidToken(() -> observedAuth.authenticate("Bearer not-a-token"));
        observedAuth.authenticate("Bearer " + login.tokens().accessToken());
        long wholeRun = System.nanoTime() - before;

        assertThat(observed)
                .extracting(Observed::operation)
                .containsExactly("send_otp", "verify_otp", "authenticate", "authenticate");
        assertThat(observed)
                .allSatisfy(o -> assertThat(o.elapsedNanos()).isPositive().isLessThanOrEqualTo(wholeRun));
        assertThat(observed.get(1).failure()).isNull();
        assertThat(observed.get(2).failure()).isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.errorCode())
                .isEqualTo(ErrorCode.INVALID_TOKEN));
        assertThat(observed.get(3).failure()).isNull();
    }

    @Test
    void aFailingOperationObserverNeverChangesTheOutcome() {
        AuthFacade observedAuth = builder(settings())
                .operationObserver((operation, nanos, failure) -> {
                    throw new IllegalStateException("metrics backend down");
                })
                .build();
        send(observedAuth, EMAIL);
        assertThat(verify(observedAuth, EMAIL, fixture.lastCode()).user().email())
                .isEqualTo(EMAIL);
        assertInvalidToken(() -> observedAuth.authenticate("Bearer not-a-token"));
    }

    @Test
    void authenticateAcceptsOnlyBearerHeaders() {
        String token = login(EMAIL).tokens().accessToken();
        assertThat(auth.authenticate("bearer " + token).tenantId()).isEqualTo(TENANT);
        assertThat(AuthFacade.bearerToken("  Bearer " + token + " ")).isEqualTo(token);
        for (String header : new String[] {null, "", token, "Basic " + token, "Bearer", "Bearer ", "Token " + token}) {
            assertInvalidToken(() -> auth.authenticate(header));
        }
    }

    @Test
    void mobileNumbersAreNormalisedSoAnySpellingReachesTheSameUser() {
        send(auth, "+1 (415) 555-0123");
        assertThat(fixture.sent.get(fixture.sent.size() - 1).destination().value())
                .isEqualTo(PHONE);
        LoginResult login = verify(auth, "+1 415-555-0123", fixture.lastCode());
        assertThat(login.user().mobile()).isEqualTo(PHONE);
        assertThat(login.user().email()).isNull();
        assertThat(fixture.stores.users().findByMobile(TENANT, PHONE))
                .map(User::id)
                .contains(login.user().id());
    }

    // ---------------------------------------------------------------- codes

    @Test
    void codesHaveSixDigitsByDefaultAndTheConfiguredLengthOtherwise() {
        send(auth, EMAIL);
        assertThat(fixture.lastCode()).matches("[0-9]{6}");
        builder(settings().otpLength(10)).build().sendOtp(TENANT, "b" + EMAIL);
        assertThat(fixture.lastCode()).matches("[0-9]{10}");
    }

    @Test
    void codesAreNotPredictableFromOneAnother() {
        Set<String> codes = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            send(auth, "u" + i + EMAIL);
            codes.add(fixture.lastCode());
        }
        // 20 uniform 6-digit codes collide with probability < 0.02%; a constant or counter-based generator fails.
        assertThat(codes).hasSizeGreaterThanOrEqualTo(19);
    }

    @Test
    void codeExpiresAfterFiveMinutesByDefaultAndIsAcceptedJustBefore() {
        send(auth, EMAIL);
        String code = fixture.lastCode();
        fixture.clock.advance(Duration.ofMinutes(5).minusSeconds(1));
        assertThat(verify(auth, EMAIL, code).user().email()).isEqualTo(EMAIL);

        fixture.clock.advance(Duration.ofMinutes(1));
        send(auth, EMAIL);
        String second = fixture.lastCode();
        fixture.clock.advance(Duration.ofMinutes(5));
        assertThat(Attempts.catchAuth(() -> verify(auth, EMAIL, second)).errorCode())
                .isEqualTo(ErrorCode.INVALID_CODE);
    }

    @Test
    void wrongExpiredUsedAndNeverSentCodesFailIdentically() {
        send(auth, EMAIL);
        String code = fixture.lastCode();
        AuthException wrong = Attempts.catchAuth(() -> verify(auth, EMAIL, Attempts.wrong(code)));
        verify(auth, EMAIL, code);
        AuthException used = Attempts.catchAuth(() -> verify(auth, EMAIL, code));
        fixture.clock.advance(Duration.ofSeconds(61));
        send(auth, EMAIL);
        String second = fixture.lastCode();
        fixture.clock.advance(Duration.ofMinutes(6));
        AuthException expired = Attempts.catchAuth(() -> verify(auth, EMAIL, second));
        AuthException neverSent = Attempts.catchAuth(() -> verify(auth, "never." + EMAIL, code));

        for (AuthException e : List.of(used, expired, neverSent)) {
            assertThat(e.errorCode()).isEqualTo(wrong.errorCode()).isEqualTo(ErrorCode.INVALID_CODE);
            assertThat(e.getMessage()).isEqualTo(wrong.getMessage());
            assertThat(e.httpStatus()).isEqualTo(401);
        }
    }

    @Test
    void sendOtpAnswersIdenticallyForKnownAndUnknownDestinations() {
        login(EMAIL);
        fixture.clock.advance(Duration.ofMinutes(2));
        OtpDispatch known = send(auth, EMAIL);
        OtpDispatch unknown = send(auth, "nobody." + EMAIL);
        assertThat(known.expiresAt()).isEqualTo(unknown.expiresAt());
        assertThat(known.resendAvailableAt()).isEqualTo(unknown.resendAvailableAt());
    }

    // ---------------------------------------------------------------- tokens and lifetimes

    @Test
    void accessTokensCarryTheRfc9068ClaimsAndTheUsersRole() throws Exception {
        LoginResult login = login(EMAIL);
        SignedJWT jwt = SignedJWT.parse(login.tokens().accessToken());
        assertThat(jwt.getHeader().getType().getType()).isEqualTo("at+jwt");
        assertThat(jwt.getHeader().getKeyID()).isEqualTo("k1");
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
        Map<String, Object> claims = jwt.getJWTClaimsSet().getClaims();
        assertThat(claims)
                .containsKeys("iss", "aud", "exp", "iat", "jti", "client_id")
                .containsEntry("sub", login.user().id().toString())
                .containsEntry("tenant_id", TENANT)
                .containsEntry("role", "member")
                .containsEntry("sid", login.session().id())
                .containsEntry("email", EMAIL);
        AuthPrincipal principal = auth.verifyAccessToken(login.tokens().accessToken());
        assertThat(principal.userId()).isEqualTo(login.user().id());
        assertThat(principal.sessionId()).isEqualTo(login.session().id());
    }

    @Test
    void accessTokenExpiresAfterFifteenMinutesByDefault() {
        LoginResult login = login(EMAIL);
        assertThat(login.tokens().accessTokenExpiresAt())
                .isEqualTo(fixture.clock.instant().plus(Duration.ofMinutes(15)));
        assertThat(login.tokens().expiresInSeconds(fixture.clock.instant())).isEqualTo(900);
        fixture.clock.advance(Duration.ofMinutes(15).plusSeconds(30));
        assertInvalidToken(() -> auth.authenticate("Bearer " + login.tokens().accessToken()));
        assertInvalidToken(() -> auth.session(login.tokens().accessToken()));
    }

    @Test
    void sessionEndsAfterIdleTimeout() {
        LoginResult login = login(EMAIL);
        fixture.clock.advance(Duration.ofDays(6));
        LoginResult kept = auth.refresh(login.tokens().refreshToken());
        fixture.clock.advance(Duration.ofDays(7));
        assertInvalidToken(() -> auth.refresh(kept.tokens().refreshToken()));
    }

    @Test
    void sessionEndsAtAbsoluteExpiryHoweverActive() {
        LoginResult current = login(EMAIL);
        for (int day = 0; day < 29; day++) {
            fixture.clock.advance(Duration.ofDays(1));
            current = auth.refresh(current.tokens().refreshToken());
        }
        assertThat(current.session().expiresAt()).isEqualTo(current.session().absoluteExpiresAt());
        fixture.clock.advance(Duration.ofDays(1));
        String last = current.tokens().refreshToken();
        assertInvalidToken(() -> auth.refresh(last));
    }

    @Test
    void guardChecksRolesAndPermissions() {
        AuthFacade withPermissions = builder(settings().defaultRole("editor").defaultPermissions(Set.of("posts:write")))
                .build();
        send(withPermissions, EMAIL);
        String token =
                verify(withPermissions, EMAIL, fixture.lastCode()).tokens().accessToken();
        AuthPrincipal principal = withPermissions.authenticate("Bearer " + token);
        assertThat(principal.hasPermission("posts:write")).isTrue();
        assertThat(principal.requirePermission("posts:write").requireRole("editor", "admin"))
                .isSameAs(principal);
        assertThat(Attempts.catchAuth(() -> principal.requirePermission("posts:delete"))
                        .errorCode())
                .isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(Attempts.catchAuth(() -> principal.requireRole("admin")).httpStatus())
                .isEqualTo(403);
    }

    @Test
    void newUserCustomizerCanMakeABootstrapAdminButNotChangeIdentifiers() {
        AuthFacade withAdmin = builder(settings())
                .newUserCustomizer(draft ->
                        new NewUser(draft.id(), draft.tenantId(), draft.email(), null, "Root", "admin", Set.of("*")))
                .build();
        send(withAdmin, EMAIL);
        LoginResult login = verify(withAdmin, EMAIL, fixture.lastCode());
        assertThat(login.user().role()).isEqualTo("admin");
        assertThat(withAdmin
                        .authenticate("Bearer " + login.tokens().accessToken())
                        .requireRole("admin"))
                .isNotNull();

        AuthFacade sneaky = builder(settings())
                .newUserCustomizer(draft ->
                        new NewUser(draft.id(), draft.tenantId(), "other@example.com", null, null, "admin", Set.of()))
                .build();
        send(sneaky, "b" + EMAIL);
        String code = fixture.lastCode();
        assertThatThrownBy(() -> verify(sneaky, "b" + EMAIL, code)).isInstanceOf(IllegalStateException.class);
        assertThat(fixture.stores.users().findByEmail(TENANT, "other@example.com"))
                .isEmpty();
    }

    @Test
    void refreshThatFindsAUserDeactivatedInTheDatabaseAlsoDeniesTheSessionsAccessTokens() {
        LoginResult login = login(EMAIL);
        String bearer = "Bearer " + login.tokens().accessToken();
        assertThat(auth.authenticate(bearer).userId()).isEqualTo(login.user().id());
        // Deactivated outside the library, directly in the database.
        fixture.stores.users().disable(TENANT, login.user().id(), fixture.clock.instant());

        assertInvalidToken(() -> auth.refresh(login.tokens().refreshToken()));
        assertInvalidToken(() -> auth.authenticate(bearer));
    }

    // ---------------------------------------------------------------- secrecy and failure mapping

    @Test
    void tokenPairsAndEventsNeverRevealSecrets() {
        send(auth, EMAIL);
        String code = fixture.lastCode();
        LoginResult login = verify(auth, EMAIL, code);
        LoginResult refreshed = auth.refresh(login.tokens().refreshToken());
        assertThat(login.tokens().toString())
                .doesNotContain(login.tokens().accessToken())
                .doesNotContain(login.tokens().refreshToken());
        assertThat(fixture.sent.get(fixture.sent.size() - 1).toString()).doesNotContain(code);
        assertThat(fixture.events).isNotEmpty();
        for (AuthEvent event : fixture.events) {
            assertThat(event.toString())
                    .doesNotContain(code)
                    .doesNotContain(EMAIL)
                    .doesNotContain(login.tokens().refreshToken())
                    .doesNotContain(refreshed.tokens().refreshToken());
        }
    }

    @Test
    void everyStoreFailureIsUnavailableAndNeverASuccess() {
        LoginResult login = login(EMAIL);
        AuthFacade overBrokenStores = brokenStores(builder(settings())).build();
        List<ThrowingCallable> calls = List.of(
                () -> send(overBrokenStores, EMAIL),
                () -> verify(overBrokenStores, EMAIL, "123456"),
                () -> overBrokenStores.refresh(login.tokens().refreshToken()),
                () -> overBrokenStores.session(login.tokens().accessToken()),
                () -> overBrokenStores.authenticate("Bearer " + login.tokens().accessToken()),
                () -> overBrokenStores.signOut(login.tokens().accessToken(), SignOutScope.GLOBAL),
                () -> overBrokenStores.listSessions(TENANT, login.user().id()),
                () -> overBrokenStores.findUser(TENANT, login.user().id()),
                () -> overBrokenStores.disableUser(TENANT, login.user().id()),
                () -> overBrokenStores.updateUser(login.user()));
        for (ThrowingCallable call : calls) {
            AuthException e = Attempts.catchAuth(call);
            assertThat(e.errorCode()).as("a store failure is UNAVAILABLE").isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(e).isExactlyInstanceOf(AuthException.class);
            assertThat(e.getMessage()).doesNotContain("connection refused");
        }
        assertThat(overBrokenStores.health().status()).isEqualTo(HealthReport.Status.DOWN);
    }

    @Test
    void healthProbesEachStoreAtMostOncePerSecondHoweverOftenAsked() {
        java.util.concurrent.atomic.AtomicInteger pings = new java.util.concurrent.atomic.AtomicInteger();
        UserDatabase counting = (UserDatabase) Proxy.newProxyInstance(
                UserDatabase.class.getClassLoader(), new Class<?>[] {UserDatabase.class}, (proxy, method, args) -> {
                    if (method.getName().equals("ping")) {
                        pings.incrementAndGet();
                        return null;
                    }
                    return method.invoke(fixture.stores.users(), args);
                });
        AuthFacade probed = builder(settings()).userDatabase(counting).build();
        for (int i = 0; i < 50; i++) {
            assertThat(probed.health().status()).isNotEqualTo(HealthReport.Status.DOWN);
        }
        assertThat(pings.get())
                .as("50 health calls within a second probe the store once")
                .isEqualTo(1);
    }

    @Test
    void failingSenderIsUnavailable() {
        AuthFacade noDelivery = builder(settings())
                .otpSender(m -> {
                    throw new IllegalStateException("provider down");
                })
                .build();
        assertThat(Attempts.catchAuth(() -> send(noDelivery, EMAIL)).errorCode())
                .isEqualTo(ErrorCode.UNAVAILABLE);
    }

    @Test
    void failingSignerIsUnavailableAndLeavesNoSessionBehind() {
        AtomicBoolean kmsUp = new AtomicBoolean(true);
        TokenIssuer defaultIssuer = new AccessTokens(settings().build(), new java.security.SecureRandom());
        TokenIssuer flaky = new TokenIssuer() {
            @Override
            public AccessToken issue(User user, String sessionId, Instant now) {
                if (!kmsUp.get()) {
                    throw new IllegalStateException("KMS timed out");
                }
                return defaultIssuer.issue(user, sessionId, now);
            }

            @Override
            public AuthPrincipal verify(String accessToken, Instant now) {
                return defaultIssuer.verify(accessToken, now);
            }

            @Override
            public Map<String, Object> jwkSet() {
                return defaultIssuer.jwkSet();
            }
        };
        AuthFacade withKms = builder(settings()).tokenIssuer(flaky).build();
        send(withKms, EMAIL);
        String code = fixture.lastCode();
        kmsUp.set(false);
        assertThat(Attempts.catchAuth(() -> verify(withKms, EMAIL, code)).errorCode())
                .isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(fixture.stores.sessionCount())
                .as("no session without its tokens")
                .isZero();

        kmsUp.set(true);
        fixture.clock.advance(Duration.ofMinutes(2));
        send(withKms, EMAIL);
        LoginResult login = verify(withKms, EMAIL, fixture.lastCode());
        assertThat(withKms.session(login.tokens().accessToken()).user().email()).isEqualTo(EMAIL);
        assertThat(withKms.jwkSet()).isEqualTo(auth.jwkSet());
    }

    @Test
    void failingAuditListenerChangesNothing() {
        AuthFacade loud = builder(settings())
                .eventListener(e -> {
                    throw new IllegalStateException("audit sink down");
                })
                .build();
        send(loud, EMAIL);
        assertThat(verify(loud, EMAIL, fixture.lastCode()).user().email()).isEqualTo(EMAIL);
    }

    @Test
    void builderNamesWhatIsMissing() {
        assertThatThrownBy(
                        () -> AuthFacade.builder().settings(settings().build()).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("userDatabase")
                .hasMessageContaining("otpStore")
                .hasMessageContaining("rateLimitStore")
                .hasMessageContaining("sessionStore")
                .hasMessageContaining("otpSender");
    }

    @Test
    void singleStoresSetAfterABundleReplaceTheBundles() {
        TestStores other = new TestStores();
        AuthFacade mixed = builder(settings()).userDatabase(other.users()).build();
        LoginResult login;
        send(mixed, EMAIL);
        login = verify(mixed, EMAIL, fixture.lastCode());
        assertThat(other.users().findById(TENANT, login.user().id())).isPresent();
        assertThat(fixture.stores.users().findById(TENANT, login.user().id())).isEmpty();
        assertThat(mixed.health().components()).containsKeys("users", "otp", "rateLimits", "sessions", "revocations");
    }

    // ---------------------------------------------------------------- helpers

    private AuthSettings.Builder settings() {
        return AuthSettings.builder().hashSecret(TestKeys.HASH_SECRET).signingKey(KEY);
    }

    private AuthFacade.Builder builder(AuthSettings.Builder settings) {
        return fixture.builder(settings);
    }

    private static AuthFacade.Builder brokenStores(AuthFacade.Builder builder) {
        return builder.userDatabase(broken(UserDatabase.class))
                .otpStore(broken(OTPStore.class))
                .rateLimitStore(broken(RateLimitStore.class))
                .sessionStore(broken(SessionStore.class))
                .revocationList(broken(RevocationList.class));
    }

    private final java.util.Map<String, String> challenges = new java.util.concurrent.ConcurrentHashMap<>();

    /** Sends a code and remembers its challenge id, as the client that asked would. */
    private OtpDispatch send(AuthFacade facade, String destination) {
        OtpDispatch dispatch = facade.sendOtp(TENANT, destination);
        challenges.put(dispatch.destination().value(), dispatch.challengeId());
        return dispatch;
    }

    /** Verifies with the challenge id of the last code sent to the destination (a made-up one if none was). */
    private LoginResult verify(AuthFacade facade, String destination, String code) {
        String normalised;
        try {
            normalised = Destination.normalise(destination, facade.settings()).value();
        } catch (AuthException e) {
            normalised = destination;
        }
        return facade.verifyOtp(
                TENANT, destination, challenges.getOrDefault(normalised, "AAAAAAAAAAAAAAAAAAAAAA"), code);
    }

    private LoginResult login(String destination) {
        send(auth, destination);
        return verify(auth, destination, fixture.lastCode());
    }

    private static void assertInvalidToken(ThrowingCallable call) {
        assertThat(Attempts.catchAuth(call).errorCode()).isEqualTo(ErrorCode.INVALID_TOKEN);
    }

    /** A store whose every method fails as an unreachable backend would. */
    private static <T> T broken(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return method.invoke(new Object(), args);
            }
            throw new IllegalStateException("connection refused");
        }));
    }
}
