package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PerThreadRandomTest {

    @Test
    void uuidsAreVersion4IetfVariantAndDistinct() {
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            UUID id = PerThreadRandom.uuid();
            assertThat(id.version()).as("version of a random UUID").isEqualTo(4);
            assertThat(id.variant()).as("IETF variant").isEqualTo(2);
            seen.add(id);
        }
        assertThat(seen).as("10,000 random UUIDs are all different").hasSize(10_000);
    }

    @Test
    void threadsDrawDifferentBytesFromTheirOwnGenerators() throws Exception {
        PerThreadRandom random = new PerThreadRandom();
        Set<String> outputs = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 1_000; i++) {
                        byte[] bytes = new byte[16];
                        random.nextBytes(bytes);
                        outputs.add(java.util.HexFormat.of().formatHex(bytes));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(outputs)
                .as("8 threads x 1,000 draws of 128 bits never repeat")
                .hasSize(8_000);
    }

    @Test
    void boundedIntsStayInRangeAndCoverIt() {
        PerThreadRandom random = new PerThreadRandom();
        int[] counts = new int[10];
        for (int i = 0; i < 10_000; i++) {
            counts[random.nextInt(10)]++;
        }
        for (int digit = 0; digit < 10; digit++) {
            assertThat(counts[digit])
                    .as("draws of digit %d out of 10,000", digit)
                    .isBetween(800, 1200);
        }
    }
}
