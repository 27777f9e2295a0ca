package dev.latchkey.auth.spi;

import java.time.Instant;
import java.util.Map;

/**
 * The change feed of a shared {@link RevocationList}, offered through {@link RevocationList#feed()}: every revocation
 * any instance makes is published, so that each facade can keep a local mirror of the list and answer {@code
 * authenticate} without a round trip.
 *
 * <p>The facade owns the protocol: it {@linkplain #subscribe subscribes}, waits for {@link Listener#subscribed()},
 * then reads every {@linkplain #live live revocation} and only then serves from its mirror. Whatever is published
 * between the subscription and the read arrives twice, which is harmless; nothing can arrive zero times. When the
 * subscription ends ({@link Listener#lost}), the facade asks the store directly again and subscribes anew with
 * backoff. A feed therefore needs no reconnection logic of its own: one subscription is one connection, once.
 */
public interface RevocationFeed {

    /**
     * Starts one subscription on a connection of its own, on a thread of the feed's own (a daemon thread), and returns
     * at once: connecting must not block the caller, and no callback may run on the caller's thread. The listener is
     * called on that thread: {@link Listener#subscribed()} once the subscription is active, then {@link
     * Listener#revoked} per published revocation, and finally {@link Listener#lost} exactly once when the subscription
     * ends for any reason other than {@link Subscription#close()}, including a failure to connect. A feed that watches
     * its connection with a heartbeat may report {@code lost} from the heartbeat's thread; it must not report
     * anything after that.
     */
    Subscription subscribe(Listener listener);

    /**
     * Every revocation whose {@code expiresAt} is after {@code now}, by id: the catch-up read after each (re)subscription.
     * Small, since entries live only as long as an access token. One round trip.
     */
    Map<String, Instant> live(Instant now);

    /** Receives one subscription's events. */
    interface Listener {
        /** The subscription is active: from now on every revocation published reaches {@link #revoked}. */
        void subscribed();

        /** A revocation was published (by any instance, this one included). */
        void revoked(String id, Instant expiresAt);

        /**
         * The subscription has ended and delivers nothing more; {@code cause} says why (it is logged, so it must not
         * carry secrets).
         */
        void lost(Throwable cause);
    }

    /** One subscription; closing it ends it without a call to {@link Listener#lost}. */
    interface Subscription extends AutoCloseable {
        /** Ends the subscription and its connection; idempotent, never throws. */
        @Override
        void close();
    }
}
