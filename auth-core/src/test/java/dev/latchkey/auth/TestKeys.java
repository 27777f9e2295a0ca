package dev.latchkey.auth;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Keys and settings for core tests. */
final class TestKeys {
    static final byte[] HASH_SECRET = "q8Zr1vT0xN4mW7kB2yH5cJ9pL3sD6fG0aE1uR4iO7nV".getBytes(StandardCharsets.UTF_8);
    static final byte[] HMAC_SECRET = "Xk3P9vQ2mZ7rT1wY5nB8cF4hJ6sL0dG3aV7eU2iO9pR".getBytes(StandardCharsets.UTF_8);
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private TestKeys() {}

    static AuthSettings.Builder settings(JwtKey key) {
        return AuthSettings.builder().hashSecret(HASH_SECRET).signingKey(key);
    }

    static JwtKey hs256(String kid) {
        return JwtKey.hs256(kid, HMAC_SECRET);
    }

    static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }
}
