package dev.latchkey.auth;

import dev.latchkey.auth.internal.Base64Url;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;

/**
 * The refresh-token format, {@code <session id>.<secret>.<tag>}: a UUID, 256 random bits and a 128-bit keyed tag, all
 * base64url. The store keeps only {@link #hash} of the secret; rotation derives each successor from its predecessor
 * ({@link #successor}), so a retry within the reuse grace window receives exactly the same successor.
 */
final class RefreshTokens {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final int SECRET_BYTES = 32;
    private static final int SESSION_ID_CHARS = 36;
    private static final int SECRET_CHARS = 43;
    private static final int TAG_CHARS = 22;
    private static final int TOKEN_CHARS = SESSION_ID_CHARS + 1 + SECRET_CHARS + 1 + TAG_CHARS;

    private final KeyedHashes hashes;
    private final SecureRandom random;

    RefreshTokens(KeyedHashes hashes, SecureRandom random) {
        this.hashes = hashes;
        this.random = random;
    }

    /** A presented refresh token whose tag checked out. */
    record Parsed(String sessionId, byte[] secret) {}

    /** A fresh random secret for a new session. */
    byte[] newSecret() {
        byte[] secret = new byte[SECRET_BYTES];
        random.nextBytes(secret);
        return secret;
    }

    /** The secret that succeeds {@code secret} on rotation; deterministic, keyed by the host secret. */
    byte[] successor(String sessionId, byte[] secret) {
        return hashes.successorSecret(sessionId, secret);
    }

    /** What the session store keeps instead of the secret. */
    String hash(byte[] secret) {
        return hashes.refreshHash(secret);
    }

    /** The token handed to the client. */
    String encode(String sessionId, byte[] secret) {
        return sessionId + "." + B64.encodeToString(secret) + "."
                + B64.encodeToString(hashes.refreshTag(sessionId, secret));
    }

    /**
     * Splits a presented token and checks its tag before any store is touched: a token Latchkey did not issue is
     * refused outright, so knowing a session id (it is the {@code sid} of access tokens) is not enough to trigger
     * reuse detection and revoke someone else's session.
     *
     * @throws AuthException {@code INVALID_TOKEN} for anything but a well-formed token with a valid tag
     */
    Parsed parse(String token) {
        int secretStart = SESSION_ID_CHARS + 1;
        int tagStart = secretStart + SECRET_CHARS + 1;
        if (token == null
                || token.length() != TOKEN_CHARS
                || token.charAt(SESSION_ID_CHARS) != '.'
                || token.charAt(tagStart - 1) != '.') {
            throw AccessTokens.invalid();
        }
        try {
            String sessionId = token.substring(0, SESSION_ID_CHARS);
            if (!UUID.fromString(sessionId).toString().equals(sessionId)) {
                throw AccessTokens.invalid();
            }
            // The strict decoder: the JDK's ignores the unused low bits of the last character, so each token would have
            // 256 spellings that all parse to the same secret and tag.
            byte[] secret = Base64Url.decode(token, secretStart, tagStart - 1);
            byte[] tag = Base64Url.decode(token, tagStart, TOKEN_CHARS);
            if (secret.length != SECRET_BYTES || !MessageDigest.isEqual(tag, hashes.refreshTag(sessionId, secret))) {
                throw AccessTokens.invalid();
            }
            return new Parsed(sessionId, secret);
        } catch (IllegalArgumentException e) {
            throw AccessTokens.invalid();
        }
    }

    /** Constant-time comparison of two stored hashes; {@code false} when {@code stored} is absent. */
    static boolean sameHash(String presented, String stored) {
        return stored != null
                && MessageDigest.isEqual(
                        presented.getBytes(StandardCharsets.US_ASCII), stored.getBytes(StandardCharsets.US_ASCII));
    }
}
