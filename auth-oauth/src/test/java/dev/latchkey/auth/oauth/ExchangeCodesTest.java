package dev.latchkey.auth.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.LoginResult;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExchangeCodesTest {
    private final Harness h = new Harness();
    private final ExchangeCodes codes = new ExchangeCodes(h.clock);

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void aCodeRedeemsItsSignInOnceOnly() {
        LoginResult login = h.otpLogin("ada@example.com");
        String code = codes.issue(login);

        assertThat(code).matches("[A-Za-z0-9_-]{43}");
        assertThat(codes.redeem(code)).contains(login);
        assertThat(codes.redeem(code)).as("a second redemption finds nothing").isEmpty();
        assertThat(codes.redeem("made-up")).isEmpty();
    }

    @Test
    void aCodeExpiresAfterItsTtl() {
        String code = codes.issue(h.otpLogin("ada@example.com"));
        h.clock.advance(ExchangeCodes.TTL);
        assertThat(codes.redeem(code)).isEmpty();

        String fresh = codes.issue(h.otpLogin("bob@example.com"));
        h.clock.advance(ExchangeCodes.TTL.minus(Duration.ofSeconds(1)));
        assertThat(codes.redeem(fresh)).isPresent();
    }
}
