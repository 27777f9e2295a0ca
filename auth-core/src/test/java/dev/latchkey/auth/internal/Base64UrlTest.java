package dev.latchkey.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Base64UrlTest {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    @Test
    void decodesWhatTheJdkEncodesAtEveryLengthAndOffset() {
        Random random = new Random(42);
        for (int length = 0; length < 70; length++) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            String encoded = ENCODER.encodeToString(bytes);
            assertThat(Base64Url.decode(encoded, 0, encoded.length())).isEqualTo(bytes);
            String framed = "x." + encoded + ".y";
            assertThat(Base64Url.decode(framed, 2, 2 + encoded.length())).isEqualTo(bytes);
        }
    }

    @Test
    void refusesEverySpellingButTheCanonicalOne() {
        // "QQ" is the canonical encoding of "A"; "QR".."Qf" carry non-zero unused bits and decode to "A" in lax
        // decoders.
        assertThat(Base64Url.decode("QQ", 0, 2)).containsExactly('A');
        for (String lax :
                List.of("QR", "QS", "Qf", "QUJ", "QUL", "QQ==", "QQ=", "Q", "QUFBQ", "QU FB", "QU+B", "QU/B")) {
            assertThatThrownBy(() -> Base64Url.decode(lax, 0, lax.length()))
                    .as(lax)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(Base64Url.decode("QUI", 0, 3)).containsExactly('A', 'B');
        assertThatThrownBy(() -> Base64Url.decode("QU\u00c9B", 0, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Base64Url.decode("QU\u0141B", 0, 4)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRangeOutsideTheTextOrBackwardsIsRefused() {
        String text = "QUFB";
        for (int[] range : new int[][] {{-1, 2}, {0, 5}, {3, 2}, {5, 5}}) {
            assertThatThrownBy(() -> Base64Url.decode(text, range[0], range[1]))
                    .as("%d..%d", range[0], range[1])
                    .isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessage("bad range");
        }
        assertThat(Base64Url.decode(text, 4, 4)).isEmpty();
        assertThat(Base64Url.decode(text, 0, 4)).containsExactly('A', 'A', 'A');
    }

    @Test
    void charactersJustOutsideAsciiAreRefusedInEveryPosition() {
        for (char c : new char[] {'\u007f', '\u0080', '\u00ff', '\uffff', '=', '.', '+', '/'}) {
            for (String text : List.of(c + "UFB", "Q" + c + "FB", "QU" + c + "B", "QUF" + c, "Q" + c, "QU" + c)) {
                assertThatThrownBy(() -> Base64Url.decode(text, 0, text.length()))
                        .as(text)
                        .isExactlyInstanceOf(IllegalArgumentException.class);
            }
        }
    }
}
