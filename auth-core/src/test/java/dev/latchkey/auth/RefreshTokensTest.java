package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The refresh-token format {@code <session id>.<secret>.<tag>}: what is handed out parses back to the same session and
 * secret, and anything Latchkey did not issue exactly so is refused before a store is asked.
 */
class RefreshTokensTest {
    private static final String SESSION = "7d1c9a0e-5f0b-4f4e-9a55-2f0c1d2e3f40";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private final KeyedHashes hashes = new KeyedHashes(TestKeys.HASH_SECRET);
    private final RefreshTokens tokens = new RefreshTokens(hashes, new SecureRandom());

    @Test
    void anEncodedTokenParsesBackToItsSessionAndSecret() {
        byte[] secret = tokens.newSecret();
        String token = tokens.encode(SESSION, secret);

        RefreshTokens.Parsed parsed = tokens.parse(token);

        assertThat(token).hasSize(36 + 1 + 43 + 1 + 22).startsWith(SESSION + ".");
        assertThat(token.charAt(80)).isEqualTo('.');
        assertThat(parsed.sessionId()).isEqualTo(SESSION);
        assertThat(parsed.secret()).isEqualTo(secret);
    }

    @Test
    void newSecretsAre32FreshRandomBytes() {
        byte[] a = tokens.newSecret();
        byte[] b = tokens.newSecret();

        assertThat(a).hasSize(32);
        assertThat(b).hasSize(32).isNotEqualTo(a);
    }

    @Test
    void theSuccessorIsDeterministicPerSessionAndDiffersFromTheSecret() {
        byte[] secret = tokens.newSecret();

        byte[] successor = tokens.successor(SESSION, secret);

        assertThat(successor).hasSize(32).isNotEqualTo(secret);
        assertThat(tokens.successor(SESSION, secret)).isEqualTo(successor);
        assertThat(tokens.successor("0d1c9a0e-5f0b-4f4e-9a55-2f0c1d2e3f40", secret))
                .isNotEqualTo(successor);
        assertThat(tokens.successor(SESSION, successor)).isNotEqualTo(successor);
    }

    @Test
    void theStoredHashIsNotTheSecretAndIsStable() {
        byte[] secret = tokens.newSecret();

        assertThat(tokens.hash(secret)).isEqualTo(hashes.refreshHash(secret)).isNotEqualTo(B64.encodeToString(secret));
        assertThat(tokens.hash(secret)).isEqualTo(tokens.hash(secret.clone()));
    }

    @Test
    void aTokenWithAnyCharacterChangedIsRefused() {
        String token = tokens.encode(SESSION, tokens.newSecret());

        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            // A different value in a data bit of that character (every character carries at least two).
            char other = c == '.' ? 'A' : ALPHABET.charAt(ALPHABET.indexOf(c) ^ 16);
            String changed = token.substring(0, i) + other + token.substring(i + 1);
            int at = i;
            assertThatThrownBy(() -> tokens.parse(changed))
                    .as("position %d", at)
                    .satisfies(RefreshTokensTest::isInvalid);
        }
    }

    @Test
    void aTokenReSpelledWithNonZeroUnusedBitsIsRefused() {
        String token = tokens.encode(SESSION, tokens.newSecret());
        // The last character of the 43-character secret carries 2 unused bits, that of the 22-character tag 4; a lax
        // decoder ignores them, so these are the same secret and tag spelled differently.
        int[][] lastCharacters = {{80, 0x3}, {token.length(), 0xf}};
        for (int[] last : lastCharacters) {
            int end = last[0];
            int value = ALPHABET.indexOf(token.charAt(end - 1));
            assertThat(value & last[1]).isZero();
            for (int unused = 1; unused <= last[1]; unused++) {
                assertInvalid(token.substring(0, end - 1) + ALPHABET.charAt(value | unused) + token.substring(end));
            }
        }
        assertThat(tokens.parse(token).sessionId()).isEqualTo(SESSION);
    }

    @Test
    void aTokenTaggedUnderAnotherHostSecretIsRefused() {
        KeyedHashes otherHost = new KeyedHashes(
                "another-host-secret-of-32-bytes!!".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String forged = new RefreshTokens(otherHost, new SecureRandom()).encode(SESSION, tokens.newSecret());

        assertInvalid(forged);
    }

    @Test
    void aTokenOfTheWrongShapeIsRefused() {
        byte[] secret = tokens.newSecret();
        String token = tokens.encode(SESSION, secret);
        String secretPart = token.substring(37, 80);
        String tagPart = token.substring(81);

        assertInvalid(null);
        assertInvalid("");
        assertInvalid(token.substring(1));
        assertInvalid(token + "A");
        assertInvalid(token.substring(0, token.length() - 1));
        // The dots must be exactly where the format puts them.
        assertInvalid(SESSION + "A" + secretPart + "." + tagPart);
        assertInvalid(SESSION + "." + secretPart + "A" + tagPart);
        // The session id must be a UUID in its canonical (lower-case) spelling.
        String upper = SESSION.toUpperCase(java.util.Locale.ROOT);
        assertInvalid(tokens.encode(upper, secret));
        assertInvalid(tokens.encode("7d1c9a0e-5f0b-4f4e-9a55-2f0c1d2e3f4g", secret));
        assertInvalid(tokens.encode("7d1c9a0e+5f0b+4f4e+9a55+2f0c1d2e3f40", secret));
        // Standard-alphabet base64 in place of base64url.
        String standard = token.replace('-', '+').replace('_', '/');
        if (!standard.equals(token)) {
            assertInvalid(standard);
        }
        assertInvalid(SESSION + "." + "*".repeat(43) + "." + tagPart);
        assertInvalid(SESSION + "." + secretPart + "." + "*".repeat(22));
    }

    @Test
    void hashesAreComparedExactlyAndAnAbsentOneNeverMatches() {
        String hash = tokens.hash(tokens.newSecret());

        assertThat(RefreshTokens.sameHash(hash, hash)).isTrue();
        assertThat(RefreshTokens.sameHash(hash, new String(hash.toCharArray()))).isTrue();
        assertThat(RefreshTokens.sameHash(hash, null)).isFalse();
        assertThat(RefreshTokens.sameHash(hash, hash.substring(1))).isFalse();
        assertThat(RefreshTokens.sameHash(hash, tokens.hash(tokens.newSecret())))
                .isFalse();
    }

    private void assertInvalid(String token) {
        assertThatThrownBy(() -> tokens.parse(token)).as(String.valueOf(token)).satisfies(RefreshTokensTest::isInvalid);
    }

    private static void isInvalid(Throwable e) {
        assertThat(e).isExactlyInstanceOf(AuthException.class);
        assertThat(((AuthException) e).errorCode()).isEqualTo(ErrorCode.INVALID_TOKEN);
    }
}
