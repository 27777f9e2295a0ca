package dev.latchkey.auth.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.AuthSettings;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.LoginResult;
import dev.latchkey.auth.OtpDispatch;
import dev.latchkey.auth.SignOutScope;
import dev.latchkey.auth.User;
import dev.latchkey.auth.spi.AuthEventListener;
import dev.latchkey.auth.spi.AuthStores;
import dev.latchkey.auth.spi.OtpMessage;
import dev.latchkey.auth.store.memory.MemoryStores;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Counters and timers move with real facade calls over the memory stores, and no tag carries personal data. */
class MetricsTest {
    private static final String TENANT = "acme-corp";
    private static final String EMAIL = "ada@example.com";
    private static final String OTHER_EMAIL = "grace@example.com";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<OtpMessage> sent = new CopyOnWriteArrayList<>();
    private final LatchkeyMetrics metrics = new LatchkeyMetrics(registry);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final AuthFacade auth = facade(AuthSettings.fromEnv(Map.of(
            "JWT_SECRET", "Xk3P9vQ2mZ7rT1wY5nB8cF4hJ6sL0dG3aV7eU2iO9pR",
            "OTP_HASH_SECRET", "q8Zr1vT0xN4mW7kB2yH5cJ9pL3sD6fG0aE1uR4iO7nV",
            "OTP_RESEND_COOLDOWN", "0s",
            "OTP_FAILURE_LIMIT_PER_CLIENT", "2/15m")));

    private AuthFacade facade(AuthSettings settings) {
        return AuthFacade.builder()
                .settings(settings)
                .stores(MeteredStores.wrap(MemoryStores.create(), registry))
                .otpSender(sent::add)
                .clock(clock)
                .eventListener(AuthEventListener.logging().andThen(metrics))
                .operationObserver(metrics)
                .build();
    }

    @Test
    void countsCodesLoginsRefreshesReuseAndSignOuts() {
        LoginResult login = login(EMAIL);
        LoginResult refreshed = auth.refresh(login.tokens().refreshToken());
        clock.advance(Duration.ofSeconds(11));
        assertThatThrownBy(() -> auth.refresh(login.tokens().refreshToken()))
                .as("an already rotated token, past the reuse grace window, is reuse")
                .isInstanceOf(AuthException.class);
        LoginResult second = login(OTHER_EMAIL);
        auth.signOut(second.tokens().accessToken(), SignOutScope.GLOBAL);

        assertThat(counter(LatchkeyMetrics.CODES_SENT, "channel", "email", "delivered", "true"))
                .isEqualTo(2);
        assertThat(counter(LatchkeyMetrics.CODES_VERIFIED, "channel", "email")).isEqualTo(2);
        assertThat(counter(LatchkeyMetrics.USERS_CREATED)).isEqualTo(2);
        assertThat(counter(LatchkeyMetrics.LOGINS)).isEqualTo(2);
        assertThat(counter(LatchkeyMetrics.REFRESHES)).isEqualTo(1);
        assertThat(counter(LatchkeyMetrics.REFRESH_REUSE)).isEqualTo(1);
        assertThat(refreshed.tokens().refreshToken())
                .isNotEqualTo(login.tokens().refreshToken());
        assertThat(counter(LatchkeyMetrics.SIGN_OUTS, "scope", "global")).isEqualTo(1);
    }

