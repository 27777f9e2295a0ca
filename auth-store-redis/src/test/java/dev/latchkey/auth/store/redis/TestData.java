package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.spi.OtpChallenge;
import dev.latchkey.auth.spi.SessionRecord;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/** Values shaped like the core's: fixed instants and random base64url hashes and ids. */
final class TestData {
    static final Instant BASE = Instant.parse("2030-01-01T00:00:00Z");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A user-cache key secret of the minimum length, as text (for OTP_HASH_SECRET) and as bytes. */
    static final String KEY_SECRET_TEXT = "test-user-cache-key-secret-32-bytes!";

    static final byte[] KEY_SECRET = KEY_SECRET_TEXT.getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private TestData() {}

    static Instant at(long seconds) {
        return BASE.plusSeconds(seconds);
    }

    static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String newKey() {
        return "otp:" + UUID.randomUUID();
    }

    static OtpChallenge challenge(String key, String hash) {
        return new OtpChallenge(key, hash, at(0), at(0).plus(Duration.ofMinutes(5)), 0, 5);
    }

    static SessionRecord session(String tenant, UUID user, String tokenHash) {
        return new SessionRecord(
                randomToken(),
                tenant,
                user,
                tokenHash,
                null,
                0,
                at(0),
                at(0),
                at(0).plus(Duration.ofDays(7)),
                at(0).plus(Duration.ofDays(30)));
    }
}
