package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.spi.SessionRecord;
import dev.latchkey.auth.spi.SessionStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * Refreshes that lose a race (another refresh or a sign-out got to the store first), refreshes of ended sessions, and
 * session checks of users changed outside the library.
 */
class SessionRacesTest {
    private static final String TENANT = "acme";
    private static final String EMAIL = "ada@example.com";

    private final FacadeFixture fixture = new FacadeFixture();
    /** What happens in the store just before a rotation is refused; nothing when null (the store rotates). */
    private volatile BiConsumer<SessionStore, String> beforeLosingTheRace;

    private final SessionStore racing = new SessionStore() {
        private final SessionStore real = fixture.stores.sessions();

        @Override
        public void create(SessionRecord session) {
            real.create(session);
        }

        @Override
        public Optional<SessionRecord> find(String sessionId) {
            return real.find(sessionId);
        }

        @Override
        public boolean rotate(String id, String expected, String next, Instant now, Instant idle) {
            BiConsumer<SessionStore, String> race = beforeLosingTheRace;
            if (race == null) {
                return real.rotate(id, expected, next, now, idle);
            }
            race.accept(real, id);
            real.rotate(id, expected, next, now, idle);
            return false;
        }

        @Override
        public boolean revoke(String sessionId) {
            return real.revoke(sessionId);
        }

        @Override
        public int revokeAllForUser(String tenantId, UUID userId, String exceptSessionId) {
            return real.revokeAllForUser(tenantId, userId, exceptSessionId);
        }

        @Override
        public List<SessionRecord> listForUser(String tenantId, UUID userId, Instant now) {
            return real.listForUser(tenantId, userId, now);
        }

        @Override
        public void ping() {}
    };

    private final AuthFacade auth = fixture.builder(TestKeys.settings(TestKeys.hs256("k1")))
            .sessionStore(racing)
            .build();

    private LoginResult login() {
        return fixture.login(auth, TENANT, EMAIL);
    }

    private static void assertInvalidToken(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThat(Attempts.catchAuth(call).errorCode()).isEqualTo(ErrorCode.INVALID_TOKEN);
    }

    @Test
    void aRefreshThatLosesTheRaceToTheSameRefreshGetsTheSameSuccessor() {
        LoginResult login = login();
        String token = login.tokens().refreshToken();
        // The concurrent refresh of the same token rotates first; this one's compare-and-set then fails.
        beforeLosingTheRace = (store, id) -> {};
        LoginResult lost = auth.refresh(token);
        beforeLosingTheRace = null;

        assertThat(fixture.events).noneMatch(e -> e instanceof AuthEvent.RefreshReuseDetected);
        assertThat(lost.session().lastRefreshedAt()).isEqualTo(fixture.clock.instant());
        // The successor it received is the family's current token: it refreshes normally.
        assertThat(auth.refresh(lost.tokens().refreshToken()).user().id())
                .isEqualTo(login.user().id());
    }

    @Test
    void aRefreshThatLosesTheRaceToASignOutIsRefusedWithoutCryingReuse() {
        LoginResult login = login();
        beforeLosingTheRace = (store, id) -> store.revoke(id);
        assertInvalidToken(() -> auth.refresh(login.tokens().refreshToken()));
        assertThat(fixture.events).noneMatch(e -> e instanceof AuthEvent.RefreshReuseDetected);
    }

    @Test
    void aRefreshThatLosesTheRaceToAnotherTokenOfTheFamilyIsReuse() {
        LoginResult login = login();
        String token = login.tokens().refreshToken();
        LoginResult rotated = auth.refresh(token);
        // The family moved on twice while this request, holding the rotated token, was in flight.
        beforeLosingTheRace = (store, id) -> {
            SessionRecord s = store.find(id).orElseThrow();
            store.rotate(id, s.tokenHash(), "elsewhere", fixture.clock.instant(), s.idleExpiresAt());
        };
        assertInvalidToken(() -> auth.refresh(rotated.tokens().refreshToken()));
        assertThat(fixture.events).anyMatch(e -> e instanceof AuthEvent.RefreshReuseDetected);
    }

    @Test
    void aRotatedTokenPresentedAfterTheSessionExpiredIsRefusedWithoutCryingReuse() {
        LoginResult login = login();
        String first = login.tokens().refreshToken();
        auth.refresh(first);
        fixture.clock.advance(Duration.ofDays(8));
        assertInvalidToken(() -> auth.refresh(first));
        assertThat(fixture.events).noneMatch(e -> e instanceof AuthEvent.RefreshReuseDetected);
    }

    @Test
    void aWrongSecretForAFamilyThatNeverRotatedIsReuse() {
        LoginResult login = login();
        RefreshTokens forger = new RefreshTokens(new KeyedHashes(TestKeys.HASH_SECRET), new SecureRandom());
        String forged = forger.encode(login.session().id(), forger.newSecret());
        assertInvalidToken(() -> auth.refresh(forged));
        assertThat(fixture.events).anyMatch(e -> e instanceof AuthEvent.RefreshReuseDetected);
        assertInvalidToken(() -> auth.refresh(login.tokens().refreshToken()));
    }

    @Test
    void theSessionCheckRefusesAUserDeactivatedOrRemovedOutsideTheLibrary() {
        LoginResult login = login();
        String access = login.tokens().accessToken();
        assertThat(auth.session(access).user().id()).isEqualTo(login.user().id());

        fixture.stores.users().disable(TENANT, login.user().id(), fixture.clock.instant());
        assertInvalidToken(() -> auth.session(access));
    }
}
