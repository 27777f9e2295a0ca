package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.spi.RevocationList;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** How long sessions, their refreshes and their entries on the deny-list last. */
class SessionLifetimesTest {
    private static final String TENANT = "acme";
    private static final String EMAIL = "ada@example.com";

    private final FacadeFixture fixture = new FacadeFixture();
    /** Each denied session and the time its entry was asked to last until. */
    private final Map<String, Instant> denied = new ConcurrentHashMap<>();

    private final RevocationList recordingList = new RevocationList() {
        @Override
        public void revoke(String sessionId, Instant expiresAt, Instant now) {
            denied.put(sessionId, expiresAt);
        }

        @Override
        public boolean isRevoked(String sessionId) {
            return denied.containsKey(sessionId);
        }

        @Override
        public void ping() {}
    };

    private final AuthFacade auth = fixture.builder(TestKeys.settings(TestKeys.hs256("k1"))
                    .accessTokenTtl(Duration.ofMinutes(10))
                    .clockSkew(Duration.ofSeconds(20))
                    .refreshIdleTtl(Duration.ofDays(7))
                    .refreshAbsoluteTtl(Duration.ofDays(30))
                    .refreshReuseGrace(Duration.ofSeconds(10)))
            .revocationList(recordingList)
            .build();

    private LoginResult login() {
        return fixture.login(auth, TENANT, EMAIL);
    }

    @Test
    void aNewSessionEndsAtItsIdleTimeoutWellBeforeItsAbsoluteExpiry() {
        Instant start = fixture.clock.instant();
        LoginResult login = login();
        assertThat(login.session().createdAt()).isEqualTo(start);
        assertThat(login.session().lastRefreshedAt()).isEqualTo(start);
        assertThat(login.session().expiresAt()).isEqualTo(start.plus(Duration.ofDays(7)));
        assertThat(login.session().absoluteExpiresAt()).isEqualTo(start.plus(Duration.ofDays(30)));
        assertThat(login.tokens().sessionExpiresAt()).isEqualTo(start.plus(Duration.ofDays(30)));
        assertThat(login.tokens().accessTokenExpiresAt()).isEqualTo(start.plus(Duration.ofMinutes(10)));
    }

    @Test
    void aRefreshNearTheAbsoluteExpiryCannotExtendTheSessionPastIt() {
        Instant start = fixture.clock.instant();
        LoginResult login = login();
        String refresh = login.tokens().refreshToken();
        for (int day = 6; day <= 18; day += 6) {
            fixture.clock.advance(Duration.ofDays(6));
            LoginResult refreshed = auth.refresh(refresh);
            assertThat(refreshed.session().expiresAt())
                    .isEqualTo(fixture.clock.instant().plus(Duration.ofDays(7)));
            assertThat(refreshed.session().lastRefreshedAt()).isEqualTo(fixture.clock.instant());
            refresh = refreshed.tokens().refreshToken();
        }
        fixture.clock.advance(Duration.ofDays(6)); // day 24: seven more idle days would end after day 30
        LoginResult last = auth.refresh(refresh);
        assertThat(last.session().expiresAt()).isEqualTo(start.plus(Duration.ofDays(30)));
        assertThat(auth.listSessions(TENANT, login.user().id()))
                .singleElement()
                .satisfies(s -> assertThat(s.expiresAt()).isEqualTo(start.plus(Duration.ofDays(30))));
    }

    @Test
    void aSignedOutSessionIsDeniedForAsLongAsItsLastAccessTokenCouldBeAccepted() {
        LoginResult login = login();
        fixture.clock.advance(Duration.ofMinutes(3));
        assertThat(auth.signOut(login.tokens().accessToken(), SignOutScope.LOCAL))
                .isEqualTo(1);
        // The access-token lifetime plus the tolerated clock skew, from the sign-out.
        assertThat(denied)
                .containsExactly(Map.entry(
                        login.session().id(),
                        fixture.clock.instant().plus(Duration.ofMinutes(10)).plusSeconds(20)));
    }

    @Test
    void aRetryWithinTheGraceWindowGetsTheSameSuccessorAndOneAfterItEndsTheSession() {
        LoginResult login = login();
        String first = login.tokens().refreshToken();
        LoginResult rotated = auth.refresh(first);
        fixture.clock.advance(Duration.ofSeconds(10));
        LoginResult retried = auth.refresh(first);
        assertThat(retried.tokens().refreshToken()).isEqualTo(rotated.tokens().refreshToken());
        assertThat(fixture.events).noneMatch(e -> e instanceof AuthEvent.RefreshReuseDetected);

        fixture.clock.advance(Duration.ofNanos(1));
        assertThat(Attempts.catchAuth(() -> auth.refresh(first)).errorCode()).isEqualTo(ErrorCode.INVALID_TOKEN);
        assertThat(fixture.events)
                .filteredOn(e -> e instanceof AuthEvent.RefreshReuseDetected)
                .singleElement()
                .isEqualTo(new AuthEvent.RefreshReuseDetected(
                        fixture.clock.instant(),
                        TENANT,
                        login.user().id(),
                        login.session().id()));
        assertThat(denied).containsKey(login.session().id());
        assertThat(Attempts.catchAuth(() -> auth.refresh(rotated.tokens().refreshToken()))
                        .errorCode())
                .isEqualTo(ErrorCode.INVALID_TOKEN);
    }

    @Test
    void aSessionIsRefusedFromItsExpiryOn() {
        LoginResult login = login();
        fixture.clock.advance(Duration.ofDays(7).minusNanos(1));
        LoginResult refreshed = auth.refresh(login.tokens().refreshToken());
        fixture.clock.advance(Duration.ofDays(7));
        assertThat(Attempts.catchAuth(() -> auth.refresh(refreshed.tokens().refreshToken()))
                        .errorCode())
                .isEqualTo(ErrorCode.INVALID_TOKEN);
        assertThat(fixture.events).noneMatch(e -> e instanceof AuthEvent.RefreshReuseDetected);
    }
}
