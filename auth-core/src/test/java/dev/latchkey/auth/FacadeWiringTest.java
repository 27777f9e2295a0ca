package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.spi.AuthStores;
import dev.latchkey.auth.spi.ExternalIdentityStore;
import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.OtpMessage;
import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.spi.RevocationList;
import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.spi.UserDatabase;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** How the builder wires a facade: which optional parts it has, and what it probes. */
class FacadeWiringTest {
    private static final String TENANT = "acme";
    private static final String EMAIL = "ada@example.com";

    private final MovableClock clock = new MovableClock(TestKeys.T0);
    private final List<OtpMessage> sent = new CopyOnWriteArrayList<>();
    private final TestStores stores = new TestStores();

    private AuthFacade.Builder builder() {
        return AuthFacade.builder()
                .settings(TestKeys.settings(TestKeys.hs256("k1")).build())
                .otpSender(sent::add)
                .clock(clock);
    }

    private LoginResult login(AuthFacade auth) {
        OtpDispatch dispatch = auth.sendOtp(TENANT, EMAIL);
        return auth.verifyOtp(
                TENANT, EMAIL, dispatch.challengeId(), sent.get(sent.size() - 1).code());
    }

    @Test
    void anEmptyBuilderNamesEveryRequiredPart() {
        assertThatThrownBy(() -> AuthFacade.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "AuthFacade needs settings, userDatabase, otpStore, rateLimitStore, sessionStore, otpSender");
    }

    @Test
    void withoutARevocationListTheGuardIsStatelessAndOnlyTheSessionCheckSeesASignOut() {
        AuthFacade auth = builder()
                .userDatabase(stores.users())
                .otpStore(stores.otp())
                .rateLimitStore(stores.rateLimits())
                .sessionStore(stores.sessions())
                .build();
        LoginResult login = login(auth);
        String header = "Bearer " + login.tokens().accessToken();
        assertThat(auth.authenticate(header).userId()).isEqualTo(login.user().id());
        assertThat(auth.signOut(login.tokens().accessToken(), SignOutScope.LOCAL))
                .isEqualTo(1);

        assertThat(auth.authenticate(header).userId()).isEqualTo(login.user().id());
        assertThat(Attempts.catchAuth(() -> auth.session(login.tokens().accessToken()))
                        .errorCode())
                .isEqualTo(ErrorCode.INVALID_TOKEN);
        assertThat(auth.health().components()).doesNotContainKey("revocations");
    }

    @Test
    void aRevocationListWithoutAFeedIsAskedDirectlyEvenWhenMirroringIsOn() {
        AuthFacade auth = builder().stores(stores).mirrorRevocations(true).build();
        LoginResult login = login(auth);
        auth.signOut(login.tokens().accessToken(), SignOutScope.LOCAL);
        assertThat(Attempts.catchAuth(() ->
                                auth.authenticate("Bearer " + login.tokens().accessToken()))
                        .errorCode())
                .isEqualTo(ErrorCode.INVALID_TOKEN);
        auth.close();
    }

    @Test
    void aSeparateIdentityStoreEnablesExternalSignInAndIsProbedOnItsOwn() {
        AuthFacade auth = builder()
                .userDatabase(stores.users())
                .otpStore(stores.otp())
                .rateLimitStore(stores.rateLimits())
                .sessionStore(stores.sessions())
                .externalIdentityStore(stores.externalIdentities().orElseThrow())
                .mirrorRevocations(false)
                .build();
        assertThat(auth.supportsExternalIdentities()).isTrue();
        assertThat(auth.health().components()).containsKeys("users", "externalIdentities");
    }

    /** A user database that keeps the identity links too, as PostgreSQL does. */
    private interface UsersAndLinks extends UserDatabase, ExternalIdentityStore {}

    @Test
    void aUserDatabaseThatKeepsTheLinksIsProbedOnceAsUsers() {
        UserDatabase users = stores.users();
        ExternalIdentityStore links = stores.externalIdentities().orElseThrow();
        UsersAndLinks both = (UsersAndLinks) java.lang.reflect.Proxy.newProxyInstance(
                UsersAndLinks.class.getClassLoader(), new Class<?>[] {UsersAndLinks.class}, (proxy, method, args) -> {
                    Object target = method.getDeclaringClass().isAssignableFrom(UserDatabase.class)
                                    && method.getDeclaringClass() != Object.class
                            ? users
                            : links;
                    if (method.getDeclaringClass() == Object.class) {
                        return method.invoke(users, args);
                    }
                    return method.invoke(target, args);
                });
        AuthStores bundle = new AuthStores() {
            @Override
            public UserDatabase users() {
                return both;
            }

            @Override
            public OTPStore otp() {
                return stores.otp();
            }

            @Override
            public RateLimitStore rateLimits() {
                return stores.rateLimits();
            }

            @Override
            public SessionStore sessions() {
                return stores.sessions();
            }

            @Override
            public Optional<RevocationList> revocations() {
                return Optional.empty();
            }

            @Override
            public Optional<ExternalIdentityStore> externalIdentities() {
                return Optional.of(both);
            }
        };
        AuthFacade auth = builder().stores(bundle).build();
        assertThat(auth.supportsExternalIdentities()).isTrue();
        assertThat(auth.health().components()).containsKey("users").doesNotContainKey("externalIdentities");
    }
}
