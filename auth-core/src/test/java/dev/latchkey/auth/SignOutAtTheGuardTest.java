package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.spi.OtpMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * With a revocation list, every way of ending sessions takes effect at the route guard at once: exactly the access
 * tokens of the sessions that ended are refused by {@code authenticate}, and no others.
 */
class SignOutAtTheGuardTest {
    private static final String TENANT = "acme";
    private static final String EMAIL = "ada@example.com";

    private final MovableClock clock = new MovableClock(TestKeys.T0);
    private final List<OtpMessage> sent = new CopyOnWriteArrayList<>();
    private final TestStores stores = new TestStores();
    private final AuthFacade auth = AuthFacade.builder()
            .settings(AuthSettings.builder()
                    .hashSecret(TestKeys.HASH_SECRET)
                    .signingKey(TestKeys.hs256("k1"))
                    .build())
            .stores(stores)
            .otpSender(sent::add)
            .clock(clock)
            .build();

    @Test
    void signingOutTheOthersRefusesTheirTokensAtTheGuardButNotThisOne() {
        String current = login();
        String other = login();
        assertThat(auth.signOut(current, SignOutScope.OTHERS)).isEqualTo(1);

        assertThat(auth.authenticate("Bearer " + current).tenantId()).isEqualTo(TENANT);
        assertRefused(other);
    }

    @Test
    void signingOutEverywhereRefusesThisTokenToo() {
        String current = login();
        String other = login();
        assertThat(auth.signOut(current, SignOutScope.GLOBAL)).isEqualTo(2);

        assertRefused(current);
        assertRefused(other);
    }

    @Test
    void disablingAUserRefusesAllTheirTokensAtTheGuard() {
        String first = login();
        String second = login();
        AuthPrincipal principal = auth.authenticate("Bearer " + first);
        assertThat(auth.disableUser(TENANT, principal.userId())).isTrue();

        assertRefused(first);
        assertRefused(second);
    }

    private void assertRefused(String accessToken) {
        assertThat(Attempts.catchAuth(() -> auth.authenticate("Bearer " + accessToken))
                        .errorCode())
                .isEqualTo(ErrorCode.INVALID_TOKEN);
    }

    private String login() {
        clock.advance(Duration.ofMinutes(2));
        OtpDispatch dispatch = auth.sendOtp(TENANT, EMAIL);
        String code = sent.get(sent.size() - 1).code();
        return auth.verifyOtp(TENANT, EMAIL, dispatch.challengeId(), code)
                .tokens()
                .accessToken();
    }
}
