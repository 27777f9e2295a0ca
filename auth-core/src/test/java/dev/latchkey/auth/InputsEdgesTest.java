package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The edges of client IP and email domain checks that the JDK's own parsers would let through. */
class InputsEdgesTest {

    @Test
    void aClientIpOfSixtyFourCharactersWithItsZoneIsAccepted() {
        String ip = "fe80::1%" + "a".repeat(56);
        assertThat(ip).hasSize(64);
        assertThat(Inputs.clientIp(ip)).isEqualTo("fe80:0:0:0:0:0:0:1");
    }

    @Test
    void aZoneIsDroppedFromAnIpv6Literal() {
        assertThat(Inputs.clientIp("fe80::1%eth0")).isEqualTo("fe80:0:0:0:0:0:0:1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[[::1]]", "[::1", "::1]", "[::1]]"})
    void bracketsAreAcceptedOnlyOnceAroundTheWholeAddress(String ip) {
        assertThat(Attempts.catchAuth(() -> Inputs.clientIp(ip)).getMessage())
                .isEqualTo("clientIp is not an IP address");
    }

    @Test
    void oneBracketedIpv6LiteralIsAccepted() {
        assertThat(Inputs.clientIp("[::1]")).isEqualTo("0:0:0:0:0:0:0:1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ada@example.com.", "ada@example..com", "ada@-example.com", "ada@example-.com"})
    void anEmailDomainWithAnEmptyOrHyphenEdgedLabelIsRefused(String email) {
        assertThat(Attempts.catchAuth(() -> Inputs.email(email)).errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
    }
}
