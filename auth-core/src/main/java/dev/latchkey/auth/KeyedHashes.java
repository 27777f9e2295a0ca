package dev.latchkey.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keyed hashes behind codes, store keys and refresh tokens. Each purpose has its own key derived from the one
 * host secret (HMAC-SHA256 as a PRF, as in HKDF-Expand), so a hash made for one purpose is useless for another.
 * {@link Mac} instances are not thread-safe and costly to create, so each thread keeps its own per purpose.
 */
final class KeyedHashes {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final ThreadLocal<Mac> codeMac;
    private final ThreadLocal<Mac> storeKeyMac;
    private final ThreadLocal<Mac> refreshMac;
    private final ThreadLocal<Mac> refreshTagMac;
    private final ThreadLocal<MessageDigest> sha256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    });

    KeyedHashes(byte[] hashSecret) {
        Mac root = mac(hashSecret);
        this.codeMac = perThread(derive(root, "latchkey/otp-code/v1"));
        this.storeKeyMac = perThread(derive(root, "latchkey/store-key/v1"));
        this.refreshMac = perThread(derive(root, "latchkey/refresh-token/v1"));
        this.refreshTagMac = perThread(derive(root, "latchkey/refresh-tag/v1"));
    }

    /** Opaque store key for a tenant's destination: stores never see the address itself. */
    String destinationKey(String tenantId, Destination destination) {
        Mac mac = storeKeyMac.get();
        mac.update(tenantId.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        mac.update((byte) destination.channel().ordinal());
        mac.update(destination.value().getBytes(StandardCharsets.UTF_8));
        return B64.encodeToString(mac.doFinal());
    }

    /**
     * Opaque store key for an address whatever the tenant: limits that protect a person (bombing, guessing) must not
     * be reset by asking under another tenant id.
     */
    String addressKey(Destination destination) {
        Mac mac = storeKeyMac.get();
        mac.update("address\0".getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) destination.channel().ordinal());
        mac.update(destination.value().getBytes(StandardCharsets.UTF_8));
        return B64.encodeToString(mac.doFinal());
    }

    /** Opaque store key for a tenant. */
    String tenantKey(String tenantId) {
        return B64.encodeToString(storeKeyMac.get().doFinal(("tenant\0" + tenantId).getBytes(StandardCharsets.UTF_8)));
    }

    /** Opaque store key for a client IP. */
    String ipKey(String clientIp) {
        return B64.encodeToString(storeKeyMac.get().doFinal(("ip\0" + clientIp).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Keyed hash of a code, bound to its destination key so that a hash can never be replayed for another
     * destination (NIST SP 800-63B-4 §3.1.3: the code is bound to the authentication session).
     */
    String codeHash(String destinationKey, String code) {
        Mac mac = codeMac.get();
        mac.update(destinationKey.getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) 0);
        return B64.encodeToString(mac.doFinal(code.getBytes(StandardCharsets.US_ASCII)));
    }

    /**
     * The secret of the refresh token that succeeds {@code secret}. Deterministic, so that a retry within the reuse
     * grace window receives exactly the successor the first request received, while nobody without the host secret
     * can compute it.
     */
    byte[] successorSecret(String sessionId, byte[] secret) {
        Mac mac = refreshMac.get();
        mac.update(sessionId.getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) 0);
        return mac.doFinal(secret);
    }

    /** 128-bit authentication tag of a refresh token, proving Latchkey issued it. */
    byte[] refreshTag(String sessionId, byte[] secret) {
        Mac mac = refreshTagMac.get();
        mac.update(sessionId.getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) 0);
        return java.util.Arrays.copyOf(mac.doFinal(secret), 16);
    }

    /** Unkeyed SHA-256 of a high-entropy refresh secret: enough for 256 random bits (ASVS 5.0 V7.2.1). */
    String refreshHash(byte[] secret) {
        return B64.encodeToString(sha256.get().digest(secret));
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from the JDK", e);
        }
    }

    private static byte[] derive(Mac root, String purpose) {
        synchronized (root) {
            return root.doFinal(purpose.getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static ThreadLocal<Mac> perThread(byte[] key) {
        return ThreadLocal.withInitial(() -> mac(key));
    }
}
