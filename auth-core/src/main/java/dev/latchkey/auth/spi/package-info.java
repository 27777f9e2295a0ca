/**
 * What a store or a host implements.
 *
 * <p>Stores, each with a contract test class in {@code auth-testkit}, all extending {@link
 * dev.latchkey.auth.spi.Store} (a health probe):
 *
 * <ul>
 *   <li>{@link dev.latchkey.auth.spi.UserDatabase}: users, looked up by tenant and id, email or mobile;
 *   <li>{@link dev.latchkey.auth.spi.OTPStore}: pending one-time codes, verified and consumed in one atomic step;
 *   <li>{@link dev.latchkey.auth.spi.RateLimitStore}: fixed-window counters behind every throttle and budget;
 *   <li>{@link dev.latchkey.auth.spi.SessionStore}: refresh-token families, rotated by compare-and-set;
 *   <li>{@link dev.latchkey.auth.spi.RevocationList}: optional deny-list of ended sessions for the route guard, with
 *       an optional {@link dev.latchkey.auth.spi.RevocationFeed} so that each facade can mirror it locally.
 * </ul>
 *
 * <p>{@link dev.latchkey.auth.spi.AuthStores} bundles one backend's stores. What a host supplies besides: {@link
 * dev.latchkey.auth.spi.OtpSender} (delivers codes), {@link dev.latchkey.auth.spi.AuthEventListener} (audit events)
 * and, optionally, {@link dev.latchkey.auth.spi.TokenIssuer} (access tokens signed elsewhere, for example in a KMS).
 *
 * <p>Stores implement small atomic primitives; every policy (limits, expiry, hashing, rotation rules) lives in the
 * core once. Stores never see a one-time code or a refresh token in clear: only keyed or cryptographic hashes and
 * opaque keys. All time values are passed in by the core (from its injected {@link java.time.Clock}), so stores must
 * not read the system clock for decisions the contract describes.
 *
 * <p>A store signals an unreachable or failing backend by throwing any {@link java.lang.RuntimeException}; the core
 * turns it into {@link dev.latchkey.auth.ErrorCode#UNAVAILABLE} and never into a success. A store throws {@link
 * dev.latchkey.auth.AuthException} itself only for domain outcomes the contract names (such as {@link
 * dev.latchkey.auth.ErrorCode#CONFLICT}). A store that can tell why it is unavailable (rejected credentials, a missing
 * database, a refused connection, a timeout) throws {@link dev.latchkey.auth.spi.StoreUnavailableException}, whose
 * reason the health report shows.
 */
@NullMarked
package dev.latchkey.auth.spi;

import org.jspecify.annotations.NullMarked;
