package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.internal.memory.LocalRateLimitStore;
import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.spi.RevocationList;
import dev.latchkey.auth.spi.StoreUnavailableException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/**
 * The opt-in fallback of codes and counters ({@code STORE_FALLBACK=memory}) and the revocation outage policy, over
 * stores whose outage a flag switches, with probes run on demand: hysteresis, division of limits, the bounded local
 * store, codes that survive the switch back, one event and one warning per switch, and the health report.
 */
class StoreFallbackTest {
    private static final String TENANT = "acme";
    private static final String EMAIL = "ada@example.com";
    private static final JwtKey KEY = JwtKey.generateEs256("k1");

    private final FacadeFixture fixture = new FacadeFixture();
    /** Redis, as far as the facade can tell: codes, counters and the revocation list. */
    private final AtomicBoolean redisDown = new AtomicBoolean();

    private final ManualProbes probes = new ManualProbes();

    /** Runs the scheduled probes when the test says so; nothing waits for time to pass. */
    private static final class ManualProbes implements ProbeScheduler {
        private final List<BooleanSupplier> scheduled = new ArrayList<>();
        private final List<Duration> intervals = new ArrayList<>();

        @Override
        public void every(Duration interval, BooleanSupplier probe) {
            scheduled.add(probe);
            intervals.add(interval);
        }

        void run(int times) {
            for (int i = 0; i < times; i++) {
                scheduled.forEach(BooleanSupplier::getAsBoolean);
            }
        }
    }

    private static AuthSettings.Builder settings() {
        return TestKeys.settings(KEY).resendCooldown(Duration.ZERO);
    }

    private static AuthSettings.Builder withFallback() {
        return settings()
                .storeFallback(StoreFallback.MEMORY)
                .fallbackEngageAfter(3)
                .fallbackRecoverAfter(3);
    }

    private AuthFacade facade(AuthSettings.Builder settings) {
        AuthFacade.Builder builder = fixture.builder(settings)
                .otpStore(outage(OTPStore.class, fixture.stores.otp(), redisDown))
                .rateLimitStore(outage(RateLimitStore.class, fixture.stores.rateLimits(), redisDown))
                .revocationList(outage(
                        RevocationList.class, fixture.stores.revocations().orElseThrow(), redisDown));
        builder.probeScheduler = probes;
        return builder.build();
    }

