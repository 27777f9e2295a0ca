package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaskingTest {

    @Test
    void aMissingAddressPrintsAsNullLikeStringConcatenationWould() {
        assertThat(Masking.email(null)).isEqualTo("null");
        assertThat(Masking.mobile(null)).isEqualTo("null");
    }

    @ParameterizedTest
    @CsvSource({
        "ada@example.com, a***@example.com",
        // A one-letter local part keeps its letter: only the rest would have been hidden.
        "a@example.com, a***@example.com",
        "grace.hopper@navy.mil, g***@navy.mil"
    })
    void masksAllOfTheLocalPartButItsFirstCharacter(String email, String masked) {
        assertThat(Masking.email(email)).isEqualTo(masked);
    }

    @ParameterizedTest
    @CsvSource({"no-at-sign", "@example.com"})
    void anAddressWithoutALocalPartIsMaskedWhole(String email) {
        assertThat(Masking.email(email)).isEqualTo("***");
    }

    @ParameterizedTest
    @CsvSource({
        "+14155550123, +1******0123",
        "+447911123456, +4*******3456",
        // Seven characters: two kept at the start, four at the end, one hidden.
        "+123456, +1*3456"
    })
    void masksAllButTheFirstTwoAndLastFourCharactersOfAMobileNumber(String mobile, String masked) {
        assertThat(Masking.mobile(mobile)).isEqualTo(masked).hasSameSizeAs(mobile);
    }

    @ParameterizedTest
    @CsvSource({"+1234, +1234", "+12, +12", "7, 7", "'', ''"})
    void aValueTooShortToMaskIsShownAsItIsRatherThanFailing(String mobile, String shown) {
        assertThat(Masking.mobile(mobile)).isEqualTo(shown);
    }
}
