package dev.latchkey.auth;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.UUID;

/** Keys and settings for core tests. */
final class TestKeys {
    static final byte[] HASH_SECRET = "q8Zr1vT0xN4mW7kB2yH5cJ9pL3sD6fG0aE1uR4iO7nV".getBytes(StandardCharsets.UTF_8);
    static final byte[] HMAC_SECRET = "Xk3P9vQ2mZ7rT1wY5nB8cF4hJ6sL0dG3aV7eU2iO9pR".getBytes(StandardCharsets.UTF_8);
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    /** The subject of {@link #ada}'s tokens. */
    static final String ADA_ID = "7d1c9a0e-5f0b-4f4e-9a55-2f0c1d2e3f40";

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

    /** Ada, an active member of tenant {@code acme} created at {@link #T0}, the user the token tests issue for. */
    static User ada(Set<String> permissions) {
        return new User(
                UUID.fromString(ADA_ID),
                "acme",
                "ada@example.com",
                null,
                "Ada",
                "member",
                permissions,
                true,
                null,
                T0,
                T0);
    }
}
