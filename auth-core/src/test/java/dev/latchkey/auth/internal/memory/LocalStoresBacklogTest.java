package dev.latchkey.auth.internal.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.spi.CodeCheck;
import dev.latchkey.auth.spi.Counter;
import dev.latchkey.auth.spi.OtpChallenge;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A write purges only a few expired entries, so an expired entry can still be held when it is next used: it must then
 * count as absent. And entries that expire at the same instant are all indexed and all purged.
 */
class LocalStoresBacklogTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void anExpiredChallengeStillHeldBehindABacklogIsAbsent() {
        LocalOtpStore store = new LocalOtpStore("codes", 100);
        for (int i = 0; i < ExpiringMap.PURGE_PER_WRITE; i++) {
            store.saveChallenge(new OtpChallenge("old" + i, "h", T0, T0.plusSeconds(10 + i), 0, 5));
        }
        store.saveChallenge(new OtpChallenge("target", "hash", T0, T0.plusSeconds(60), 0, 5));
        Instant later = T0.plusSeconds(120);

        assertThat(store.verify("target", "hash", later)).isEqualTo(CodeCheck.ABSENT);
        assertThat(store.size()).isZero();
    }

    @Test
    void anExpiredCounterStillHeldBehindABacklogStartsANewWindow() {
        LocalRateLimitStore store = new LocalRateLimitStore("counters", 100);
        for (int i = 0; i < ExpiringMap.PURGE_PER_WRITE; i++) {
            store.increment("old" + i, Duration.ofSeconds(10 + i), T0);
        }
        store.increment("target", Duration.ofSeconds(60), T0);
        store.increment("target", Duration.ofSeconds(60), T0);
        Instant later = T0.plusSeconds(120);

        Counter counter = store.increment("target", Duration.ofSeconds(60), later);
        assertThat(counter).isEqualTo(new Counter(1, later.plusSeconds(60)));
    }

    @Test
    void entriesExpiringAtTheSameInstantAreAllIndexedAndPurged() {
        ExpiringMap<Instant> map = new ExpiringMap<>("same", 10, expiry -> expiry);
        Instant expiry = T0.plusSeconds(60);
        map.compute("a", T0, (k, v) -> expiry);
        map.compute("b", T0, (k, v) -> expiry);
        map.compute("c", T0, (k, v) -> expiry);
        assertThat(map.indexedCount()).isEqualTo(3);
        assertThat(map.purgeExpired(expiry)).isEqualTo(3);
        assertThat(map.size()).isZero();
        assertThat(map.indexedCount()).isZero();
    }
}