    @Test
    void countsFailedCodesAndTheLockOutByReason() {
        OtpDispatch dispatch = auth.sendOtp(TENANT, EMAIL);
        String wrong = sent.get(0).code().equals("000000") ? "111111" : "000000";
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> auth.verifyOtp(TENANT, EMAIL, dispatch.challengeId(), wrong))
                    .isInstanceOf(AuthException.class);
        }
        // Two wrong codes spend the client's budget of 2 (the second locks it out); the third is refused unchecked.
        assertThat(counter(LatchkeyMetrics.LOGIN_FAILURES, "reason", "invalid_code"))
                .isEqualTo(2);
        assertThat(counter(LatchkeyMetrics.LOGIN_FAILURES, "reason", "locked_out"))
                .isEqualTo(2);
        assertThat(counter(LatchkeyMetrics.LOCKOUTS, "channel", "email")).isEqualTo(2);
        assertThat(timerCount(LatchkeyMetrics.OPERATIONS, "operation", "verify_otp", "outcome", "too_many_attempts"))
                .isEqualTo(1);
    }

    @Test
    void countsThrottledSendsByLimit() {
        AuthFacade withCooldown = facade(AuthSettings.fromEnv(Map.of(
                "JWT_SECRET", "Xk3P9vQ2mZ7rT1wY5nB8cF4hJ6sL0dG3aV7eU2iO9pR",
                "OTP_HASH_SECRET", "q8Zr1vT0xN4mW7kB2yH5cJ9pL3sD6fG0aE1uR4iO7nV")));
        withCooldown.sendOtp(TENANT, EMAIL);
        assertThatThrownBy(() -> withCooldown.sendOtp(TENANT, EMAIL))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RATE_LIMITED));
        assertThat(counter(LatchkeyMetrics.SENDS_THROTTLED, "limit", "cooldown"))
                .isEqualTo(1);
    }

    @Test
    void timesEveryFacadeOperationByOutcome() {
        LoginResult login = login(EMAIL);
        auth.authenticate("Bearer " + login.tokens().accessToken());
        assertThatThrownBy(() -> auth.authenticate("Bearer not-a-token")).isInstanceOf(AuthException.class);
        auth.health();

        assertThat(timerCount(LatchkeyMetrics.OPERATIONS, "operation", "send_otp", "outcome", "success"))
                .isEqualTo(1);
        assertThat(timerCount(LatchkeyMetrics.OPERATIONS, "operation", "verify_otp", "outcome", "success"))
                .isEqualTo(1);
        assertThat(timerCount(LatchkeyMetrics.OPERATIONS, "operation", "authenticate", "outcome", "success"))
                .isEqualTo(1);
        assertThat(timerCount(LatchkeyMetrics.OPERATIONS, "operation", "authenticate", "outcome", "invalid_token"))
                .isEqualTo(1);
        assertThat(timerCount(LatchkeyMetrics.OPERATIONS, "operation", "health", "outcome", "success"))
                .isEqualTo(1);
        assertThat(registry.get(LatchkeyMetrics.OPERATIONS)
                        .tags("operation", "verify_otp")
                        .timer()
                        .totalTime(java.util.concurrent.TimeUnit.NANOSECONDS))
                .isPositive();
    }

    @Test
    void timesEveryStoreCallAndMarksTheOnesThatThrow() {
        LoginResult ada = login(EMAIL);
        LoginResult grace = login(OTHER_EMAIL);
        User taken = grace.user()
                .withProfile(
                        EMAIL,
                        grace.user().mobile(),
                        grace.user().name(),
                        grace.user().role(),
                        grace.user().permissions());
        assertThatThrownBy(() -> auth.updateUser(taken))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFLICT));

        // A login is two OTP steps (each composed of primitives, or fused by the store), then one user call.
        assertThat(timerCount(
                        MeteredStores.STORE_CALLS, "store", "otp", "method", "verifyWithBudgets", "outcome", "success"))
                .isEqualTo(2);
        assertThat(timerCount(
                        MeteredStores.STORE_CALLS, "store", "users", "method", "recordCodeLogin", "outcome", "success"))
                .isEqualTo(2);
        assertThat(timerCount(MeteredStores.STORE_CALLS, "store", "sessions", "method", "create", "outcome", "success"))
                .isEqualTo(2);
        assertThat(timerCount(MeteredStores.STORE_CALLS, "store", "users", "method", "update", "outcome", "error"))
                .isEqualTo(1);
        assertThat(ada.user().email()).isEqualTo(EMAIL);
    }

    @Test
    void storesPassedToAStoreArriveUnwrappedSoItRecognisesItsOwnBundle() {
        AuthStores metered = MeteredStores.wrap(MemoryStores.create(), registry);
        AuthFacade overMetered = AuthFacade.builder()
                .settings(auth.settings())
                .stores(metered)
                .otpSender(sent::add)
                .clock(clock)
                .build();
        OtpDispatch dispatch = overMetered.sendOtp(TENANT, EMAIL);
        LoginResult login = overMetered.verifyOtp(
                TENANT, EMAIL, dispatch.challengeId(), sent.get(sent.size() - 1).code());
        double lookupsBefore = usersFindById();

        assertThat(metered.sessions().findWithUser(login.session().id(), metered.users()))
                .isPresent();

        assertThat(timerCount(
                        MeteredStores.STORE_CALLS, "store", "sessions", "method", "findWithUser", "outcome", "success"))
                .isEqualTo(1);
        assertThat(usersFindById())
                .as("the session store looked the user up in the plain user database, not through the timed proxy")
                .isEqualTo(lookupsBefore);
    }

    private double usersFindById() {
        return registry.find(MeteredStores.STORE_CALLS).tags("store", "users", "method", "findById").timers().stream()
                .mapToDouble(timer -> timer.count())
                .sum();
    }

    @Test
    void noTagCarriesAnAddressAUserIdASessionIdOrTheTenant() {
        LoginResult login = login(EMAIL);
        auth.refresh(login.tokens().refreshToken());
        auth.signOut(login.tokens().accessToken(), SignOutScope.LOCAL);
        List<String> forbidden = List.of(
                EMAIL, TENANT, login.user().id().toString(), login.session().id(), "example.com");
        assertThat(registry.getMeters()).isNotEmpty();
        for (Meter meter : registry.getMeters()) {
            for (Tag tag : meter.getId().getTags()) {
                for (String value : forbidden) {
                    assertThat(tag.getValue())
                            .as("tag %s of %s", tag.getKey(), meter.getId().getName())
                            .doesNotContain(value);
                }
            }
        }
    }

    private LoginResult login(String email) {
        OtpDispatch dispatch = auth.sendOtp(TENANT, email);
        return auth.verifyOtp(
                TENANT, email, dispatch.challengeId(), sent.get(sent.size() - 1).code());
    }

    private double counter(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    private long timerCount(String name, String... tags) {
        return registry.get(name).tags(tags).timer().count();
    }
}