    /** The store, failing every call (its probe too) with a refused connection while {@code down} is set. */
    @SuppressWarnings("unchecked")
    private static <S> S outage(Class<S> type, S store, AtomicBoolean down) {
        return (S) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getDeclaringClass() != Object.class && down.get()) {
                throw new StoreUnavailableException(
                        StoreUnavailableException.Reason.CONNECTION_REFUSED, "redis down", null);
            }
            try {
                return method.invoke(store, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    private OtpDispatch send(AuthFacade auth, String email) {
        return auth.sendOtp(TENANT, email);
    }

    private LoginResult verifyLast(AuthFacade auth, OtpDispatch dispatch) {
        return auth.verifyOtp(TENANT, dispatch.destination().value(), dispatch.challengeId(), fixture.lastCode());
    }

    private static boolean engaged(AuthFacade auth) {
        return java.util.Objects.requireNonNull(auth.codeStoreFallback).engaged();
    }

    private long count(Class<? extends AuthEvent> type) {
        return fixture.events.stream().filter(type::isInstance).count();
    }

    private static ErrorCode failure(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        return Attempts.catchAuth(call).errorCode();
    }

    // ---------------------------------------------------------------- off by default

    @Test
    void closingTheFacadeStopsItsProbesSoAnOutageAfterwardsEngagesNothing() {
        AuthFacade auth = facade(withFallback());
        auth.close();
        redisDown.set(true);
        probes.run(5);
        assertThat(auth.codeStoreFallback).isNotNull();
        assertThat(auth.codeStoreFallback.engaged()).isFalse();
        assertThat(probes.scheduled).noneMatch(BooleanSupplier::getAsBoolean);
    }

    @Test
    void withoutOptingInAnOutageIsUnavailableAndNothingIsProbed() {
        AuthFacade auth = facade(settings());
        redisDown.set(true);

        assertThat(failure(() -> send(auth, EMAIL))).isEqualTo(ErrorCode.UNAVAILABLE);
        probes.run(10);

        assertThat(failure(() -> send(auth, EMAIL))).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(probes.scheduled).isEmpty();
        assertThat(auth.codeStoreFallback).isNull();
        assertThat(fixture.sent).isEmpty();
        assertThat(fixture.events).noneMatch(e -> e instanceof AuthEvent.FallbackEngaged);
    }

    @Test
    void fallbackIsReadFromTheEnvironmentAndProbesAtTheConfiguredInterval() {
        Map<String, String> env = new HashMap<>();
        env.put("JWT_SECRET", new String(TestKeys.HMAC_SECRET, java.nio.charset.StandardCharsets.UTF_8));
        env.put("OTP_HASH_SECRET", new String(TestKeys.HASH_SECRET, java.nio.charset.StandardCharsets.UTF_8));
        env.put("STORE_FALLBACK", "memory");
        env.put("FALLBACK_INSTANCES", "4");
        env.put("FALLBACK_PROBE_INTERVAL", "250ms");
        env.put("REVOCATION_OUTAGE_POLICY", "accept_signed");

        AuthSettings fromEnv = AuthSettings.fromEnv(env);
        facade(settings()
                .storeFallback(fromEnv.storeFallback())
                .fallbackProbeInterval(fromEnv.fallbackProbeInterval()));

        assertThat(fromEnv.storeFallback()).isEqualTo(StoreFallback.MEMORY);
        assertThat(fromEnv.fallbackInstances()).isEqualTo(4);
        assertThat(fromEnv.revocationOutagePolicy()).isEqualTo(RevocationOutagePolicy.ACCEPT_SIGNED);
        assertThat(probes.intervals).containsExactly(Duration.ofMillis(250));
        env.put("STORE_FALLBACK", "redis");
        assertThatThrownBy(() -> AuthSettings.fromEnv(env))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo("STORE_FALLBACK"));
        env.remove("STORE_FALLBACK");
        assertThat(AuthSettings.fromEnv(env).storeFallback())
                .as("off by default")
                .isEqualTo(StoreFallback.NONE);
    }

    // ---------------------------------------------------------------- hysteresis

    @Test
    void engagesOnlyAfterConsecutiveFailedProbesAFailedCallCountingAsTheFirst() {
        AuthFacade auth = facade(withFallback());
        redisDown.set(true);

        // The failed call makes the store suspect (1), and fails closed itself.
        assertThat(failure(() -> send(auth, EMAIL))).isEqualTo(ErrorCode.UNAVAILABLE);
        probes.run(1); // 2
        redisDown.set(false);
        probes.run(1); // a good probe clears the count
        redisDown.set(true);
        probes.run(2);
        assertThat(engaged(auth)).as("two consecutive failures of three").isFalse();
        assertThat(failure(() -> send(auth, EMAIL))).isEqualTo(ErrorCode.UNAVAILABLE);

        probes.run(1);

        assertThat(engaged(auth)).isTrue();
        OtpDispatch dispatch = send(auth, EMAIL);
        assertThat(verifyLast(auth, dispatch).user().email()).isEqualTo(EMAIL);
    }

    @Test
    void returnsToTheStoreOnlyAfterConsecutiveGoodProbes() {
        AuthFacade auth = facade(withFallback());
        redisDown.set(true);
        probes.run(3);
        assertThat(engaged(auth)).isTrue();

        redisDown.set(false);
        probes.run(2);
        redisDown.set(true);
        probes.run(1); // a failure in between restarts the count
        redisDown.set(false);
        probes.run(2);
        assertThat(engaged(auth)).isTrue();

        probes.run(1);

        assertThat(engaged(auth)).isFalse();
        send(auth, EMAIL);
        redisDown.set(true);
        assertThat(failure(() -> send(auth, "b" + EMAIL)))
                .as("codes are on the store again, so its outage is UNAVAILABLE again until the fallback engages")
                .isEqualTo(ErrorCode.UNAVAILABLE);
    }

    // ---------------------------------------------------------------- codes survive the switch back

    @Test
    void aCodeIssuedInFallbackStaysVerifiableAfterTheSwitchBackUntilItExpires() {
        AuthFacade auth = facade(withFallback());
        redisDown.set(true);
        probes.run(3);
        OtpDispatch first = send(auth, EMAIL);
        String firstCode = fixture.lastCode();
        OtpDispatch second = send(auth, "b" + EMAIL);
        String secondCode = fixture.lastCode();

        redisDown.set(false);
        probes.run(3);
        assertThat(engaged(auth)).isFalse();

        LoginResult login = auth.verifyOtp(TENANT, EMAIL, first.challengeId(), firstCode);
        assertThat(login.user().email()).isEqualTo(EMAIL);
        assertThat(failure(() -> auth.verifyOtp(TENANT, EMAIL, first.challengeId(), firstCode)))
                .as("used once, in the local store as anywhere")
                .isEqualTo(ErrorCode.INVALID_CODE);
        fixture.clock.advance(auth.settings().otpTtl());
        assertThat(failure(() -> auth.verifyOtp(TENANT, "b" + EMAIL, second.challengeId(), secondCode)))
                .as("expired")
                .isEqualTo(ErrorCode.INVALID_CODE);
        OtpDispatch onStore = send(auth, EMAIL);
        assertThat(verifyLast(auth, onStore).user().email()).isEqualTo(EMAIL);
    }

    @Test
    void aWrongCodeForAFallbackChallengeIsCountedThere() {
        AuthFacade auth = facade(withFallback().otpMaxAttempts(2));
        redisDown.set(true);
        probes.run(3);
        OtpDispatch once = send(auth, EMAIL);
        String onceCode = fixture.lastCode();
        OtpDispatch twice = send(auth, "b" + EMAIL);
        String twiceCode = fixture.lastCode();
        redisDown.set(false);
        probes.run(3);

        assertThat(failure(() -> auth.verifyOtp(TENANT, EMAIL, once.challengeId(), Attempts.wrong(onceCode))))
                .isEqualTo(ErrorCode.INVALID_CODE);
        for (int i = 0; i < 2; i++) {
            assertThat(failure(
                            () -> auth.verifyOtp(TENANT, "b" + EMAIL, twice.challengeId(), Attempts.wrong(twiceCode))))
                    .isEqualTo(ErrorCode.INVALID_CODE);
        }

        assertThat(auth.verifyOtp(TENANT, EMAIL, once.challengeId(), onceCode)
                        .user()
                        .email())
                .as("one wrong guess of two allowed: the right code still works after the switch back")
                .isEqualTo(EMAIL);
        assertThat(failure(() -> auth.verifyOtp(TENANT, "b" + EMAIL, twice.challengeId(), twiceCode)))
                .as("the challenge's own attempt limit holds after the switch back")
                .isEqualTo(ErrorCode.INVALID_CODE);
    }

    // ---------------------------------------------------------------- limits divided by the instance count

    @Test
    void limitsCountedInFallbackAreDividedByTheInstanceCountRoundedUp() {
        AuthFacade auth = facade(withFallback()
                .sendLimitPerDestination(new AuthSettings.Limit(5, Duration.ofHours(1)))
                .fallbackInstances(2));
        redisDown.set(true);
        probes.run(3);

        for (int i = 0; i < 3; i++) {
            send(auth, EMAIL);
        }

        AuthException refused = Attempts.catchAuth(() -> send(auth, EMAIL));
        assertThat(refused.errorCode()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(fixture.events)
                .filteredOn(
                        e -> e instanceof AuthEvent.SendThrottled t && t.limit().equals("destination"))
                .hasSize(1);
    }

    @Test
    void aLimitSmallerThanTheInstanceCountStillAllowsOne() {
        AuthFacade auth = facade(withFallback()
                .sendLimitPerDestination(new AuthSettings.Limit(5, Duration.ofHours(1)))
                .fallbackInstances(10));
        redisDown.set(true);
        probes.run(3);

        send(auth, EMAIL);

        assertThat(failure(() -> send(auth, EMAIL))).isEqualTo(ErrorCode.RATE_LIMITED);
    }

    @Test
    void theVerifyFailureBudgetIsDividedToo() {
        AuthFacade auth = facade(withFallback()
                .otpFailureLimitPerClient(new AuthSettings.Limit(4, Duration.ofMinutes(15)))
                .otpMaxAttempts(10)
                .fallbackInstances(2));
        redisDown.set(true);
        probes.run(3);
        OtpDispatch dispatch = send(auth, EMAIL);
        String code = fixture.lastCode();

        for (int i = 0; i < 2; i++) {
            assertThat(failure(() -> auth.verifyOtp(TENANT, EMAIL, dispatch.challengeId(), Attempts.wrong(code))))
                    .isEqualTo(ErrorCode.INVALID_CODE);
        }

        assertThat(failure(() -> auth.verifyOtp(TENANT, EMAIL, dispatch.challengeId(), code)))
                .as("4 per client shared by 2 instances: 2 here")
                .isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
    }

    @Test
    void theDivisionRoundsUpAndNeverReachesZero() {
        AuthSettings.Limit five = new AuthSettings.Limit(5, Duration.ofHours(1));
        OTPStore otp = fixture.stores.otp();
        RateLimitStore limits = fixture.stores.rateLimits();

        assertThat(new CodeStores(otp, limits, 1).limit(five)).isSameAs(five);
        assertThat(new CodeStores(otp, limits, 2).limit(five))
                .isEqualTo(new AuthSettings.Limit(3, Duration.ofHours(1)));
        assertThat(new CodeStores(otp, limits, 5).limit(five).max()).isEqualTo(1);
        assertThat(new CodeStores(otp, limits, 10).limit(five).max()).isEqualTo(1);
        assertThat(new CodeStores(otp, limits, 3)
                        .limit(new AuthSettings.Limit(100, Duration.ofHours(24)))
                        .max())
                .isEqualTo(34);
        assertThatThrownBy(() -> new CodeStores(otp, limits, 0))
                .as("no pair divides its limits by less than one")
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- bounded local store

    @Test
    void aFullLocalStoreRefusesNewEntriesAndKeepsEveryCounter() {
        // Per send without an IP: two counters (per client and per address) and one challenge.
        AuthFacade auth = facade(withFallback()
                .fallbackMaxEntries(3)
                .sendLimitPerDestination(new AuthSettings.Limit(2, Duration.ofHours(1))));
        redisDown.set(true);
        probes.run(3);
        send(auth, EMAIL);

        assertThat(failure(() -> send(auth, "b" + EMAIL)))
                .as("no room for the new address's counters: refused, nothing evicted")
                .isEqualTo(ErrorCode.UNAVAILABLE);
        send(auth, EMAIL);
        assertThat(failure(() -> send(auth, EMAIL)))
                .as("the first address's counter survived the refusal and still limits")
                .isEqualTo(ErrorCode.RATE_LIMITED);
    }

    @Test
    void theLocalCounterStoreFailsClosedWhenFull() {
        LocalRateLimitStore local = new LocalRateLimitStore("local test store", 2);
        local.increment("a", Duration.ofMinutes(1), TestKeys.T0);
        local.increment("b", Duration.ofMinutes(1), TestKeys.T0);

        assertThat(failure(() -> local.increment("c", Duration.ofMinutes(1), TestKeys.T0)))
                .isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(local.increment("a", Duration.ofMinutes(1), TestKeys.T0).count())
                .isEqualTo(2);
        assertThat(local.increment("c", Duration.ofMinutes(1), TestKeys.T0.plusSeconds(60))
                        .count())
                .as("an expired counter makes room")
                .isEqualTo(1);
    }

    // ---------------------------------------------------------------- one event and one warning per switch

    @Test
    void eachSwitchIsOneEventHoweverManyRequestsAndProbes() {
        AuthFacade auth = facade(withFallback());
        redisDown.set(true);
        for (int i = 0; i < 20; i++) {
            assertThat(failure(() -> send(auth, EMAIL))).isEqualTo(ErrorCode.UNAVAILABLE);
        }
        probes.run(10);
        for (int i = 0; i < 5; i++) {
            verifyLast(auth, send(auth, i + EMAIL));
        }
        redisDown.set(false);
        probes.run(10);
        for (int i = 0; i < 5; i++) {
            verifyLast(auth, send(auth, i + "b" + EMAIL));
        }

        assertThat(fixture.events)
                .filteredOn(e -> e instanceof AuthEvent.FallbackEngaged)
                .singleElement()
                .isInstanceOfSatisfying(AuthEvent.FallbackEngaged.class, e -> {
                    assertThat(e.components()).containsExactly("otp", "rateLimits");
                    assertThat(e.reason()).isEqualTo("connection refused");
                    assertThat(e.tenantId()).isEqualTo(AuthEvent.ALL_TENANTS);
                });
        assertThat(count(AuthEvent.FallbackEnded.class)).isEqualTo(1);
        int engagedAt = fixture.events.indexOf(fixture.events.stream()
                .filter(e -> e instanceof AuthEvent.FallbackEngaged)
                .findFirst()
                .orElseThrow());
        int endedAt = fixture.events.indexOf(fixture.events.stream()
                .filter(e -> e instanceof AuthEvent.FallbackEnded)
                .findFirst()
                .orElseThrow());
        assertThat(engagedAt).isLessThan(endedAt);
    }

    @Test
    void eachSwitchLogsOneWarningHoweverManyFailures() {
        AtomicInteger warnings = new AtomicInteger();
        AtomicInteger infos = new AtomicInteger();
        List<String> lines = new CopyOnWriteArrayList<>();
        Logger log = (Logger) Proxy.newProxyInstance(
                Logger.class.getClassLoader(), new Class<?>[] {Logger.class}, (proxy, method, args) -> {
                    if (method.getName().equals("warn")) {
                        warnings.incrementAndGet();
                        lines.add(String.valueOf(args[0]));
                    } else if (method.getName().equals("info")) {
                        infos.incrementAndGet();
                    }
                    return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
                });
        CodeStoreFallback fallback = new CodeStoreFallback(
                outage(OTPStore.class, fixture.stores.otp(), redisDown),
                outage(RateLimitStore.class, fixture.stores.rateLimits(), redisDown),
                withFallback().build(),
                new Audit(fixture.events::add),
                fixture.clock,
                log);
        redisDown.set(true);

        for (int i = 0; i < 50; i++) {
            try {
                fallback.active().rateLimits().peek("k", TestKeys.T0);
            } catch (AuthException expected) {
                // Fails closed until the fallback engages.
            }
            fallback.probe();
        }
        assertThat(fallback.engaged()).isTrue();
        for (int i = 0; i < 50; i++) {
            fallback.active().rateLimits().increment("k" + i, Duration.ofMinutes(1), TestKeys.T0);
        }
        assertThat(warnings).hasValue(1);
        assertThat(infos).hasValue(0);

        redisDown.set(false);
        for (int i = 0; i < 50; i++) {
            fallback.probe();
        }

        assertThat(warnings).hasValue(1);
        assertThat(infos).hasValue(1);
        assertThat(lines).allSatisfy(line -> assertThat(line).doesNotContain("redis down"));
    }

    // ---------------------------------------------------------------- health

    @Test
    void healthShowsTheComponentsServedByTheFallbackAsDegraded() {
        AuthFacade auth = facade(withFallback().revocationOutagePolicy(RevocationOutagePolicy.ACCEPT_SIGNED));
        redisDown.set(true);
        probes.run(3);

        HealthReport report = auth.health();

        assertThat(report.status()).isEqualTo(HealthReport.Status.DEGRADED);
        for (String name : List.of("otp", "rateLimits", "revocations")) {
            HealthReport.Component component = report.components().get(name);
            assertThat(component.status()).as(name).isEqualTo(HealthReport.Status.DEGRADED);
            assertThat(component.fallback()).as(name).isTrue();
        }
        assertThat(report.components().get("otp").detail()).contains("fallback", "connection refused");
        assertThat(report.components().get("users").status()).isEqualTo(HealthReport.Status.UP);
        assertThat(report.components().get("users").fallback()).isFalse();
    }

    @Test
    void healthIsDownWhileTheFallbackHasNotEngagedOrIsOff() {
        AuthFacade suspect = facade(withFallback());
        AuthFacade off = facade(settings());
        redisDown.set(true);
        probes.run(2);

        for (AuthFacade auth : List.of(suspect, off)) {
            HealthReport report = auth.health();
            assertThat(report.status()).isEqualTo(HealthReport.Status.DOWN);
            assertThat(report.components().get("otp").status()).isEqualTo(HealthReport.Status.DOWN);
            assertThat(report.components().get("revocations").status())
                    .as("fail closed by default")
                    .isEqualTo(HealthReport.Status.DOWN);
        }
    }

    // ---------------------------------------------------------------- revocation outage policy

    @Test
    void theRouteGuardFailsClosedByDefaultWhenTheRevocationListIsDown() {
        AuthFacade auth = facade(withFallback());
        LoginResult login = verifyLast(auth, send(auth, EMAIL));
        redisDown.set(true);
        probes.run(3);

        assertThat(failure(() -> auth.authenticate("Bearer " + login.tokens().accessToken())))
                .isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(auth.verifyAccessToken(login.tokens().accessToken()).userId())
                .as("the stateless check needs no store")
                .isEqualTo(login.user().id());
    }

    @Test
    void acceptSignedLetsValidTokensPassDuringTheOutageOnlyAndSaysSoOnce() {
        AuthFacade auth = facade(settings().revocationOutagePolicy(RevocationOutagePolicy.ACCEPT_SIGNED));
        LoginResult login = verifyLast(auth, send(auth, EMAIL));
        LoginResult signedOut = verifyLast(auth, send(auth, "b" + EMAIL));
        auth.signOut(signedOut.tokens().accessToken(), SignOutScope.LOCAL);
        redisDown.set(true);

        for (int i = 0; i < 10; i++) {
            assertThat(auth.authenticate("Bearer " + login.tokens().accessToken())
                            .userId())
                    .isEqualTo(login.user().id());
        }
        assertThat(failure(() -> auth.authenticate("Bearer " + login.tokens().accessToken() + "x")))
                .as("only signature-valid tokens")
                .isEqualTo(ErrorCode.INVALID_TOKEN);
        assertThat(failure(() -> auth.signOut(login.tokens().accessToken(), SignOutScope.LOCAL)))
                .as("writing the deny-list never falls back")
                .isEqualTo(ErrorCode.UNAVAILABLE);
        redisDown.set(false);

        assertThat(failure(
                        () -> auth.authenticate("Bearer " + signedOut.tokens().accessToken())))
                .as("the list is consulted again once it answers")
                .isEqualTo(ErrorCode.INVALID_TOKEN);
        assertThat(fixture.events)
                .filteredOn(e -> e instanceof AuthEvent.FallbackEngaged)
                .singleElement()
                .isInstanceOfSatisfying(AuthEvent.FallbackEngaged.class, e -> assertThat(e.components())
                        .containsExactly("revocations"));
        assertThat(count(AuthEvent.FallbackEnded.class)).isEqualTo(1);
    }
}
