package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading the token out of an {@code Authorization} header (RFC 6750 §2.1). */
class BearerHeaderTest {

    @ParameterizedTest
    @ValueSource(
            strings = {"Bearer abc.def.ghi", "bearer abc.def.ghi", "BEARER abc.def.ghi", "  Bearer   abc.def.ghi \t"})
    void theSchemeIsCaseInsensitiveAndSurroundingSpaceIsIgnored(String header) {
        assertThat(BearerHeader.token(header)).isEqualTo("abc.def.ghi");
    }

    @Test
    void theShortestHeaderWithATokenIsAccepted() {
        assertThat(BearerHeader.token("Bearer x")).isEqualTo("x");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "Bearer",
                "Bearer ",
                "Bearer  ",
                "Bearerabc.def",
                "Basic YWxhZGRpbjpvcGVu",
                "Token abc",
                "abc.def.ghi",
                "Bear abc"
            })
    void aHeaderWithoutTheBearerSchemeAndATokenIsRefused(String header) {
        assertInvalid(header);
    }

    @Test
    void aMissingHeaderIsRefused() {
        assertInvalid(null);
    }

    @Test
    void aHeaderUpToTheLongestTokenPlusSixteenCharactersIsReadAndOneMoreIsRefused() {
        String longest = "Bearer " + "x".repeat(Inputs.MAX_TOKEN + 16 - 7);
        assertThat(longest).hasSize(Inputs.MAX_TOKEN + 16);

        assertThat(BearerHeader.token(longest)).hasSize(Inputs.MAX_TOKEN + 9);
        assertInvalid(longest + "x");
        assertInvalid(" ".repeat(Inputs.MAX_TOKEN + 17 - 8) + "Bearer x");
    }

    private static void assertInvalid(String header) {
        assertThatThrownBy(() -> BearerHeader.token(header))
                .as(String.valueOf(header))
                .isExactlyInstanceOf(AuthException.class)
                .satisfies(e -> assertThat(((AuthException) e).errorCode()).isEqualTo(ErrorCode.INVALID_TOKEN));
    }
}
