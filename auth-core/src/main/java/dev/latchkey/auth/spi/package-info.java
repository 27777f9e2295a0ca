/**
 * What a store or a host implements: {@link dev.latchkey.auth.spi.UserDatabase}, {@link
 * dev.latchkey.auth.spi.OTPStore}, {@link dev.latchkey.auth.spi.SessionStore}, {@link
 * dev.latchkey.auth.spi.OtpSender} and {@link dev.latchkey.auth.spi.AuthEventListener}.
 *
 * <p>Stores implement small atomic primitives; every policy (limits, expiry, hashing, rotation rules) lives in the
 * core once. Stores never see a one-time code or a refresh token in clear: only keyed or cryptographic hashes and
 * opaque keys. All time values are passed in by the core (from its injected {@link java.time.Clock}), so stores must
 * not read the system clock for decisions the contract describes.
 *
 * <p>A store signals an unreachable or failing backend by throwing any {@link java.lang.RuntimeException}; the core
 * turns it into {@link dev.latchkey.auth.ErrorCode#UNAVAILABLE} and never into a success. A store throws {@link
 * dev.latchkey.auth.AuthException} itself only for domain outcomes the contract names (such as {@link
 * dev.latchkey.auth.ErrorCode#CONFLICT}).
 */
@NullMarked
package dev.latchkey.auth.spi;

import org.jspecify.annotations.NullMarked;
