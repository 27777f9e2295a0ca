/**
 * Latchkey on a Micrometer {@code MeterRegistry}: {@link dev.latchkey.auth.micrometer.LatchkeyMetrics} counts audit
 * events and times facade operations; {@link dev.latchkey.auth.micrometer.MeteredStores} times every store call.
 *
 * <p>No tag ever carries personal data or an identifier: not a destination, user id, session id, IP address, nor the
 * tenant id (tenants are unbounded in number, which would make every metric's series unbounded too, and a tenant id
 * may name a customer). Tags take values from small fixed sets only: operation and store method names, error codes,
 * throttle names, channels and sign-out scopes.
 */
@NullMarked
package dev.latchkey.auth.micrometer;

import org.jspecify.annotations.NullMarked;
