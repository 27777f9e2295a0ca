package dev.latchkey.auth.internal;

/**
 * A strict base64url decoder for JWS segments (RFC 7515 §2, RFC 4648 §5): only the URL-safe alphabet, no padding, no
 * whitespace, no length that leaves a lone character, and the unused low bits of the last character must be zero, so
 * every byte string has exactly one accepted encoding (nothing in a token can be re-spelled and still verify).
 * Decodes straight out of the token string, without copying the segment first.
 */
public final class Base64Url {
    private static final byte[] VALUES = new byte[128];

    static {
        java.util.Arrays.fill(VALUES, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < alphabet.length(); i++) {
            VALUES[alphabet.charAt(i)] = (byte) i;
        }
    }

    private Base64Url() {}

    /**
     * The bytes encoded by {@code text} from {@code from} (inclusive) to {@code to} (exclusive).
     *
     * @throws IllegalArgumentException if that range is not canonical unpadded base64url
     */
    public static byte[] decode(String text, int from, int to) {
        if (from < 0 || to > text.length() || from > to) {
            throw new IllegalArgumentException("bad range");
        }
        int length = to - from;
        int tail = length & 3;
        if (tail == 1) {
            throw new IllegalArgumentException("not base64url");
        }
        byte[] out = new byte[(length >> 2) * 3 + (tail == 0 ? 0 : tail - 1)];
        int i = from;
        int o = 0;
        int fullEnd = to - tail;
        while (i < fullEnd) {
            // A character outside the alphabet is -1; shifted, it keeps the sign bit, so any bad one makes bits < 0.
            int bits = value(text.charAt(i)) << 18
                    | value(text.charAt(i + 1)) << 12
                    | value(text.charAt(i + 2)) << 6
                    | value(text.charAt(i + 3));
            if (bits < 0) {
                throw new IllegalArgumentException("not base64url");
            }
            out[o] = (byte) (bits >> 16);
            out[o + 1] = (byte) (bits >> 8);
            out[o + 2] = (byte) bits;
            i += 4;
            o += 3;
        }
        if (tail == 2) {
            int bits = value(text.charAt(i)) << 6 | value(text.charAt(i + 1));
            if (bits < 0 || (bits & 0xf) != 0) {
                throw new IllegalArgumentException("not canonical base64url");
            }
            out[o] = (byte) (bits >> 4);
        } else if (tail == 3) {
            int bits = value(text.charAt(i)) << 12 | value(text.charAt(i + 1)) << 6 | value(text.charAt(i + 2));
            if (bits < 0 || (bits & 0x3) != 0) {
                throw new IllegalArgumentException("not canonical base64url");
            }
            out[o] = (byte) (bits >> 10);
            out[o + 1] = (byte) (bits >> 2);
        }
        return out;
    }

    private static int value(char c) {
        return c < 128 ? VALUES[c] : -1;
    }
}
