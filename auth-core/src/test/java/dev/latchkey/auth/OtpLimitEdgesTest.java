package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The edges of the one-time-code limits that are about an address rather than a client: the address's send cap, the
 * address's failure backstop exactly at its limit, and invite-only mode when the address stops belonging to a user.
 */
class OtpLimitEdgesTest {
    private static final String TENANT = "acme";
    private static final String EMAIL = "ada@example.com";

    private final FacadeFixture fixture = new FacadeFixture();

    @Test
    void theAddressCapRefusesTheSendThatExceedsItWhateverTheClient() {
        AuthFacade auth = facade(settings()
                .resendCooldown(Duration.ZERO)
                .sendLimitPerAddress(new AuthSettings.Limit(2, Duration.ofHours(1))));
        auth.sendOtp(TENANT, EMAIL, "192.0.2.1");
        auth.sendOtp(TENANT, EMAIL, "192.0.2.2");
        AuthException refused = Attempts.catchAuth(() -> auth.sendOtp(TENANT, EMAIL, "192.0.2.3"));

        assertThat(refused.errorCode()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(refused.retryAfter()).contains(Duration.ofHours(1));
        assertThat(fixture.events)
                .filteredOn(AuthEvent.SendThrottled.class::isInstance)
                .extracting(e -> ((AuthEvent.SendThrottled) e).limit())
                .containsExactly("address");
        assertThat(fixture.sent).hasSize(2);
    }

    @Test
    void atTheBackstopExactlyAChallengeAlreadyGuessedAtTakesNoFurtherAttempt() {
        AuthFacade auth = facade(settings()
                .otpMaxAttempts(5)
                .otpFailureLimit(new AuthSettings.Limit(2, Duration.ofHours(1)))
                .otpFailureLimitPerClient(new AuthSettings.Limit(10, Duration.ofHours(1))));
        OtpDispatch dispatch = auth.sendOtp(TENANT, EMAIL, "192.0.2.1");
        String right = fixture.lastCode();
        for (int i = 0; i < 2; i++) {
            Attempts.catchAuth(() -> auth.verifyOtp(TENANT, EMAIL, dispatch.challengeId(), Attempts.wrong(right)));
        }
        fixture.events.clear();

        assertThat(Attempts.catchAuth(() -> auth.verifyOtp(TENANT, EMAIL, dispatch.challengeId(), right))
                        .errorCode())
                .isEqualTo(ErrorCode.INVALID_CODE);
        assertThat(fixture.events).singleElement().isInstanceOf(AuthEvent.CodeFailed.class);
    }

    @Test
    void oneFailureBelowTheBackstopTheRightCodeStillWorksOnAGuessedChallenge() {
        AuthFacade auth = facade(settings()
                .otpMaxAttempts(5)
                .otpFailureLimit(new AuthSettings.Limit(2, Duration.ofHours(1)))
                .otpFailureLimitPerClient(new AuthSettings.Limit(10, Duration.ofHours(1))));
        OtpDispatch dispatch = auth.sendOtp(TENANT, EMAIL, "192.0.2.1");
        String right = fixture.lastCode();
        Attempts.catchAuth(() -> auth.verifyOtp(TENANT, EMAIL, dispatch.challengeId(), Attempts.wrong(right)));

        assertThat(auth.verifyOtp(TENANT, EMAIL, dispatch.challengeId(), right)
                        .user()
                        .email())
                .isEqualTo(EMAIL);
    }

    @Test
    void inviteOnlyACodeForAnAddressItsUserHasSinceLeftLogsNobodyInAndCreatesNoUser() {
        AuthFacade open = facade(settings());
        OtpDispatch first = open.sendOtp(TENANT, EMAIL);
        User user = open.verifyOtp(TENANT, EMAIL, first.challengeId(), fixture.lastCode())
                .user();

        AuthFacade inviteOnly = facade(settings().signupMode(SignupMode.INVITE_ONLY));
        fixture.clock.advance(Duration.ofMinutes(2));
        OtpDispatch dispatch = inviteOnly.sendOtp(TENANT, EMAIL);
        String code = fixture.lastCode();
        inviteOnly.updateUser(
                user.withProfile("grace@example.com", user.mobile(), user.name(), user.role(), user.permissions()));

        assertThat(Attempts.catchAuth(() -> inviteOnly.verifyOtp(TENANT, EMAIL, dispatch.challengeId(), code))
                        .errorCode())
                .isEqualTo(ErrorCode.INVALID_CODE);
        assertThat(fixture.stores.users().findByEmail(TENANT, EMAIL)).isEmpty();
    }

    private static AuthSettings.Builder settings() {
        return AuthSettings.builder().hashSecret(TestKeys.HASH_SECRET).signingKey(TestKeys.hs256("k1"));
    }

    private AuthFacade facade(AuthSettings.Builder settings) {
        return fixture.builder(settings).build();
    }
}
