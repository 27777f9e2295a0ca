package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.spi.RevocationFeed;
import dev.latchkey.auth.spi.RevocationList;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The mirror's own rules, over an in-process list and feed whose subscriptions the test drives by hand: when it may
 * answer locally, that nothing published during a catch-up is lost, that callbacks of an old subscription cannot
 * touch the current one, and that pruning keeps only what could still matter.
 */
class RevocationMirrorTest {
    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    private final MovableClock clock = new MovableClock(START);
    private final InProcessList list = new InProcessList();
    private final RevocationMirror mirror = new RevocationMirror(list, list, clock);

    @AfterEach
    void close() {
        mirror.close();
    }

    @Test
    void untilTheFirstCatchUpEveryCheckAsksTheStore() {
        assertThat(mirror.state()).isEqualTo("mirror not started");
        list.entries.put("b", START.plusSeconds(900));

        assertThat(mirror.isRevoked("a")).isFalse();
        assertThat(mirror.isRevoked("b")).isTrue();

        assertThat(list.checks.get()).isEqualTo(2);
        assertThat(mirror.isLive()).isFalse();
        assertThat(mirror.state()).isEqualTo("mirror down: checking the store on every call");
    }

    @Test
    void afterTheCatchUpChecksAreAnsweredLocally() {
        list.revoke("before", START.plusSeconds(900), START);
        mirror.isRevoked("x");
        list.subscriber().subscribed();
        int checks = list.checks.get();

        assertThat(mirror.isRevoked("before")).isTrue();
        assertThat(mirror.isRevoked("never")).isFalse();
        assertThat(list.checks.get()).isEqualTo(checks);
        assertThat(mirror.state()).isEqualTo("mirror live");
    }

    @Test
    void aRevocationPublishedDuringTheCatchUpIsKept() {
        mirror.isRevoked("x");
        RevocationFeed.Listener subscriber = list.subscriber();
        // Published while the catch-up read runs, and missing from what the read returns.
        list.duringCatchUp = () -> subscriber.revoked("racing", START.plusSeconds(900));

        subscriber.subscribed();

        assertThat(mirror.isLive()).isTrue();
        assertThat(mirror.isRevoked("racing")).isTrue();
    }

    @Test
    void aLostSubscriptionSendsEveryCheckToTheStoreUntilTheNextCatchUp() {
        mirror.isRevoked("x");
        RevocationFeed.Listener first = list.subscriber();
        first.subscribed();

        first.lost(new IllegalStateException("connection reset"));
        // Revoked in the store only: no message reaches this mirror while it is down.
        list.entries.put("while-down", START.plusSeconds(900));

        assertThat(mirror.isLive()).isFalse();
        assertThat(mirror.isRevoked("while-down")).isTrue();
        await(() -> list.subscribers.size() == 2);
        list.subscriber().subscribed();
        int checks = list.checks.get();
        assertThat(mirror.isRevoked("while-down")).isTrue();
        assertThat(list.checks.get()).isEqualTo(checks);
    }

    @Test
    void aLateCallbackOfAnEarlierSubscriptionChangesNothing() {
        mirror.isRevoked("x");
        RevocationFeed.Listener first = list.subscriber();
        first.lost(new IllegalStateException("connection reset"));
        await(() -> list.subscribers.size() == 2);
        RevocationFeed.Listener second = list.subscriber();
        second.subscribed();

        first.lost(new IllegalStateException("reported twice"));
        first.subscribed();

        assertThat(mirror.isLive()).isTrue();
        assertThat(list.subscribers).hasSize(2);
    }

    @Test
    void aFailedCatchUpIsNotLiveAndSubscribesAgain() {
        mirror.isRevoked("x");
        list.failCatchUp = true;

        list.subscriber().subscribed();

        assertThat(mirror.isLive()).isFalse();
        assertThat(list.closed.get()).isEqualTo(1);
        await(() -> list.subscribers.size() == 2);
    }

    @Test
    void aStoreFailureWhileDownIsUnavailableNeverAnAnswer() {
        RevocationMirror guarded = new RevocationMirror(FailClosed.revocations(list), list, clock);
        list.failChecks = true;

        assertThatThrownBy(() -> guarded.isRevoked("x"))
                .isInstanceOf(AuthException.class)
                .extracting(e -> ((AuthException) e).errorCode())
                .isEqualTo(ErrorCode.UNAVAILABLE);
        guarded.close();
    }

