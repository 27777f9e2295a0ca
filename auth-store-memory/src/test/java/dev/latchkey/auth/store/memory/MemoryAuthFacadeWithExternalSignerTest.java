package dev.latchkey.auth.store.memory;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.auth.LoginResult;
import dev.latchkey.auth.spi.TokenIssuer;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The whole facade contract over a token issuer whose signing key lives outside the process (a stand-in for a KMS):
 * every token is signed by the callback, verified with the public key only.
 */
class MemoryAuthFacadeWithExternalSignerTest extends MemoryAuthFacadeWithRevocationTest {
    private static final KeyPair KMS_KEY = ecKeyPair();
    private final AtomicInteger remoteSignatures = new AtomicInteger();
    private final TokenIssuer issuer = new ExternalSignerTokenIssuer(
            "kms-key-1",
            (ECPublicKey) KMS_KEY.getPublic(),
            this::kmsSign,
            "https://auth.example.com",
            "https://api.example.com",
            Duration.ofMinutes(15));

    @Override
    protected Optional<TokenIssuer> tokenIssuer() {
        return Optional.of(issuer);
    }

    @Test
    void everyAccessTokenIsSignedRemotelyAndPublishedKeysVerifyIt() throws Exception {
        int before = remoteSignatures.get();
        LoginResult login = login(email);
        LoginResult refreshed = auth.refresh(login.tokens().refreshToken());
        assertThat(remoteSignatures.get() - before)
                .as("one remote signature per access token")
                .isEqualTo(2);

        SignedJWT jwt = SignedJWT.parse(refreshed.tokens().accessToken());
        assertThat(jwt.getHeader().getKeyID()).isEqualTo("kms-key-1");
        @SuppressWarnings("unchecked")
        Map<String, Object> published =
                ((java.util.List<Map<String, Object>>) auth.jwkSet().get("keys")).get(0);
        com.nimbusds.jose.jwk.ECKey key = com.nimbusds.jose.jwk.ECKey.parse(published);
        assertThat(key.isPrivate()).isFalse();
        assertThat(jwt.verify(new com.nimbusds.jose.crypto.ECDSAVerifier(key))).isTrue();
    }

    /** What the KMS does with the key it never hands out: a DER-encoded ECDSA signature over SHA-256. */
    private byte[] kmsSign(byte[] message) {
        remoteSignatures.incrementAndGet();
        try {
            Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign(KMS_KEY.getPrivate());
            signature.update(message);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ecKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
