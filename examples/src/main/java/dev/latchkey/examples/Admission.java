package dev.latchkey.examples;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor the JDK server hands each exchange to, and the one place that decides whether an exchange is served
 * or refused. The server's single dispatcher thread calls {@link #execute}; it must never run an exchange itself,
 * because the JDK server reads the request on the thread that runs it and one slow client would then stop every
 * connection (CWE-400: slow-request denial of service). So:
 *
 * <ul>
 *   <li>a fixed number of workers with a bounded queue serve requests;
 *   <li>a request that waited in the queue longer than {@link #MAX_QUEUE_WAIT} is answered {@code 503 unavailable}
 *       by the worker that takes it, without reading the body, instead of being served (queue-age load shedding, as
 *       CoDel or Envoy do): the JDK server's request time runs while a request waits, so served that late it would
 *       often be cut off by the server closing the connection, without any answer, or answered too late to help;
 *   <li>when every worker is busy and the queue is full, a few spare threads answer {@code 503 unavailable} at once, without reading the body;
 *   <li>when those are busy too, the exchange is dropped and the JDK server closes the connection once its request
 *       time ({@code sun.net.httpserver.maxReqTime}) has passed.
 * </ul>
 *
 * <p>A request counts as in flight from the moment it is handed over, so a shutdown finishes the requests already
 * queued as well as the running ones (answering "busy" those that waited too long, as at any other time), and refuses
 * only those that arrive after it began.
 */
final class Admission implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(Admission.class);
    /** Requests that may wait for a worker, per worker. */
    private static final int QUEUED_PER_WORKER = 16;
    /**
     * Spare threads that only answer "busy". A refusal never reads the body and the body is not drained afterwards
     * ({@link ExampleServer#limitSlowClients}), so a thread is held only while the request's headers arrive.
     */
    private static final int MIN_SPARE_THREADS = 8;
    /**
     * Longest a request may wait in the queue and still be served; one that waited longer is answered "busy". The
     * JDK server closes a connection whose request is not answered within {@link ExampleServer#MAX_REQUEST_SECONDS}
     * of reaching it, queue time included; a request taken by a worker within this bound keeps the remaining 3 s (of
     * 5) for its own work, longer than the stores' 2 s connection timeouts, so even during an outage it gets a clear
     * answer instead of a closed connection. Queueing longer than this only delays answers that would be too late.
     */
    static final Duration MAX_QUEUE_WAIT = Duration.ofSeconds(ExampleServer.MAX_REQUEST_SECONDS)
            .multipliedBy(2)
            .dividedBy(5);

    private static final long MAX_QUEUE_WAIT_NANOS = MAX_QUEUE_WAIT.toNanos();
    /** At most one overload warning of each kind per this many nanoseconds, so a flood cannot flood the log too. */
    private static final long WARNING_INTERVAL = TimeUnit.SECONDS.toNanos(10);

    /** How the exchange running on the current thread is to be answered. */
    enum Mode {
        SERVE,
        BUSY,
        SHUTTING_DOWN
    }

    private static final ThreadLocal<Mode> MODE = ThreadLocal.withInitial(() -> Mode.SERVE);

    /** {@link System#nanoTime}, or a test's clock: when a request was queued and how long it waited. */
    private final LongSupplier nanoTime;

    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor refusers;
    /** Handed over and not yet answered, refusals included. */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** The part of {@link #inFlight} that is to be served: what a shutdown waits for. */
    private final AtomicInteger serving = new AtomicInteger();

    private final AtomicBoolean draining = new AtomicBoolean();
    private final ThrottledWarning dropped = new ThrottledWarning(
            "overloaded: dropped {} requests that found every thread busy; their connections are closed after the"
                    + " request time");
    private final ThrottledWarning shed =
            new ThrottledWarning("overloaded: answered {} requests busy (503) that waited longer than "
                    + MAX_QUEUE_WAIT.toMillis() + " ms for a worker");

    Admission(int threads) {
        this(threads, System::nanoTime);
    }

    /** With the given time source for queue ages, {@link System#nanoTime} in production. */
    Admission(int threads, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        refusers = new ThreadPoolExecutor(
                0,
                spareThreads(threads),
                10,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                daemons("latchkey-http-busy-"),
                new ThreadPoolExecutor.AbortPolicy());
        workers = new ThreadPoolExecutor(
                threads,
                threads,
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueCapacity(threads)),
                daemons("latchkey-http-"),
                this::rejected);
    }

    /** Threads that answer "busy" beside {@code threads} workers. */
    static int spareThreads(int threads) {
        return Math.max(MIN_SPARE_THREADS, threads);
    }

    /** How many requests may wait for one of {@code threads} workers. */
    static int queueCapacity(int threads) {
        return threads * QUEUED_PER_WORKER;
    }

    /** The mode of the exchange running on this thread; {@link Mode#SERVE} outside {@link #execute}. */
    static Mode mode() {
        return MODE.get();
    }

    /** Called by the server's dispatcher for each request: never blocks and never runs the request itself. */
    @Override
    public void execute(Runnable exchange) {
        inFlight.incrementAndGet();
        // Counted before the drain flag is read: a drain that begins after this line waits for this request.
        serving.incrementAndGet();
        if (draining.get()) {
            serving.decrementAndGet();
            refuse(exchange, Mode.SHUTTING_DOWN);
            return;
        }
        workers.execute(new Counted(exchange, Mode.SERVE, nanoTime.getAsLong()));
    }

    /** The workers' rejection handler: runs on the dispatcher, so it only hands over or drops. */
    private void rejected(Runnable counted, ThreadPoolExecutor pool) {
        serving.decrementAndGet();
        if (pool.isShutdown()) {
            inFlight.decrementAndGet();
            return;
        }
        refuse(((Counted) counted).exchange, Mode.BUSY);
    }

    /** Answers on a spare thread, never behind the queue; when none is free the exchange is dropped. */
    private void refuse(Runnable exchange, Mode mode) {
        try {
            refusers.execute(new Counted(exchange, mode, 0));
        } catch (RejectedExecutionException e) {
            inFlight.decrementAndGet();
            dropped.count();
        }
    }

    /** Counts events and logs their number at most once per {@link #WARNING_INTERVAL}. */
    private static final class ThrottledWarning {
        private final String message;
        private final AtomicInteger count = new AtomicInteger();
        private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARNING_INTERVAL);

        ThrottledWarning(String message) {
            this.message = message;
        }

        void count() {
            count.incrementAndGet();
            long last = lastWarning.get();
            long now = System.nanoTime();
            if (now - last >= WARNING_INTERVAL && lastWarning.compareAndSet(last, now)) {
                LOG.warn(message, count.getAndSet(0));
            }
        }
    }

    /**
     * Answers new requests with 503 from now on and waits until the requests accepted before, running or queued,
     * have been answered, or the timeout passes.
     *
     * @return {@code true} if no accepted request is left
     */
    boolean drain(long timeout, TimeUnit unit) throws InterruptedException {
        draining.set(true);
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (serving.get() > 0) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** Requests handed over and not yet answered, queued ones included. */
    int inFlight() {
        return inFlight.get();
    }

    /** Stops the threads, interrupting what still runs after the grace. */
    void shutdown(long timeout, TimeUnit unit) throws InterruptedException {
        workers.shutdown();
        refusers.shutdown();
        if (!workers.awaitTermination(timeout, unit)) {
            workers.shutdownNow();
        }
        refusers.shutdownNow();
    }

    void shutdownNow() {
        workers.shutdownNow();
        refusers.shutdownNow();
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger number = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * An exchange, the mode it is to be answered in, when it was handed over, and the counts it releases when done.
     */
    private final class Counted implements Runnable {
        private final Runnable exchange;
        private final Mode mode;
        private final long queuedAt;

        Counted(Runnable exchange, Mode mode, long queuedAt) {
            this.exchange = exchange;
            this.mode = mode;
            this.queuedAt = queuedAt;
        }

        @Override
        public void run() {
            // Served too late to matter: answered "busy" at once. It still releases its serving count below, so a
            // drain waits for it as for any request accepted before the shutdown.
            boolean stale = mode == Mode.SERVE && nanoTime.getAsLong() - queuedAt > MAX_QUEUE_WAIT_NANOS;
            if (stale) {
                shed.count();
            }
            MODE.set(stale ? Mode.BUSY : mode);
            try {
                exchange.run();
            } finally {
                MODE.remove();
                if (mode == Mode.SERVE) {
                    serving.decrementAndGet();
                }
                inFlight.decrementAndGet();
            }
        }
    }
}
