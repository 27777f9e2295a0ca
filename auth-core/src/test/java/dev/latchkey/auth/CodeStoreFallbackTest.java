package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.internal.memory.LocalRateLimitStore;
import dev.latchkey.auth.spi.Budget;
import dev.latchkey.auth.spi.BudgetedCheck;
import dev.latchkey.auth.spi.BudgetedVerification;
import dev.latchkey.auth.spi.CodeCheck;
import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.OtpChallenge;
import dev.latchkey.auth.spi.RateLimitStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The switch between the host's store of codes and counters and the local fallback, driven directly: what counts as
 * an outage, what a probe checks, and how the primary stores' view answers the codes issued in fallback.
 */
class CodeStoreFallbackTest {
    private static final JwtKey KEY = TestKeys.hs256("k1");
    private static final Instant NOW = TestKeys.T0;
    private static final Duration WINDOW = Duration.ofMinutes(15);

    private final MovableClock clock = new MovableClock(NOW);
    private final TestStores stores = new TestStores();
    private final List<AuthEvent> events = new CopyOnWriteArrayList<>();
    /** The methods the host's OTP store was called with, in order. */
    private final List<String> otpCalls = new CopyOnWriteArrayList<>();

    private final AtomicReference<@Nullable RuntimeException> otpFailure = new AtomicReference<>();
    private final AtomicReference<@Nullable RuntimeException> limitsFailure = new AtomicReference<>();
    private final OTPStore primaryOtp = failing(OTPStore.class, stores.otp(), otpFailure, otpCalls);
    private final RateLimitStore primaryLimits =
            failing(RateLimitStore.class, stores.rateLimits(), limitsFailure, new ArrayList<>());

    private static RuntimeException refused() {
        return new IllegalStateException("driver", new ConnectException("Connection refused"));
    }

    private static OtpChallenge challenge(String key) {
        return new OtpChallenge(key, "hash-" + key, NOW, NOW.plusSeconds(300), 0, 3);
    }

    private CodeStoreFallback fallback(int engageAfter, int recoverAfter) {
        AuthSettings settings = TestKeys.settings(KEY)
                .storeFallback(StoreFallback.MEMORY)
                .fallbackEngageAfter(engageAfter)
                .fallbackRecoverAfter(recoverAfter)
                .build();
        return new CodeStoreFallback(primaryOtp, primaryLimits, settings, new Audit(events::add), clock);
    }

    /** Engaged after one failed probe, back after one good one. */
    private CodeStoreFallback engaged() {
        CodeStoreFallback fallback = fallback(1, 1);
        otpFailure.set(refused());
        fallback.probe();
        otpFailure.set(null);
        assertThat(fallback.engaged()).isTrue();
        return fallback;
    }

    // ---------------------------------------------------------------- what counts as an outage

    @Test
    void aFailedCallEngagesAtOnceWhenOneFailureIsEnough() {
        CodeStoreFallback fallback = fallback(1, 3);
        otpFailure.set(refused());

        assertThat(Attempts.catchAuth(() -> fallback.active().otp().saveChallenge(challenge("a")))
                        .errorCode())
                .as("the call itself fails closed")
                .isEqualTo(ErrorCode.UNAVAILABLE);

        assertThat(fallback.engaged()).isTrue();
        assertThat(events).singleElement().isInstanceOfSatisfying(AuthEvent.FallbackEngaged.class, e -> {
            assertThat(e.reason()).isEqualTo("connection refused");
            assertThat(e.at()).isEqualTo(NOW);
        });
        assertThat(fallback.servingDetail("otp"))
                .contains("fallback: local memory of this instance (store connection refused)");
        assertThat(fallback.servingDetail("rateLimits")).isPresent();
        assertThat(fallback.servingDetail("users")).isEmpty();
        assertThat(fallback).hasToString("CodeStoreFallback[engaged=true]");
    }

