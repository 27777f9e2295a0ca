/**
 * Contract test suites for Latchkey stores. A store author extends, from their own test sources, one abstract class
 * per interface they implement and returns the store under test:
 *
 * <ul>
 *   <li>{@link dev.latchkey.auth.testkit.UserDatabaseContract}: {@code userDatabase()}
 *   <li>{@link dev.latchkey.auth.testkit.OTPStoreContract}: {@code otpStore()}
 *   <li>{@link dev.latchkey.auth.testkit.RateLimitStoreContract}: {@code rateLimitStore()}
 *   <li>{@link dev.latchkey.auth.testkit.SessionStoreContract}: {@code sessionStore()}
 *   <li>{@link dev.latchkey.auth.testkit.RevocationListContract}: {@code revocationList()}
 *   <li>{@link dev.latchkey.auth.testkit.RevocationMirrorContract}: {@code newInstance()}, {@code
 *       killSubscriberConnections()} (for a list with a feed; it polls with a deadline for messages to arrive)
 * </ul>
 *
 * <p>The store suites never sleep and never read a clock: instants are a fixed base plus offsets (the revocation-mirror
 * suite starts its clock at the real time, so servers that prune by it agree, and polls for messages to arrive). Every test generates its
 * own keys, tenants and ids, so the suites run against a shared, non-empty database without cleanup. The concurrency
 * cases (many threads consuming one code, counting wrong guesses, incrementing one counter, rotating one refresh
 * token, upserting one user) use {@link dev.latchkey.auth.testkit.ConcurrentRunner} and run several rounds each.
 * Every assertion is described by the rule it checks, so a failure names the broken rule, not just two numbers.
 */
@NullMarked
package dev.latchkey.auth.testkit;

import org.jspecify.annotations.NullMarked;