    @Test
    void theRevokingInstanceHoldsTheEntryAtOnce() {
        mirror.isRevoked("x");
        list.subscriber().subscribed();
        list.publish = false;

        mirror.revoke("mine", START.plusSeconds(900), START);

        assertThat(mirror.isRevoked("mine")).isTrue();
        assertThat(list.entries)
                .as("revoked in the store, for every other instance")
                .containsKey("mine");
    }

    @Test
    void anAlreadyExpiredRevocationGoesToTheStoreOnly() {
        mirror.isRevoked("x");
        list.subscriber().subscribed();
        list.publish = false;

        mirror.revoke("ended", START, START);

        assertThat(list.entries).containsKey("ended");
        assertThat(mirror.size())
                .as("its tokens can no longer be accepted anyway")
                .isZero();
    }

    @Test
    void anEntryRevokedTwiceKeepsTheLaterExpiry() {
        mirror.isRevoked("x");
        list.subscriber().subscribed();
        list.publish = false;
        mirror.revoke("later-first", START.plusSeconds(900), START);
        mirror.revoke("later-first", START.plusSeconds(60), START);
        mirror.revoke("later-second", START.plusSeconds(60), START);
        mirror.revoke("later-second", START.plusSeconds(900), START);

        clock.advance(Duration.ofSeconds(120));
        mirror.prune();

        assertThat(mirror.isRevoked("later-first")).isTrue();
        assertThat(mirror.isRevoked("later-second")).isTrue();
    }

    @Test
    void aProbeOfTheMirrorProbesTheStore() {
        RevocationMirror probed = new RevocationMirror(
                new RevocationList() {
                    @Override
                    public void revoke(String sessionId, Instant expiresAt, Instant now) {}

                    @Override
                    public boolean isRevoked(String sessionId) {
                        return false;
                    }

                    @Override
                    public void ping() {
                        throw new IllegalStateException("store down");
                    }
                },
                list,
                clock);

        assertThatThrownBy(probed::ping).hasMessage("store down");
        probed.close();
    }

    @Test
    void startingTwiceSubscribesOnce() {
        mirror.start();
        mirror.start();
        mirror.isRevoked("x");

        assertThat(list.subscribers).hasSize(1);
    }

    @Test
    void aClosedMirrorNeverSubscribesAndChecksTheStore() {
        mirror.close();
        list.entries.put("a", START.plusSeconds(900));

        assertThat(mirror.isRevoked("a")).isTrue();
        assertThat(list.subscribers).isEmpty();
        assertThat(mirror.state()).isEqualTo("mirror not started");
    }

    @Test
    void aFailedSubscribeIsRetriedOnADaemonThreadThatClosingEnds() throws InterruptedException {
        list.failSubscribes = 1;

        mirror.isRevoked("x");
        await(() -> list.subscribers.size() == 1);
        Thread retrying = list.subscribedOn.get(0);

        assertThat(retrying).isNotSameAs(Thread.currentThread());
        assertThat(retrying.isDaemon()).isTrue();
        assertThat(retrying.getName()).startsWith("latchkey-revocation-mirror-");
        mirror.close();
        retrying.join(10_000);
        assertThat(retrying.isAlive()).as("closing stops the mirror's thread").isFalse();
    }

    @Test
    void aSubscriptionLostWhileRetriesFailIsNotClosedAgain() {
        mirror.isRevoked("x");
        RevocationFeed.Listener first = list.subscriber();
        list.failSubscribes = Integer.MAX_VALUE;

        first.lost(new IllegalStateException("connection reset"));
        mirror.close();

        assertThat(list.closed.get())
                .as("the lost subscription is over already")
                .isZero();
    }

    @Test
    void afterClosingNoCallbackOfAnEarlierSubscriptionMakesTheMirrorLive() {
        mirror.isRevoked("x");
        RevocationFeed.Listener first = list.subscriber();
        first.lost(new IllegalStateException("connection reset"));
        await(() -> list.subscribers.size() == 2);
        RevocationFeed.Listener second = list.subscriber();

        mirror.close();
        first.subscribed();
        second.subscribed();

        assertThat(mirror.isLive()).isFalse();
    }

