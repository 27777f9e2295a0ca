package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The keyed hashes are part of what stores keep: a pending code's hash, the store keys of counters and challenges, a
 * refresh token's hash, tag and successor. They must come out the same in every release, or an upgrade would strand
 * every pending code and log every user out; the known answers below pin them.
 */
class KeyedHashesTest {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final byte[] SECRET = "known-answer-secret-of-32-bytes!".getBytes(StandardCharsets.US_ASCII);
    private static final Destination EMAIL = new Destination(Destination.Channel.EMAIL, "ada@example.com");
    private static final Destination SMS = new Destination(Destination.Channel.SMS, "+14155550123");
    private static final String SESSION = "7d1c9a0e-5f0b-4f4e-9a55-2f0c1d2e3f40";
    private static final byte[] REFRESH_SECRET = "a refresh secret of 32 bytes....".getBytes(StandardCharsets.US_ASCII);

    private final KeyedHashes hashes = new KeyedHashes(SECRET);

    @Test
    void everyHashIsTheSameInEveryRelease() {
        Map<String, String> actual = new LinkedHashMap<>();
        actual.put("destinationKey email", hashes.destinationKey("acme", EMAIL));
        actual.put("destinationKey sms", hashes.destinationKey("acme", SMS));
        actual.put("addressKey email", hashes.addressKey(EMAIL));
        actual.put("addressKey sms", hashes.addressKey(SMS));
        actual.put("tenantKey", hashes.tenantKey("acme"));
        actual.put("ipKey", hashes.ipKey("203.0.113.9"));
        actual.put("codeHash", hashes.codeHash("ch:key.challenge", "123456"));
        actual.put("successorSecret", B64.encodeToString(hashes.successorSecret(SESSION, REFRESH_SECRET)));
        actual.put("refreshTag", B64.encodeToString(hashes.refreshTag(SESSION, REFRESH_SECRET)));
        actual.put("refreshHash", hashes.refreshHash(REFRESH_SECRET));

        assertThat(actual).containsExactlyEntriesOf(KNOWN_ANSWERS);
    }

    @Test
    void theSameInputUnderAnotherPurposeOrSecretHashesDifferently() {
        KeyedHashes other = new KeyedHashes("another-secret-of-thirty-2-bytes".getBytes(StandardCharsets.US_ASCII));
        assertThat(other.tenantKey("acme")).isNotEqualTo(hashes.tenantKey("acme"));
        assertThat(hashes.ipKey("acme")).isNotEqualTo(hashes.tenantKey("acme"));
        assertThat(hashes.destinationKey("acme", EMAIL)).isNotEqualTo(hashes.destinationKey("acmf", EMAIL));
        assertThat(hashes.refreshTag(SESSION, REFRESH_SECRET)).hasSize(16);
        // Thread-local MACs: a second call on the same thread starts from a clean state.
        assertThat(hashes.codeHash("k", "123456")).isEqualTo(hashes.codeHash("k", "123456"));
    }

    /**
     * HMAC-SHA256 under a per-purpose key, itself HMAC-SHA256 of the purpose label under the secret (tenantKey, codeHash,
     * refreshHash and the email destinationKey were recomputed outside Java, from that description alone).
     */
    private static final Map<String, String> KNOWN_ANSWERS = new LinkedHashMap<>();

    static {
        KNOWN_ANSWERS.put("destinationKey email", "szYTxLLVP2hSvHias1eWRcppS96BKQNWzbKu_vWGTcI");
        KNOWN_ANSWERS.put("destinationKey sms", "oNtZRTuJWUDeIJP6VeTqbqFViTlEAEHuDR6OgTtA9hE");
        KNOWN_ANSWERS.put("addressKey email", "JSTxa7gI-BXXBRV54T1J7RLSSJsrt7zjXg9SyL_I3d4");
        KNOWN_ANSWERS.put("addressKey sms", "3eUwyRJXQ3JaFndIUVZKMZvQ3yZ0nxDbYDRqtVzVrZE");
        KNOWN_ANSWERS.put("tenantKey", "MrMr9oeDI75bSIENqC58w57orXuHIVFaCCDNtokjOWw");
        KNOWN_ANSWERS.put("ipKey", "1qtJxSIfvxo8jqdUcBU-I77nT9IJ6fxc64sY3Prj_P4");
        KNOWN_ANSWERS.put("codeHash", "wTBAQjfoTQTtJD3kPoPPjF50hMH4L1k_d_QSHHW35DU");
        KNOWN_ANSWERS.put("successorSecret", "FqDHLGwrugGainZNjAodozbdgF6MsVLI-X-M1HECUcw");
        KNOWN_ANSWERS.put("refreshTag", "scWBfdL6M1dxKNO-SIMzfA");
        KNOWN_ANSWERS.put("refreshHash", "xYNM8iE-hSDprwSdPgebvlm2k2lmKLHJGRVh7ZDdBwc");
    }
}
