package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One-time codes: every length, zero-padded, uniform, from whole draws of the generator. */
class OtpCodeTest {
    @ParameterizedTest
    @ValueSource(ints = {6, 7, 8, 9, 10})
    void aCodeHasExactlyTheConfiguredNumberOfDigitsLeadingZerosIncluded(int length) {
        assertThat(OtpLogin.code(new Scripted(new byte[8]), length)).isEqualTo("0".repeat(length));
        assertThat(OtpLogin.code(new SecureRandom(), length)).hasSize(length).containsOnlyDigits();
    }

    @Test
    void aDrawInTheIncompleteLastBlockIsRejectedAndDrawnAgain() {
        byte[] highest = new byte[8];
        Arrays.fill(highest, (byte) 0xff); // 2^63 - 1: above the last multiple of 10^6, so it would bias the code
        byte[] seven = {0, 0, 0, 0, 0, 0, 0, 7};
        Scripted random = new Scripted(highest, seven);

        assertThat(OtpLogin.code(random, 6)).isEqualTo("000007");
        assertThat(random.draws).isEqualTo(2);
    }

    @Test
    void theValueIsTakenModuloTheBoundNotTruncated() {
        byte[] big = {0, 0, 0, 0, 0x3b, (byte) 0x9a, (byte) 0xca, 0x07}; // 1,000,000,007
        assertThat(OtpLogin.code(new Scripted(big), 6)).isEqualTo("000007");
        assertThat(OtpLogin.code(new Scripted(big), 10)).isEqualTo("1000000007");
    }

    @Test
    void everyLeadingDigitIsAboutEquallyLikely() throws NoSuchAlgorithmException {
        SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
        seeded.setSeed(42); // before the first draw: a fixed, repeatable sequence
        int[] leading = new int[10];
        int draws = 50_000;
        for (int i = 0; i < draws; i++) {
            leading[OtpLogin.code(seeded, 6).charAt(0) - '0']++;
        }
        for (int count : leading) {
            assertThat(count).isBetween(draws / 10 - 400, draws / 10 + 400);
        }
    }

    /** Hands out the given draws in order, then zeros; counts how many were asked for. */
    private static final class Scripted extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[][] script;
        int draws;

        Scripted(byte[]... script) {
            this.script = script;
        }

        @Override
        public void nextBytes(byte[] bytes) {
            byte[] next = draws < script.length ? script[draws] : new byte[bytes.length];
            System.arraycopy(next, 0, bytes, 0, bytes.length);
            draws++;
        }
    }
}
