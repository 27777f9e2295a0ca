package dev.latchkey.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The pooled HS256 signer computes exactly nimbus's HMAC, for HS256 only, from any number of threads. */
class HmacJwsSignerTest {
    private static final byte[] SECRET =
            "0123456789abcdef0123456789ABCDEF-pooled-signer".getBytes(StandardCharsets.UTF_8);
    private static final JWSHeader HS256 = new JWSHeader(JWSAlgorithm.HS256);

    @Test
    void signsExactlyAsNimbusMacSignerDoes() throws JOSEException {
        HmacJwsSigner pooled = HmacJwsSigner.hs256(SECRET);
        MACSigner nimbus = new MACSigner(SECRET);
        for (String input : List.of("", "a.b", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0")) {
            byte[] bytes = input.getBytes(StandardCharsets.US_ASCII);
            assertThat(pooled.sign(HS256, bytes)).isEqualTo(nimbus.sign(HS256, bytes));
            assertThat(pooled.sign(HS256, bytes))
                    .as("the same again, from a returned Mac")
                    .isEqualTo(nimbus.sign(HS256, bytes));
        }
    }

    @Test
    void refusesAnyOtherAlgorithmWhateverTheHeaderAsks() {
        HmacJwsSigner signer = HmacJwsSigner.hs256(SECRET);

        for (JWSAlgorithm other : List.of(JWSAlgorithm.HS384, JWSAlgorithm.HS512, JWSAlgorithm.RS256)) {
            assertThatThrownBy(() -> signer.sign(new JWSHeader(other), new byte[] {1}))
                    .isInstanceOf(JOSEException.class)
                    .hasMessage("this key signs HS256 only");
        }
        assertThat(signer.supportedJWSAlgorithms()).containsExactly(JWSAlgorithm.HS256);
        assertThat(signer.getJCAContext()).isNotNull();
    }

    @Test
    void concurrentSignersNeverShareAMac() throws Exception {
        HmacJwsSigner pooled = HmacJwsSigner.hs256(SECRET);
        MACSigner nimbus = new MACSigner(SECRET);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                results.add(threads.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        byte[] input = ("thread-" + thread + "-" + i).getBytes(StandardCharsets.US_ASCII);
                        if (!pooled.sign(HS256, input).equals(nimbus.sign(HS256, input))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get())
                        .as("every signature equal to a fresh Mac's")
                        .isTrue();
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
