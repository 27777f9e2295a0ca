package dev.latchkey.auth.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.AuthSettings;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.HealthReport;
import dev.latchkey.auth.JwtKey;
import dev.latchkey.auth.LoginResult;
import dev.latchkey.auth.OtpDispatch;
import dev.latchkey.auth.SignOutScope;
import dev.latchkey.auth.spi.AuthStores;
import dev.latchkey.auth.spi.RevocationFeed;
import dev.latchkey.auth.spi.RevocationList;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of a revocation list's {@link RevocationFeed}, run through two facades that stand for two instances of
 * an application: each has its own stores on connections of its own ({@link #newInstance()}), over one shared backend.
 * Proves that a sign-out on instance A is refused on instance B, that B then answers from its mirror without asking
 * the store, that B asks the store while its subscription is down (fail closed), and that B catches up on what it
 * missed once it subscribes again.
 *
 * <p>"No round trip" is proven by counting B's calls to {@link RevocationList#isRevoked}, never by timing. Waiting for
 * a message to arrive polls with a deadline; expiry is never waited for.
 */
public abstract class RevocationMirrorContract {
    /** How long a published revocation may take to reach the other instance before the test fails. */
    protected static final Duration PROPAGATION_BOUND = Duration.ofSeconds(5);

    /** How long a lost subscription may take to be noticed, or a resubscription (with its backoff) to complete. */
    protected static final Duration RECONNECT_BOUND = Duration.ofSeconds(20);

    private static final byte[] HASH_SECRET =
            "m4Xq8Zr1vT0xN4mW7kB2yH5cJ9pL3sD6fG0aE1uR4iO".getBytes(StandardCharsets.UTF_8);
    private static final JwtKey SIGNING_KEY = JwtKey.hs256("mirror-contract", HASH_SECRET);

    /**
     * The stores of one more application instance: a new bundle with connections of its own (its own client or pool,
     * so its own subscriber connection) over the backend shared by every instance. Its {@link AuthStores#revocations()}
     * must offer a feed. Closed after each test when it is {@link AutoCloseable}.
     */
    protected abstract AuthStores newInstance();

    /**
     * Ends every subscriber connection of the revocation feed on the server side, as a failover or a network cut
     * would: Redis {@code CLIENT KILL TYPE pubsub} (on every node of a cluster), PostgreSQL {@code
     * pg_terminate_backend} of the listening sessions.
     */
    protected abstract void killSubscriberConnections();

    /** The time every facade of the contract runs on: now, so server-side pruning and the tokens agree. */
    protected final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));

    private final String tenant = "mirror-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Map<String, String> codes = new ConcurrentHashMap<>();
    private final AtomicInteger numbers = new AtomicInteger();

    @AfterEach
    void closeInstances() throws Exception {
        // Facades first, then the stores under them.
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    @Test
    public void aSignOutOnOneInstanceIsRefusedOnAnotherFromItsMirror() {
        AuthFacade a = facade(newInstance(), null);
        Counted b = counted(newInstance());
        startAndAwaitLive(b);
        String token = login(a).tokens().accessToken();
        String header = "Bearer " + token;
        int before = b.list.checks.get();
        assertThat(b.facade.authenticate(header).sessionId()).isNotBlank();

        a.signOut(token, SignOutScope.LOCAL);

        awaitRefused(b.facade, header, PROPAGATION_BOUND);
        assertRefused(b.facade, header, "the signed-out session on the other instance");
        assertThat(b.list.checks.get())
                .as("with a live mirror, authenticate must not ask the store")
                .isEqualTo(before);
    }

    @Test
    public void theInstanceThatSignsOutRefusesAtOnce() {
        Counted a = counted(newInstance());
        startAndAwaitLive(a);
        String token = login(a.facade).tokens().accessToken();
        int before = a.list.checks.get();

        a.facade.signOut(token, SignOutScope.LOCAL);

        assertRefused(a.facade, "Bearer " + token, "the signing-out instance must not wait for its own message");
        assertThat(a.list.checks.get()).isEqualTo(before);
    }

    @Test
    public void beforeTheFirstCatchUpEveryCheckAsksTheStore() {
        AuthFacade a = facade(newInstance(), null);
        Counted b = counted(newInstance());
        b.feed.hold = true;
        String token = login(a).tokens().accessToken();
        String header = "Bearer " + token;

        b.facade.authenticate(header);
        b.facade.authenticate(header);
        a.signOut(token, SignOutScope.LOCAL);

        assertRefused(b.facade, header, "a session signed out before the mirror caught up");
        assertThat(b.list.checks.get())
                .as("without a caught-up mirror, every check must go to the store")
                .isEqualTo(3);
        assertThat(b.feed.subscribedCalls.get()).isZero();
    }

    @Test
    public void whileTheSubscriptionIsDownARevocationIsRefusedFromTheStoreAndCaughtUpAfterwards() {
        AuthFacade a = facade(newInstance(), null);
        Counted b = counted(newInstance());
        startAndAwaitLive(b);
        String token = login(a).tokens().accessToken();
        String header = "Bearer " + token;
        b.facade.authenticate(header);
        int lostBefore = b.feed.lostCalls.get();

        // Keep B from resubscribing, then cut its subscriber connection on the server.
        b.feed.hold = true;
        killSubscriberConnections();
        await("B notices that its subscription was lost", RECONNECT_BOUND, () -> b.feed.lostCalls.get() > lostBefore);
        a.signOut(token, SignOutScope.LOCAL);
        int checksWhileDown = b.list.checks.get();

        assertRefused(
                b.facade,
                header,
                "a revocation made while the subscription is down must be refused at once, from the store");
        assertThat(b.list.checks.get()).isEqualTo(checksWhileDown + 1);

        int subscribedBefore = b.feed.subscribedCalls.get();
        b.feed.hold = false;
        await(
                "B subscribes and catches up again",
                RECONNECT_BOUND,
                () -> b.feed.subscribedCalls.get() > subscribedBefore);
        int checksAfter = b.list.checks.get();
        assertRefused(b.facade, header, "the catch-up read must bring the revocation missed while down");
        String other = "Bearer " + login(a).tokens().accessToken();
        assertThat(b.facade.authenticate(other).sessionId()).isNotBlank();
        assertThat(b.list.checks.get())
                .as("after catching up, authenticate must answer from the mirror again")
                .isEqualTo(checksAfter);
    }

    @Test
    public void closingTheStoresUnderALiveFacadeStopsItsMirror() throws Exception {
        AuthFacade a = facade(newInstance(), null);
        Counted b = counted(newInstance());
        startAndAwaitLive(b);
        String header = "Bearer " + login(a).tokens().accessToken();
        int lostBefore = b.feed.lostCalls.get();
        assertThat(b.stores).isInstanceOf(AutoCloseable.class);

        ((AutoCloseable) b.stores).close();

        await("B is told its subscription ended", RECONNECT_BOUND, () -> b.feed.lostCalls.get() > lostBefore);
        int checks = b.list.checks.get();
        try {
            b.facade.authenticate(header);
        } catch (AuthException e) {
            // UNAVAILABLE when the stores' own client closed with them; either way the store was asked.
            assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE);
        }
        assertThat(b.list.checks.get())
                .as("a mirror whose feed has ended must not answer")
                .isEqualTo(checks + 1);
    }

    @Test
    public void healthShowsWhetherTheMirrorIsLiveWithoutFailing() {
        Counted b = counted(newInstance());
        startAndAwaitLive(b);

        HealthReport.Component revocations =
                Objects.requireNonNull(b.facade.health().components().get("revocations"), "a revocations component");

        assertThat(revocations.status()).isEqualTo(HealthReport.Status.UP);
        assertThat(revocations.detailText()).contains("mirror live");
    }

    @Test
    public void theCatchUpReadReturnsOnlyLiveRevocations() {
        RevocationList list = newInstance().revocations().orElseThrow();
        RevocationFeed feed = list.feed().orElseThrow();
        String live = "contract-" + UUID.randomUUID();
        String expired = "contract-" + UUID.randomUUID();
        Instant now = clock.instant();
        list.revoke(expired, now.plusSeconds(1), now);
        list.revoke(live, now.plusSeconds(900), now);

        Map<String, Instant> caughtUp = feed.live(now.plusSeconds(2));

        assertThat(caughtUp).containsKey(live).doesNotContainKey(expired);
        assertThat(caughtUp.get(live)).isAfterOrEqualTo(now.plusSeconds(900));
    }

    // ---------------------------------------------------------------- helpers

    private AuthFacade facade(AuthStores stores, @Nullable RevocationList revocations) {
        if (stores instanceof AutoCloseable closeable) {
            closeables.add(closeable);
        }
        AuthFacade.Builder builder = AuthFacade.builder()
                .settings(AuthSettings.builder()
                        .hashSecret(HASH_SECRET)
                        .signingKey(SIGNING_KEY)
                        .resendCooldown(Duration.ZERO)
                        .build())
                .stores(stores)
                .otpSender(message -> codes.put(message.destination().value(), message.code()))
                .eventListener(event -> {})
                .clock(clock);
        if (revocations != null) {
            builder.revocationList(revocations);
        }
        AuthFacade facade = builder.build();
        closeables.add(facade);
        return facade;
    }

    private Counted counted(AuthStores stores) {
        RevocationList list =
                stores.revocations().orElseThrow(() -> new AssertionError("the bundle has no revocation list"));
        RevocationFeed feed = list.feed().orElseThrow(() -> new AssertionError("the revocation list offers no feed"));
        HeldFeed held = new HeldFeed(feed);
        CountingList counting = new CountingList(list, held);
        return new Counted(facade(stores, counting), counting, held, stores);
    }

    private LoginResult login(AuthFacade facade) {
        String email = "user" + numbers.incrementAndGet() + "." + tenant + "@example.com";
        OtpDispatch dispatch = facade.sendOtp(tenant, email);
        String code = codes.remove(dispatch.destination().value());
        assertThat(code).as("a code was sent").isNotNull();
        return facade.verifyOtp(tenant, email, dispatch.challengeId(), code);
    }

    private static void assertRefused(AuthFacade facade, String header, String what) {
        assertThatThrownBy(() -> facade.authenticate(header))
                .as(what)
                .isInstanceOf(AuthException.class)
                .extracting(e -> ((AuthException) e).errorCode())
                .isEqualTo(ErrorCode.INVALID_TOKEN);
    }

    private static void awaitRefused(AuthFacade facade, String header, Duration bound) {
        await("the other instance refuses the signed-out session", bound, () -> {
            try {
                facade.authenticate(header);
                return false;
            } catch (AuthException e) {
                return true;
            }
        });
    }

    /** Polls until the condition holds; fails after the bound. Only for propagation, never for expiry. */
    protected static void await(String what, Duration bound, BooleanSupplier condition) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + bound.toMillis() + " ms waiting until " + what);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what, e);
            }
        }
    }

    /** Instance B: its facade, the counting list under it and the feed the test can hold. */
    private record Counted(AuthFacade facade, CountingList list, HeldFeed feed, AuthStores stores) {}

    /** The mirror subscribes on its first check (of a valid token); waits until it has caught up. */
    private void startAndAwaitLive(Counted b) {
        b.facade.authenticate("Bearer " + login(b.facade).tokens().accessToken());
        await("the mirror is live", RECONNECT_BOUND, () -> b.feed.subscribedCalls.get() > 0);
    }

    /** Counts the checks that reach the store. */
    private static final class CountingList implements RevocationList {
        final AtomicInteger checks = new AtomicInteger();
        private final RevocationList delegate;
        private final RevocationFeed feed;

        CountingList(RevocationList delegate, RevocationFeed feed) {
            this.delegate = delegate;
            this.feed = feed;
        }

        @Override
        public void revoke(String sessionId, Instant expiresAt, Instant now) {
            delegate.revoke(sessionId, expiresAt, now);
        }

        @Override
        public boolean isRevoked(String sessionId) {
            checks.incrementAndGet();
            return delegate.isRevoked(sessionId);
        }

        @Override
        public Optional<RevocationFeed> feed() {
            return Optional.of(feed);
        }

        @Override
        public void ping() {
            delegate.ping();
        }
    }

    /**
     * The store's feed, which the test can hold (new subscriptions then fail as a server that refuses connections
     * would) and whose events it counts. {@code subscribedCalls} counts after the facade's handler returned, that is
     * once the facade has caught up.
     */
    private static final class HeldFeed implements RevocationFeed {
        final AtomicInteger subscribedCalls = new AtomicInteger();
        final AtomicInteger lostCalls = new AtomicInteger();
        volatile boolean hold;
        private final RevocationFeed delegate;

        HeldFeed(RevocationFeed delegate) {
            this.delegate = delegate;
        }

        @Override
        public Subscription subscribe(Listener listener) {
            if (hold) {
                throw new IllegalStateException("subscriptions held by the test");
            }
            return delegate.subscribe(new Listener() {
                @Override
                public void subscribed() {
                    listener.subscribed();
                    subscribedCalls.incrementAndGet();
                }

                @Override
                public void revoked(String id, Instant expiresAt) {
                    listener.revoked(id, expiresAt);
                }

                @Override
                public void lost(Throwable cause) {
                    listener.lost(cause);
                    lostCalls.incrementAndGet();
                }
            });
        }

        @Override
        public Map<String, Instant> live(Instant now) {
            return delegate.live(now);
        }
    }
}