    @Test
    void aLateCatchUpOfAnEarlierSubscriptionDoesNotMakeTheMirrorLive() {
        mirror.isRevoked("x");
        RevocationFeed.Listener first = list.subscriber();
        first.lost(new IllegalStateException("connection reset"));
        await(() -> list.subscribers.size() == 2);

        first.subscribed();

        assertThat(mirror.isLive())
                .as("the current subscription has not caught up")
                .isFalse();
    }

    @Test
    void aLateFailedCatchUpOfAnEarlierSubscriptionLeavesTheCurrentOneAlone() {
        mirror.isRevoked("x");
        RevocationFeed.Listener first = list.subscriber();
        first.lost(new IllegalStateException("connection reset"));
        await(() -> list.subscribers.size() == 2);
        list.subscriber().subscribed();
        list.failCatchUp = true;

        first.subscribed();

        assertThat(mirror.isLive()).isTrue();
        assertThat(list.closed.get()).isZero();
    }

    @Test
    void afterAFailedCatchUpTheFailedSubscriptionsCallbacksAreIgnored() {
        mirror.isRevoked("x");
        RevocationFeed.Listener first = list.subscriber();
        list.failCatchUp = true;
        first.subscribed();
        await(() -> list.subscribers.size() == 2);
        list.failCatchUp = false;
        list.subscriber().subscribed();

        first.lost(new IllegalStateException("reported late"));

        assertThat(mirror.isLive()).isTrue();
    }

    @Test
    void pruningDropsOnlyEntriesWhoseTokensCanNoLongerBeAccepted() {
        mirror.isRevoked("x");
        list.subscriber().subscribed();
        mirror.revoke("short", START.plusSeconds(60), START);
        mirror.revoke("long", START.plusSeconds(900), START);

        clock.advance(Duration.ofSeconds(60));
        mirror.prune();
        assertThat(mirror.size()).as("an entry is kept up to its expiry itself").isEqualTo(2);

        clock.advance(Duration.ofMillis(1));
        mirror.prune();
        assertThat(mirror.size()).isEqualTo(1);
        assertThat(mirror.isRevoked("long")).isTrue();
        assertThat(mirror.isRevoked("short")).isFalse();
    }

    @Test
    void closingEndsTheSubscriptionAndTheMirrorAnswersNoMore() {
        mirror.isRevoked("x");
        list.subscriber().subscribed();

        mirror.close();

        assertThat(list.closed.get()).isEqualTo(1);
        assertThat(mirror.isLive()).isFalse();
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 10 s").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    /** A list and its feed in one object; subscriptions are handed to the test instead of to a thread. */
    private static final class InProcessList implements RevocationList, RevocationFeed {
        final Map<String, Instant> entries = new ConcurrentHashMap<>();
        final List<Listener> subscribers = new CopyOnWriteArrayList<>();
        final AtomicInteger checks = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        volatile boolean failCatchUp;
        volatile boolean failChecks;
        volatile boolean publish = true;
        volatile @Nullable Runnable duringCatchUp;
        /** How many of the next subscribes fail. */
        volatile int failSubscribes;
        /** The thread of each successful subscribe. */
        final List<Thread> subscribedOn = new CopyOnWriteArrayList<>();

        Listener subscriber() {
            return subscribers.get(subscribers.size() - 1);
        }

        @Override
        public void revoke(String sessionId, Instant expiresAt, Instant now) {
            entries.merge(sessionId, expiresAt, (a, b) -> a.isAfter(b) ? a : b);
            if (publish) {
                subscribers.forEach(s -> s.revoked(sessionId, expiresAt));
            }
        }

        @Override
        public boolean isRevoked(String sessionId) {
            checks.incrementAndGet();
            if (failChecks) {
                throw new IllegalStateException("store down");
            }
            return entries.containsKey(sessionId);
        }

        @Override
        public void ping() {}

        @Override
        public Subscription subscribe(Listener listener) {
            if (failSubscribes > 0) {
                failSubscribes--;
                throw new IllegalStateException("connection refused");
            }
            subscribedOn.add(Thread.currentThread());
            subscribers.add(listener);
            return closed::incrementAndGet;
        }

        @Override
        public Map<String, Instant> live(Instant now) {
            if (failCatchUp) {
                throw new IllegalStateException("store down");
            }
            Map<String, Instant> snapshot = new HashMap<>(entries);
            Runnable racing = duringCatchUp;
            if (racing != null) {
                racing.run();
            }
            return snapshot;
        }
    }
}
