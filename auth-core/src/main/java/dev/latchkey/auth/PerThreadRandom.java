package dev.latchkey.auth;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * The facade's randomness: every thread draws from a DRBG of its own (NIST SP 800-90A Hash_DRBG, as the JDK's {@code
 * DRBG} provides, seeded from the operating system), so concurrent logins never queue on one lock. The JDK's default
 * {@code NativePRNG}, and {@link UUID#randomUUID()} with it, serialise every caller of the process on a single lock,
 * which at 16 threads was the longest wait of a login. The output is as unpredictable as before (ASVS 5.0 V11.5.1:
 * a CSPRNG with at least 128 bits of security strength for codes, ids and tokens).
 */
final class PerThreadRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;

    private static final ThreadLocal<SecureRandom> LOCAL = ThreadLocal.withInitial(PerThreadRandom::newGenerator);

    /** {@link #nextBytes} and everything built on it ({@code nextInt}, ...) use the calling thread's generator. */
    @Override
    public void nextBytes(byte[] bytes) {
        LOCAL.get().nextBytes(bytes);
    }

    /** A random (version 4) UUID from the calling thread's generator, like {@link UUID#randomUUID()}. */
    static UUID uuid() {
        byte[] bytes = new byte[16];
        LOCAL.get().nextBytes(bytes);
        bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40); // version 4
        bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80); // IETF variant
        long most = 0;
        long least = 0;
        for (int i = 0; i < 8; i++) {
            most = (most << 8) | (bytes[i] & 0xff);
            least = (least << 8) | (bytes[i + 8] & 0xff);
        }
        return new UUID(most, least);
    }

    private static SecureRandom newGenerator() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException notOnThisPlatform) {
            // Every JDK since 9 has DRBG; a platform without it keeps the default generator and its lock.
            return new SecureRandom();
        }
    }
}
