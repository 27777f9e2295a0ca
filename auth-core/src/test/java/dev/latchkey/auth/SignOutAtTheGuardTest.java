package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * With a revocation list, every way of ending sessions takes effect at the route guard at once: exactly the access
 * tokens of the sessions that ended are refused by {@code authenticate}, and no others.
 */
class SignOutAtTheGuardTest {
    private static final String TENANT = "acme";
    private static final String EMAIL = "ada@example.com";

    private final FacadeFixture fixture = new FacadeFixture();
    private final AuthFacade auth = fixture.builder(
                    AuthSettings.builder().hashSecret(TestKeys.HASH_SECRET).signingKey(TestKeys.hs256("k1")))
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
        fixture.clock.advance(Duration.ofMinutes(2));
        OtpDispatch dispatch = auth.sendOtp(TENANT, EMAIL);
        String code = fixture.lastCode();
        return auth.verifyOtp(TENANT, EMAIL, dispatch.challengeId(), code)
                .tokens()
                .accessToken();
    }
}