    @Test
    void aFailedCallCountsAsTheFirstFailedProbeOnlyOnce() {
        CodeStoreFallback fallback = fallback(2, 3);
        limitsFailure.set(refused());

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> fallback.active().rateLimits().increment("k", WINDOW, NOW))
                    .isInstanceOf(IllegalStateException.class);
        }
        assertThat(fallback.engaged())
                .as("failed calls make the store suspect, no more")
                .isFalse();
        assertThat(fallback.servingDetail("otp")).isEmpty();
        assertThat(fallback).hasToString("CodeStoreFallback[engaged=false]");

        fallback.probe();

        assertThat(fallback.engaged()).isTrue();
    }

    @Test
    void aStoresDeliberateRefusalIsNoOutageButItsUnavailabilityIs() {
        CodeStoreFallback fallback = fallback(1, 3);
        AuthException refusal = new AuthException(ErrorCode.INVALID_REQUEST, "no such challenge key");
        otpFailure.set(refusal);

        assertThatThrownBy(() -> fallback.active().otp().findChallenge("a", NOW))
                .isSameAs(refusal);
        assertThat(fallback.engaged()).isFalse();

        otpFailure.set(AuthException.unavailable("redis down", null));
        assertThat(Attempts.catchAuth(() -> fallback.active().otp().findChallenge("a", NOW))
                        .errorCode())
                .isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(fallback.engaged()).isTrue();
    }

    // ---------------------------------------------------------------- what a probe checks

    @Test
    void aProbeFindsEitherStoreDown() {
        CodeStoreFallback otpDown = fallback(1, 1);
        otpFailure.set(refused());
        otpDown.probe();
        otpFailure.set(null);

        CodeStoreFallback limitsDown = fallback(1, 1);
        limitsFailure.set(refused());
        limitsDown.probe();

        assertThat(otpDown.engaged()).isTrue();
        assertThat(limitsDown.engaged()).isTrue();
    }

    @Test
    void aStoreServingBothCodesAndCountersIsProbedOncePerProbe() {
        AtomicInteger pings = new AtomicInteger();
        Object both = Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {OTPStore.class, RateLimitStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("ping")) {
                        pings.incrementAndGet();
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        CodeStoreFallback fallback = new CodeStoreFallback(
                (OTPStore) both,
                (RateLimitStore) both,
                TestKeys.settings(KEY).storeFallback(StoreFallback.MEMORY).build(),
                new Audit(events::add),
                clock);

        fallback.probe();

        assertThat(pings).hasValue(1);
        assertThat(fallback.engaged()).isFalse();
    }

    @Test
    void theScheduledProbeRunsUntilProbingStops() {
        CodeStoreFallback fallback = fallback(1, 1);
        List<BooleanSupplier> scheduled = new ArrayList<>();
        List<Duration> intervals = new ArrayList<>();
        fallback.startProbing(
                (interval, probe) -> {
                    intervals.add(interval);
                    scheduled.add(probe);
                },
                Duration.ofMillis(250));
        otpFailure.set(refused());

        assertThat(scheduled.get(0).getAsBoolean()).as("probe again").isTrue();
        assertThat(fallback.engaged()).as("the scheduled run probed").isTrue();
        fallback.stopProbing();

        assertThat(scheduled.get(0).getAsBoolean()).as("probing stopped").isFalse();
        assertThat(intervals).containsExactly(Duration.ofMillis(250));
    }

    // ---------------------------------------------------------------- the primary stores' view

    @Test
    void onTheStoreEveryCodeOperationReachesIt() {
        OTPStore otp = fallback(3, 3).active().otp();
        OtpChallenge a = challenge("a");

        otp.saveChallenge(a);
        assertThat(stores.otp().findChallenge("a", NOW)).contains(a);
        assertThat(otp.findChallenge("a", NOW)).contains(a);
        assertThat(otp.verify("a", "wrong", NOW)).isEqualTo(CodeCheck.MISMATCHED);
        assertThat(otp.verify("a", a.codeHash(), NOW)).isEqualTo(CodeCheck.MATCHED);
        otp.saveChallenge(challenge("b"));
        otp.deleteChallenge("b");
        assertThat(stores.otp().findChallenge("b", NOW)).isEmpty();

        otpFailure.set(refused());
        assertThatThrownBy(otp::ping).as("a probe sees the store's own failure").isSameAs(otpFailure.get());
    }

    @Test
    void onTheStoreTheCountersReachItToo() {
        CodeStoreFallback fallback = fallback(3, 3);
        RateLimitStore limits = fallback.active().rateLimits();

        limits.increment("k", WINDOW, NOW);
        assertThat(limits.increment("k", WINDOW, NOW).count()).isEqualTo(2);
        assertThat(limits.peek("k", NOW).count()).isEqualTo(2);
        limits.reset("k");
        assertThat(stores.rateLimits().peek("k", NOW).count())
                .as("reset on the store")
                .isZero();

        limitsFailure.set(refused());
        assertThatThrownBy(limits::ping).isSameAs(limitsFailure.get());
    }

    @Test
    void onTheStoreExpiredCountersArePurgedThere() {
        LocalRateLimitStore store = new LocalRateLimitStore("the host's counters", 100);
        RateLimitStore limits = new CodeStoreFallback(
                        primaryOtp,
                        store,
                        TestKeys.settings(KEY)
                                .storeFallback(StoreFallback.MEMORY)
                                .build(),
                        new Audit(events::add),
                        clock)
                .active()
                .rateLimits();
        limits.increment("old", Duration.ofMinutes(1), NOW);
        limits.increment("live", Duration.ofHours(1), NOW);

        assertThat(limits.purgeExpired(NOW.plus(Duration.ofMinutes(2)))).isEqualTo(1);
        assertThat(store.peek("live", NOW).count()).isEqualTo(1);
    }

    @Test
    void aCodeIssuedInFallbackIsAnsweredLocallyAfterTheSwitchBack() {
        CodeStoreFallback fallback = engaged();
        OtpChallenge a = challenge("a");
        OtpChallenge b = challenge("b");
        fallback.active().otp().saveChallenge(a);
        fallback.active().otp().saveChallenge(b);
        fallback.probe();
        assertThat(fallback.engaged()).isFalse();
        OTPStore otp = fallback.active().otp();
        otpCalls.clear();

        assertThat(otp.findChallenge("a", NOW)).contains(a);
        assertThat(otp.verify("a", a.codeHash(), NOW)).isEqualTo(CodeCheck.MATCHED);
        assertThat(otpCalls).as("the host's store is not asked").isEmpty();
        otp.deleteChallenge("b");
        assertThat(otp.findChallenge("b", NOW)).as("deleted locally too").isEmpty();
        assertThat(stores.otp().findChallenge("a", NOW))
                .as("never copied to the store")
                .isEmpty();
    }

    @Test
    void issuingWithTheStoresOwnCountersIsOneFusedCall() {
        CodeStoreFallback fallback = fallback(3, 3);
        CodeStores active = fallback.active();

        assertThat(active.otp()
                        .issueChallenge(active.rateLimits(), List.of(), "budget", challenge("a"), NOW)
                        .isIssued())
                .isTrue();
        assertThat(otpCalls).containsExactly("issueChallenge");
        assertThat(stores.otp().findChallenge("a", NOW)).isPresent();

        otpCalls.clear();
        assertThat(active.otp()
                        .issueChallenge(
                                new LocalRateLimitStore("other counters", 10), List.of(), "budget", challenge("b"), NOW)
                        .isIssued())
                .isTrue();
        assertThat(otpCalls).as("other counters: step by step").containsExactly("saveChallenge");
    }

    @Test
    void verifyingWithBudgetsIsFusedUnlessTheCodeWasIssuedInFallback() {
        CodeStoreFallback fallback = engaged();
        fallback.active().otp().saveChallenge(challenge("local"));
        fallback.probe();
        CodeStores active = fallback.active();
        active.otp().saveChallenge(challenge("shared"));
        otpCalls.clear();

        BudgetedCheck shared = active.otp().verifyWithBudgets(active.rateLimits(), plan("shared"), NOW);
        assertThat(shared.verdict()).isEqualTo(BudgetedCheck.Verdict.MATCHED);
        assertThat(otpCalls).containsExactly("verifyWithBudgets");

        otpCalls.clear();
        BudgetedCheck local = active.otp().verifyWithBudgets(active.rateLimits(), plan("local"), NOW);
        assertThat(local.verdict()).isEqualTo(BudgetedCheck.Verdict.MATCHED);
        assertThat(otpCalls)
                .as("checked locally, budgets on the store's counters")
                .isEmpty();

        active.otp().saveChallenge(challenge("other"));
        otpCalls.clear();
        BudgetedCheck other =
                active.otp().verifyWithBudgets(new LocalRateLimitStore("other counters", 10), plan("other"), NOW);
        assertThat(other.verdict()).isEqualTo(BudgetedCheck.Verdict.MATCHED);
        assertThat(otpCalls).as("other counters: step by step").containsExactly("verify");
    }

    private static BudgetedVerification plan(String key) {
        return new BudgetedVerification(
                key, "hash-" + key, new Budget("client", 5, WINDOW), new Budget("address", 10, WINDOW));
    }

    /** The store, recording each call and failing it with {@code failure} while one is set. */
    @SuppressWarnings("unchecked")
    private static <S> S failing(
            Class<S> type, S store, AtomicReference<@Nullable RuntimeException> failure, List<String> calls) {
        return (S) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return method.invoke(store, args);
            }
            RuntimeException e = failure.get();
            if (e != null) {
                throw e;
            }
            if (!method.getName().equals("ping")) {
                calls.add(method.getName());
            }
            try {
                return method.invoke(store, args);
            } catch (InvocationTargetException ex) {
                throw ex.getCause();
            }
        });
    }
}
