package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.spi.RevocationList;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Ending a session writes two stores, often two servers: the session store and the revocation list that the route
 * guard reads. When the revocation list fails, the call is refused {@code UNAVAILABLE} and must leave the session
 * live, so that the client's retry ends it properly.
 *
 * <p>Regression: the session used to be ended first. With Redis (the revocation list) unreachable, sign-out ended the
 * session in PostgreSQL, then failed; the retry found no session and answered "invalid token", and the access token
 * still passed {@code authenticate} until it expired (found by the fault injection suite in auth-reliability-tests).
 */
class SignOutAcrossStoresTest {
    private static final String TENANT = "acme";
    private static final String EMAIL = "ada@example.com";

    private final FacadeFixture fixture = new FacadeFixture();
    private final SwitchableRevocations revocations =
            new SwitchableRevocations(fixture.stores.revocations().orElseThrow());
    private final AuthFacade auth = fixture.builder(
                    AuthSettings.builder().hashSecret(TestKeys.HASH_SECRET).signingKey(JwtKey.generateEs256("k1")))
            .revocationList(revocations)
            .build();

    @ParameterizedTest
    @EnumSource(SignOutScope.class)
    void aSignOutRefusedForAFailingRevocationListLeavesTheSessionToARetry(SignOutScope scope) {
        LoginResult login = login();
        LoginResult other = login();

        revocations.down = true;
        assertUnavailable(() -> auth.signOut(login.tokens().accessToken(), scope));
        // Nothing ended: both sessions are as they were.
        assertThat(auth.session(login.tokens().accessToken()).session().id())
                .isEqualTo(login.session().id());
        assertThat(auth.session(other.tokens().accessToken()).session().id())
                .isEqualTo(other.session().id());

        revocations.down = false;
        assertThat(auth.signOut(login.tokens().accessToken(), scope)).isPositive();
        LoginResult ended = scope == SignOutScope.OTHERS ? other : login;
        assertInvalidToken(() -> auth.session(ended.tokens().accessToken()));
        assertInvalidToken(() -> auth.authenticate("Bearer " + ended.tokens().accessToken()));
    }

    @Test
    void disablingAUserRefusedForAFailingRevocationListLeavesTheSessionsToARetry() {
        LoginResult login = login();

        revocations.down = true;
        assertUnavailable(() -> auth.disableUser(TENANT, login.user().id()));
        assertThat(auth.listSessions(TENANT, login.user().id())).hasSize(1);

        revocations.down = false;
        auth.disableUser(TENANT, login.user().id());
        assertInvalidToken(() -> auth.authenticate("Bearer " + login.tokens().accessToken()));
    }

    private LoginResult login() {
        String challenge = auth.sendOtp(TENANT, EMAIL).challengeId();
        fixture.clock.advance(java.time.Duration.ofMinutes(2));
        return auth.verifyOtp(TENANT, EMAIL, challenge, fixture.lastCode());
    }

    private static void assertUnavailable(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.errorCode())
                .isEqualTo(ErrorCode.UNAVAILABLE));
    }

    private static void assertInvalidToken(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.errorCode())
                .isEqualTo(ErrorCode.INVALID_TOKEN));
    }

    /** The test stores' revocation list, failing its writes while {@code down}, as an unreachable server would. */
    private static final class SwitchableRevocations implements RevocationList {
        private final RevocationList delegate;
        volatile boolean down;

        SwitchableRevocations(RevocationList delegate) {
            this.delegate = delegate;
        }

        @Override
        public void revoke(String sessionId, Instant expiresAt, Instant now) {
            if (down) {
                throw new IllegalStateException("connection refused");
            }
            delegate.revoke(sessionId, expiresAt, now);
        }

        @Override
        public boolean isRevoked(String sessionId) {
            return delegate.isRevoked(sessionId);
        }

        @Override
        public void ping() {
            delegate.ping();
        }
    }
}
