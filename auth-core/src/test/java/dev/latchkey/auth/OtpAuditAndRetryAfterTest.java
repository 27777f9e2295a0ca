package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.spi.Counter;
import dev.latchkey.auth.spi.RateLimitStore;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What a host sees of one-time codes beyond the answer: each step of a login in the audit trail, the exact
 * {@code Retry-After} of a refusal (whole seconds, rounded up, never zero), and the store round trips a login costs.
 */
class OtpAuditAndRetryAfterTest {
    private static final String TENANT = "acme";
    private static final String EMAIL = "ada@example.com";
    private static final String IP = "198.51.100.7";

    private final FacadeFixture fixture = new FacadeFixture();
    private final CountingRateLimits rateLimits = new CountingRateLimits(fixture.stores.rateLimits());

    @Test
    void aLoginWithOneWrongCodeIsAuditedStepByStep() {
        AuthFacade auth = facade(settings());
        OtpDispatch dispatch = auth.sendOtp(TENANT, EMAIL, IP);
        Attempts.catchAuth(() -> auth.verifyOtp(TENANT, EMAIL, dispatch.challengeId(), wrong(), IP));
        auth.verifyOtp(TENANT, EMAIL, dispatch.challengeId(), fixture.lastCode(), IP);

        assertThat(fixture.events)
                .extracting(e -> e.getClass().getSimpleName())
                .containsExactly("CodeSent", "CodeFailed", "CodeVerified", "UserCreated", "LoggedIn");
    }

    @Test
    void theGuessThatSpendsAClientsBudgetIsAuditedAsALockOutWithTheWholeWindow() {
        AuthFacade auth = facade(settings()
                .otpMaxAttempts(10)
                .otpFailureLimitPerClient(new AuthSettings.Limit(3, Duration.ofMinutes(15))));
        OtpDispatch dispatch = auth.sendOtp(TENANT, EMAIL, IP);
        for (int i = 0; i < 2; i++) {
            Attempts.catchAuth(() -> auth.verifyOtp(TENANT, EMAIL, dispatch.challengeId(), wrong(), IP));
        }
        assertThat(fixture.events).noneMatch(AuthEvent.LockedOut.class::isInstance);

        fixture.clock.advance(Duration.ofSeconds(10));
        Attempts.catchAuth(() -> auth.verifyOtp(TENANT, EMAIL, dispatch.challengeId(), wrong(), IP));
        assertThat(fixture.events)
                .filteredOn(AuthEvent.LockedOut.class::isInstance)
                .singleElement()
                .satisfies(e -> assertThat(((AuthEvent.LockedOut) e).retryAfter())
                        .isEqualTo(Duration.ofMinutes(15).minusSeconds(10)));

        AuthException refused =
                Attempts.catchAuth(() -> auth.verifyOtp(TENANT, EMAIL, dispatch.challengeId(), fixture.lastCode(), IP));
        assertThat(refused.errorCode()).isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        assertThat(refused.retryAfter()).contains(Duration.ofMinutes(15).minusSeconds(10));
        assertThat(fixture.events)
                .filteredOn(AuthEvent.LockedOut.class::isInstance)
                .hasSize(2);
        assertThat(fixture.events.get(fixture.events.size() - 1)).isInstanceOf(AuthEvent.LockedOut.class);
    }

    @Test
    void retryAfterIsTheRestOfTheWindowRoundedUpToWholeSeconds() {
        AuthFacade auth = facade(settings().resendCooldown(Duration.ofSeconds(60)));
        auth.sendOtp(TENANT, EMAIL, IP);

        fixture.clock.advance(Duration.ofMillis(500));
        assertThat(refusedSend(auth).retryAfter()).contains(Duration.ofSeconds(60));
        fixture.clock.advance(Duration.ofMillis(500));
        assertThat(refusedSend(auth).retryAfter()).contains(Duration.ofSeconds(59));
        fixture.clock.advance(Duration.ofMillis(58_999));
        assertThat(refusedSend(auth).retryAfter()).contains(Duration.ofSeconds(1));
        assertThat(fixture.events)
                .filteredOn(AuthEvent.SendThrottled.class::isInstance)
                .extracting(e -> ((AuthEvent.SendThrottled) e).retryAfter())
                .containsExactly(Duration.ofSeconds(60), Duration.ofSeconds(59), Duration.ofSeconds(1));
    }

