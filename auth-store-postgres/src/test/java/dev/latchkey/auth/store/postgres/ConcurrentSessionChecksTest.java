package dev.latchkey.auth.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.User;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.SessionRecord;
import dev.latchkey.auth.spi.SessionWithUser;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Session checks ({@code findWithUser}) from many threads at once on a real PostgreSQL: they share round trips, and
 * each caller still gets exactly its own session and user, its session's absence, or its user's disabled state.
 */
class ConcurrentSessionChecksTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final int CALLERS = 16;

    private final String schema = TestPostgres.uniqueSchema("session_checks");
    private final GatedDataSource gated = new GatedDataSource(TestPostgres.sharedDataSource());
    private final PostgresStores stores =
            PostgresStores.builder().dataSource(gated).schema(schema).build();
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void cleanUp() throws InterruptedException {
        gated.open();
        callers.shutdownNow();
        assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        stores.close();
        TestPostgres.dropSchema(schema);
    }

    @Test
    void callersQueuedBehindBusyBatchesShareRoundTripsAndEachGetsItsOwnSessionAndUser() throws Exception {
        List<SessionRecord> sessions = new ArrayList<>();
        List<User> users = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            User user = stores.users()
                    .upsert(
                            new NewUser(
                                    UUID.randomUUID(),
                                    "tenant-" + (i % 2),
                                    "user" + i + "@example.com",
                                    null,
                                    null,
                                    "member",
                                    Set.of("read:" + i)),
                            NOW)
                    .user();
            SessionRecord session = session(user);
            stores.sessions().create(session);
            users.add(user);
            sessions.add(session);
        }
        User disabled = users.get(3);
        assertThat(stores.users().disable(disabled.tenantId(), disabled.id(), NOW))
                .isTrue();
        SessionRecord revoked = sessions.get(5);
        assertThat(stores.sessions().revoke(revoked.id())).isTrue();

        // Every connection borrow waits at the gate: the first batches hold their turns while the other callers
        // queue behind them, as they do when the database is busy.
        gated.close();
        AtomicInteger started = new AtomicInteger();
        List<Future<Optional<SessionWithUser>>> answers = new ArrayList<>();
        for (SessionRecord session : sessions) {
            answers.add(callers.submit(() -> {
                started.incrementAndGet();
                return stores.sessions().findWithUser(session.id(), stores.users());
            }));
        }
        awaitAllQueued(started);
        int borrowsWhileQueued = gated.borrows();
        gated.open();

        for (int i = 0; i < CALLERS; i++) {
            Optional<SessionWithUser> answer = answers.get(i).get(30, TimeUnit.SECONDS);
            if (sessions.get(i) == revoked) {
                assertThat(answer).as("a revoked session").isEmpty();
                continue;
            }
            SessionWithUser found = answer.orElseThrow();
            assertThat(found.session()).isEqualTo(sessions.get(i));
            User user = found.user();
            assertThat(user).isNotNull();
            assertThat(user.id()).isEqualTo(users.get(i).id());
            assertThat(user.tenantId()).isEqualTo(users.get(i).tenantId());
            assertThat(user.permissions()).containsExactly("read:" + i);
            assertThat(user.active()).isEqualTo(users.get(i) != disabled);
        }
        assertThat(borrowsWhileQueued).as("batches waiting for a connection").isBetween(1, 2);
        assertThat(gated.borrows())
                .as("round trips for %d session checks", CALLERS)
                .isLessThan(CALLERS)
                .isLessThanOrEqualTo(borrowsWhileQueued * 2);
    }

    @Test
    void aSessionOfAUserInAnotherTenantHasNoUser() {
        User user = stores.users()
                .upsert(new NewUser(UUID.randomUUID(), "acme", "ann@example.com", null, null, "member", Set.of()), NOW)
                .user();
        SessionRecord foreign = new SessionRecord(
                "foreign-" + UUID.randomUUID(),
                "other-tenant",
                user.id(),
                "hash",
                null,
                0,
                NOW,
                NOW,
                NOW.plus(Duration.ofHours(1)),
                NOW.plus(Duration.ofDays(1)));
        stores.sessions().create(foreign);

        SessionWithUser found =
                stores.sessions().findWithUser(foreign.id(), stores.users()).orElseThrow();
        assertThat(found.session()).isEqualTo(foreign);
        assertThat(found.user()).isNull();
    }

    private static SessionRecord session(User user) {
        Instant created = NOW.truncatedTo(ChronoUnit.MICROS);
        return new SessionRecord(
                "s-" + UUID.randomUUID(),
                user.tenantId(),
                user.id(),
                "hash-" + UUID.randomUUID(),
                null,
                0,
                created,
                created,
                created.plus(Duration.ofHours(1)),
                created.plus(Duration.ofDays(30)));
    }

    /** Until every caller is either waiting at the gate or parked in the queue behind a batch. */
    private void awaitAllQueued(AtomicInteger started) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (started.get() < CALLERS || gated.waiting() + parkedInQueue() < CALLERS) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the callers did not queue: " + gated.waiting() + " at the gate, "
                        + parkedInQueue() + " parked");
            }
            Thread.sleep(5);
        }
    }

    private static long parkedInQueue() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(entry -> entry.getKey().getState() == Thread.State.WAITING)
                .filter(entry -> List.of(entry.getValue()).stream()
                        .anyMatch(frame -> frame.getClassName().equals(CoalescingReader.class.getName())))
                .count();
    }

    /** The host's real pool, with a gate in front of {@code getConnection} and a count of borrows. */
    private static final class GatedDataSource implements DataSource {
        private final DataSource pool;
        private final AtomicInteger borrows = new AtomicInteger();
        private final AtomicInteger waiting = new AtomicInteger();
        private volatile CountDownLatch gate = new CountDownLatch(0);

        GatedDataSource(DataSource pool) {
            this.pool = pool;
        }

        void close() {
            borrows.set(0);
            gate = new CountDownLatch(1);
        }

        void open() {
            gate.countDown();
        }

        int borrows() {
            return borrows.get();
        }

        int waiting() {
            return waiting.get();
        }

        @Override
        public Connection getConnection() throws SQLException {
            borrows.incrementAndGet();
            waiting.incrementAndGet();
            try {
                if (!gate.await(30, TimeUnit.SECONDS)) {
                    throw new SQLException("the gate stayed closed");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException(e);
            } finally {
                waiting.decrementAndGet();
            }
            return pool.getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return pool.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            pool.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            pool.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return pool.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return pool.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            if (iface.isInstance(this)) {
                return iface.cast(this);
            }
            throw new SQLException("not a wrapper for " + iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return iface.isInstance(this);
        }
    }
}
