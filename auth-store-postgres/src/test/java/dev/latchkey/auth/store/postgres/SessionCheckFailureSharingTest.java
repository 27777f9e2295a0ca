package dev.latchkey.auth.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.User;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.SessionRecord;
import dev.latchkey.auth.spi.SessionWithUser;
import dev.latchkey.auth.spi.StoreUnavailableException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which failed session read also fails the checks queued behind it: an unreachable database does (they asked while
 * it was failing), a failure of that one read (a broken pooled connection) does not, and they get a read of their own.
 * Two checks hold both read turns on connections the test hands out; a third queues behind them.
 */
class SessionCheckFailureSharingTest {
    private static final String SCHEMA = TestPostgres.uniqueSchema("sharing");
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void stopCallers() throws InterruptedException {
        callers.shutdownNow();
        assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @AfterAll
    static void dropSchema() {
        TestPostgres.dropSchema(SCHEMA);
    }

    @Test
    void aCheckQueuedBehindABrokenConnectionGetsAReadOfItsOwn() throws Exception {
        Optional<SessionWithUser> queued = queuedBehindAFailedRead(new SQLException("I/O error", "08006"));

        assertThat(queued).isPresent();
    }

    @Test
    void aCheckQueuedBehindAnUnreachableDatabaseFailsWithIt() throws Exception {
        SQLException refused = new SQLException("Connection refused", "08001", new ConnectException("refused"));

        try {
            queuedBehindAFailedRead(refused);
            throw new AssertionError("the queued check was answered");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(StoreUnavailableException.class, unavailable -> assertThat(
                            unavailable.reason())
                    .isEqualTo(StoreUnavailableException.Reason.CONNECTION_REFUSED));
        }
    }

    /**
     * Two checks borrow a connection each and are held there; a third queues; the first borrow then fails with {@code
     * failure}, the second goes ahead. Returns the third check's answer (or throws its failure).
     */
    private Optional<SessionWithUser> queuedBehindAFailedRead(SQLException failure) throws Exception {
        PostgresStores setup = PostgresStores.builder()
                .dataSource(TestPostgres.sharedDataSource())
                .schema(SCHEMA)
                .build();
        setup.migrate();
        User user = setup.users()
                .upsert(
                        new NewUser(
                                UUID.randomUUID(),
                                "tenant",
                                UUID.randomUUID() + "@example.com",
                                null,
                                null,
                                "member",
                                Set.of()),
                        NOW)
                .user();
        String[] ids = new String[3];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = "session-" + UUID.randomUUID();
            setup.sessions()
                    .create(new SessionRecord(
                            ids[i],
                            "tenant",
                            user.id(),
                            "hash",
                            null,
                            0,
                            NOW,
                            NOW,
                            NOW.plusSeconds(600),
                            NOW.plusSeconds(3600)));
        }

        AtomicInteger borrows = new AtomicInteger();
        CountDownLatch bothHeld = new CountDownLatch(2);
        Semaphore release = new Semaphore(0);
        DataSource held = (DataSource) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (p, method, args) -> {
                    if (!method.getName().equals("getConnection")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    int borrow = borrows.incrementAndGet();
                    if (borrow <= 2) {
                        bothHeld.countDown();
                        if (!release.tryAcquire(30, TimeUnit.SECONDS)) {
                            throw new SQLException("not released");
                        }
                        if (borrow == 1) {
                            throw failure;
                        }
                    }
                    try {
                        return (Connection) method.invoke(TestPostgres.sharedDataSource(), args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        PostgresStores stores = PostgresStores.builder()
                .dataSource(held)
                .schema(SCHEMA)
                .autoMigrate(false)
                .build();

        Future<Optional<SessionWithUser>> first =
                callers.submit(() -> stores.sessions().findWithUser(ids[0], stores.users()));
        awaitBorrows(borrows, 1);
        Future<Optional<SessionWithUser>> second =
                callers.submit(() -> stores.sessions().findWithUser(ids[1], stores.users()));
        assertThat(bothHeld.await(30, TimeUnit.SECONDS)).isTrue();
        AtomicInteger queuedThread = new AtomicInteger();
        Future<Optional<SessionWithUser>> third = callers.submit(() -> {
            queuedThread.set(1);
            return stores.sessions().findWithUser(ids[2], stores.users());
        });
        awaitQueued(queuedThread);

        release.release(); // the first borrow fails
        try {
            first.get(30, TimeUnit.SECONDS);
            throw new AssertionError("the first check was answered");
        } catch (ExecutionException expected) {
            assertThat(expected.getCause()).isInstanceOf(StoreUnavailableException.class);
        }
        release.release(); // the second borrow goes ahead
        assertThat(second.get(30, TimeUnit.SECONDS)).isPresent();
        return third.get(30, TimeUnit.SECONDS);
    }

    private static void awaitBorrows(AtomicInteger borrows, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (borrows.get() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no borrow");
            }
            Thread.sleep(1);
        }
    }

    /** Waits until a caller thread is parked inside the reader, its key queued. */
    private static void awaitQueued(AtomicInteger started) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (started.get() == 0
                || Thread.getAllStackTraces().entrySet().stream()
                        .noneMatch(e -> e.getKey().getState() == Thread.State.WAITING
                                && java.util.Arrays.stream(e.getValue())
                                        .anyMatch(frame -> frame.getClassName().equals(CoalescingReader.class.getName())
                                                && frame.getMethodName().equals("get")))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the third check did not queue");
            }
            Thread.sleep(1);
        }
    }
}
