package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.OtpMessage;
import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.spi.UserDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A login is one call of each login step, so a store that fuses a step answers the whole login in four round trips:
 * the core must not call a primitive beside them.
 */
class LoginStoreCallsTest {
    private static final String TENANT = "acme";

    private final TestStores stores = new TestStores();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<OtpMessage> sent = new CopyOnWriteArrayList<>();

    @Test
    void aFirstLoginCallsEachStepOnceAndNothingElse() {
        AuthFacade auth = facade(AuthSettings.builder());
        String mobile = "+14155550123";

        OtpDispatch dispatch = auth.sendOtp(TENANT, mobile, "203.0.113.9");
        List<String> sendCalls = List.copyOf(calls);
        calls.clear();
        LoginResult login = auth.verifyOtp(
                TENANT, mobile, dispatch.challengeId(), sent.get(0).code(), "203.0.113.9");

        assertThat(sendCalls).as("store calls of a send").containsExactly("otp.issueChallenge");
        assertThat(calls)
                .as("store calls of a verification that creates the user and starts a session")
                .containsExactly("otp.verifyWithBudgets", "users.recordCodeLogin", "sessions.create");
        assertThat(login.newUser()).as("the login created the user").isTrue();
    }

    @Test
    void anInviteOnlySendAlsoLooksTheDestinationUp() {
        AuthFacade auth = facade(AuthSettings.builder().signupMode(SignupMode.INVITE_ONLY));

        auth.sendOtp(TENANT, "ada@example.com");

        assertThat(calls)
                .as("invite-only: the challenge, then whether anybody holds the address")
                .containsExactly("otp.issueChallenge", "users.findByEmail");
        assertThat(sent).as("nobody holds it: nothing is delivered").isEmpty();
    }

    private AuthFacade facade(AuthSettings.Builder settings) {
        return AuthFacade.builder()
                .settings(settings.hashSecret(TestKeys.HASH_SECRET)
                        .signingKey(JwtKey.generateEs256("k1"))
                        .build())
                .userDatabase(recorded(UserDatabase.class, "users", stores.users()))
                .otpStore(recorded(OTPStore.class, "otp", stores.otp()))
                .rateLimitStore(stores.rateLimits())
                .sessionStore(recorded(SessionStore.class, "sessions", stores.sessions()))
                .otpSender(sent::add)
                .clock(new MovableClock(TestKeys.T0))
                .build();
    }

    private <T> T recorded(Class<T> type, String name, T store) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            calls.add(name + "." + method.getName());
            try {
                return method.invoke(store, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }
}
