package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.spi.AuthEventListener;
import dev.latchkey.auth.spi.OtpMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PublicValuesTest {
    private static final Instant NOW = TestKeys.T0;

    @Test
    void expiresInRoundsUpToWholeSeconds() {
        TokenPair pair = new TokenPair("a", "r", NOW.plusSeconds(900), NOW.plusSeconds(3600));
        assertThat(pair.expiresInSeconds(NOW)).isEqualTo(900);
        assertThat(pair.expiresInSeconds(NOW.plusMillis(500))).isEqualTo(900);
        assertThat(pair.expiresInSeconds(NOW.plusSeconds(1))).isEqualTo(899);
        assertThat(pair.expiresInSeconds(NOW.plusSeconds(901))).isZero();
        assertThat(pair.toString()).doesNotContain("a,").doesNotContain("r,");
    }

    @Test
    void bearerTokenParsesTheAuthorizationHeader() {
        assertThat(AuthFacade.bearerToken("Bearer abc.def.ghi")).isEqualTo("abc.def.ghi");
        assertThat(AuthFacade.bearerToken("bearer   abc ")).isEqualTo("abc");
        for (String bad : new String[] {null, "", "Bearer", "Basic abc", "abc", "Bearer" + "x".repeat(9000)}) {
            assertThatThrownBy(() -> AuthFacade.bearerToken(bad))
                    .isInstanceOf(AuthException.class)
                    .satisfies(e -> assertThat(((AuthException) e).errorCode()).isEqualTo(ErrorCode.INVALID_TOKEN));
        }
    }

    @Test
    void andThenRunsBothListenersEvenWhenTheFirstFails() {
        List<AuthEvent> seen = new ArrayList<>();
        AuthEventListener failing = e -> {
            throw new IllegalStateException("sink down");
        };
        AuthEvent event = new AuthEvent.LoggedIn(NOW, "acme", UUID.randomUUID(), "s");
        assertThatThrownBy(() -> failing.andThen(seen::add).onEvent(event)).isInstanceOf(IllegalStateException.class);
        assertThat(seen).containsExactly(event);
        AuthEventListener.logging().andThen(seen::add).onEvent(event);
        assertThat(seen).hasSize(2);
    }

    @Test
    void usersAndPrincipalsPrintAddressesMasked() {
        User user = new User(
                UUID.randomUUID(),
                "acme",
                "ada@example.com",
                "+14155550123",
                "Ada",
                "member",
                java.util.Set.of(),
                true,
                null,
                NOW,
                NOW);
        assertThat(user.toString())
                .contains("a***@example.com")
                .contains("+1******0123")
                .doesNotContain("ada@example.com")
                .doesNotContain("+14155550123");
        AuthPrincipal principal = new AuthPrincipal(
                user.id(), "acme", "ada@example.com", "member", java.util.Set.of(), "s", "j", NOW, NOW.plusSeconds(60));
        assertThat(principal.toString()).contains("a***@example.com").doesNotContain("ada@example.com");
    }

    @Test
    void codeMessagesAndChallengesHideSecretsInToString() {
        Destination phone = new Destination(Destination.Channel.SMS, "+14155550123");
        OtpMessage message = new OtpMessage("acme", phone, "493817", NOW.plus(Duration.ofMinutes(5)));
        assertThat(message.toString()).doesNotContain("493817").contains("+1******0123");
        AuthException e = new AuthException(ErrorCode.RATE_LIMITED, "slow down", Duration.ofSeconds(30), null);
        assertThat(e.httpStatus()).isEqualTo(429);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
        assertThat(ErrorCode.INVALID_CODE.code()).isEqualTo("invalid_code");
    }
}