    @Test
    void aCounterWhoseWindowHasAlreadyEndedStillAsksForOneSecondNeverZeroOrLess() {
        AuthFacade auth = facade(settings().resendCooldown(Duration.ofSeconds(60)));
        auth.sendOtp(TENANT, EMAIL, IP);

        rateLimits.reportWindowEndingIn = Duration.ZERO;
        assertThat(refusedSend(auth).retryAfter()).contains(Duration.ofSeconds(1));
        rateLimits.reportWindowEndingIn = Duration.ofSeconds(-5);
        assertThat(refusedSend(auth).retryAfter()).contains(Duration.ofSeconds(1));
    }

    @Test
    void aCleanLoginResetsNoCounterAndALoginAfterFailuresResetsBoth() {
        AuthFacade auth = facade(settings());
        OtpDispatch first = auth.sendOtp(TENANT, EMAIL, IP);
        auth.verifyOtp(TENANT, EMAIL, first.challengeId(), fixture.lastCode(), IP);
        assertThat(rateLimits.resets).hasValue(0);

        fixture.clock.advance(Duration.ofMinutes(2));
        OtpDispatch second = auth.sendOtp(TENANT, EMAIL, IP);
        Attempts.catchAuth(() -> auth.verifyOtp(TENANT, EMAIL, second.challengeId(), wrong(), IP));
        auth.verifyOtp(TENANT, EMAIL, second.challengeId(), fixture.lastCode(), IP);
        assertThat(rateLimits.resets).hasValue(2);
    }

    @Test
    void aSuccessfulLoginGivesTheClientItsWholeFailureBudgetBack() {
        AuthFacade auth = facade(settings()
                .otpMaxAttempts(10)
                .otpFailureLimitPerClient(new AuthSettings.Limit(3, Duration.ofMinutes(15))));
        OtpDispatch dispatch = auth.sendOtp(TENANT, EMAIL, IP);
        for (int i = 0; i < 2; i++) {
            Attempts.catchAuth(() -> auth.verifyOtp(TENANT, EMAIL, dispatch.challengeId(), wrong(), IP));
        }
        auth.verifyOtp(TENANT, EMAIL, dispatch.challengeId(), fixture.lastCode(), IP);

        fixture.clock.advance(Duration.ofMinutes(2));
        OtpDispatch next = auth.sendOtp(TENANT, EMAIL, IP);
        for (int i = 0; i < 2; i++) {
            assertThat(Attempts.catchAuth(() -> auth.verifyOtp(TENANT, EMAIL, next.challengeId(), wrong(), IP))
                            .errorCode())
                    .isEqualTo(ErrorCode.INVALID_CODE);
        }
        assertThat(auth.verifyOtp(TENANT, EMAIL, next.challengeId(), fixture.lastCode(), IP)
                        .user()
                        .email())
                .isEqualTo(EMAIL);
    }

    private AuthException refusedSend(AuthFacade auth) {
        AuthException e = Attempts.catchAuth(() -> auth.sendOtp(TENANT, EMAIL, IP));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.RATE_LIMITED);
        return e;
    }

    private String wrong() {
        return Attempts.wrong(fixture.lastCode());
    }

    private static AuthSettings.Builder settings() {
        return AuthSettings.builder().hashSecret(TestKeys.HASH_SECRET).signingKey(TestKeys.hs256("k1"));
    }

    private AuthFacade facade(AuthSettings.Builder settings) {
        return fixture.builder(settings).rateLimitStore(rateLimits).build();
    }

    /** Counts resets; can report windows that end at a given offset from now, as a store with a lagging clock might. */
    private static final class CountingRateLimits implements RateLimitStore {
        private final RateLimitStore delegate;
        final AtomicInteger resets = new AtomicInteger();
        volatile Duration reportWindowEndingIn;

        CountingRateLimits(RateLimitStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public Counter increment(String key, Duration window, Instant now) {
            Counter counter = delegate.increment(key, window, now);
            Duration endingIn = reportWindowEndingIn;
            return endingIn == null ? counter : new Counter(counter.count(), now.plus(endingIn));
        }

        @Override
        public Counter peek(String key, Instant now) {
            return delegate.peek(key, now);
        }

        @Override
        public void reset(String key) {
            resets.incrementAndGet();
            delegate.reset(key);
        }

        @Override
        public void ping() {}
    }
}
