package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.spi.OtpMessage;
import dev.latchkey.auth.spi.TokenIssuer;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * A validly signed token whose session id names a session of another user or tenant (a bug or a compromise of the
 * issuer) never passes the session check nor signs anyone out.
 */
class ForeignSessionTokenTest {
    private static final String TENANT = "acme";

    private final List<OtpMessage> sent = new CopyOnWriteArrayList<>();
    private final TestStores stores = new TestStores();
    private final AuthSettings settings =
            TestKeys.settings(TestKeys.hs256("k1")).build();
    private final AccessTokens real = new AccessTokens(settings, new SecureRandom());
    /** How the issuer under test misreports a principal; identity by default. */
    private volatile UnaryOperator<AuthPrincipal> tamper = UnaryOperator.identity();

    private final AuthFacade auth = AuthFacade.builder()
            .settings(settings)
            .stores(stores)
            .otpSender(sent::add)
            .clock(TestKeys.at(TestKeys.T0))
            .tokenIssuer(new TokenIssuer() {
                @Override
                public AccessToken issue(User user, String sessionId, Instant now) {
                    return real.issue(user, sessionId, now);
                }

                @Override
                public AuthPrincipal verify(String accessToken, Instant now) {
                    return tamper.apply(real.verify(accessToken, now));
                }

                @Override
                public Map<String, Object> jwkSet() {
                    return real.jwkSet();
                }
            })
            .build();

    private LoginResult login(String email) {
        OtpDispatch dispatch = auth.sendOtp(TENANT, email);
        return auth.verifyOtp(
                TENANT, email, dispatch.challengeId(), sent.get(sent.size() - 1).code());
    }

    private static AuthPrincipal as(AuthPrincipal p, UUID userId, String tenantId) {
        return new AuthPrincipal(
                userId,
                tenantId,
                p.email(),
                p.role(),
                p.permissions(),
                p.sessionId(),
                p.tokenId(),
                p.issuedAt(),
                p.expiresAt());
    }

    @Test
    void aTokenNamingAnotherUsersSessionIsRefused() {
        LoginResult ada = login("ada@example.com");
        LoginResult bob = login("bob@example.com");
        tamper = p -> as(p, bob.user().id(), p.tenantId());
        String adas = ada.tokens().accessToken();

        assertThat(Attempts.catchAuth(() -> auth.session(adas)).errorCode()).isEqualTo(ErrorCode.INVALID_TOKEN);
        assertThat(Attempts.catchAuth(() -> auth.signOut(adas, SignOutScope.GLOBAL))
                        .errorCode())
                .isEqualTo(ErrorCode.INVALID_TOKEN);
        assertThat(auth.listSessions(TENANT, bob.user().id())).hasSize(1);
        assertThat(auth.listSessions(TENANT, ada.user().id())).hasSize(1);
    }

    @Test
    void aTokenNamingASessionOfAnotherTenantIsRefused() {
        LoginResult ada = login("ada@example.com");
        tamper = p -> as(p, p.userId(), "globex");
        String adas = ada.tokens().accessToken();

        assertThat(Attempts.catchAuth(() -> auth.session(adas)).errorCode()).isEqualTo(ErrorCode.INVALID_TOKEN);
        assertThat(Attempts.catchAuth(() -> auth.signOut(adas, SignOutScope.LOCAL))
                        .errorCode())
                .isEqualTo(ErrorCode.INVALID_TOKEN);
        tamper = UnaryOperator.identity();
        assertThat(auth.session(adas).user().id()).isEqualTo(ada.user().id());
    }
}
