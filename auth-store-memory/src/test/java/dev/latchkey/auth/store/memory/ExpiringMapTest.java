package dev.latchkey.auth.store.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.internal.memory.ExpiringMap;
import dev.latchkey.auth.testkit.ConcurrentRunner;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class ExpiringMapTest {
    private static final Instant BASE = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void indexStaysInStepWithEntriesUnderConcurrentChurn() {
        ExpiringMap<Instant> map = new ExpiringMap<>("test map", 1_000, expiry -> expiry);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            keys.add("k" + i);
        }

        ConcurrentRunner.runConcurrently(8, thread -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < 5_000; i++) {
                String key = keys.get(random.nextInt(keys.size()));
                Instant now = BASE.plusSeconds(random.nextInt(100));
                switch (random.nextInt(4)) {
                    case 0 -> map.remove(key);
                    case 1 -> map.purgeExpired(now);
                    default -> map.compute(key, now, (k, v) -> now.plusSeconds(random.nextInt(1, 50)));
                }
            }
            return null;
        });

        assertThat(map.indexedCount()).isEqualTo(map.size());
        assertThat(keys.stream().filter(k -> map.get(k) != null).count()).isEqualTo(map.size());
        map.purgeExpired(BASE.plusSeconds(1_000));
        assertThat(map.size()).isZero();
        assertThat(map.indexedCount()).isZero();
    }

    @Test
    void listenerSeesEveryInsertAndRemoval() {
        List<String> changes = new ArrayList<>();
        ExpiringMap<Instant> map = new ExpiringMap<>(
                "test map",
                10,
                expiry -> expiry,
                (key, before, after) -> changes.add(key + ":" + before + "->" + after));

        map.compute("a", BASE, (k, v) -> BASE.plusSeconds(10));
        map.compute("a", BASE, (k, v) -> v);
        map.purgeExpired(BASE.plusSeconds(10));

        assertThat(changes).containsExactly("a:null->" + BASE.plusSeconds(10), "a:" + BASE.plusSeconds(10) + "->null");
    }
}
