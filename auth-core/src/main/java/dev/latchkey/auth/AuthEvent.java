package dev.latchkey.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An audit event, delivered to the configured {@link dev.latchkey.auth.spi.AuthEventListener}. Events never carry a
 * code or a token; destinations print masked.
 */
public sealed interface AuthEvent {

    /** When it happened, by the facade's clock. */
    Instant at();

    /** The tenant it happened in. */
    String tenantId();

    /**
     * A code was generated and handed to the {@code OtpSender}, or silently not sent ({@code delivered} false): in
     * invite-only mode to an unknown address, or while the requesting client may not verify for the address.
     */
    record CodeSent(
            Instant at,
            String tenantId,
            Destination destination,
            boolean delivered,
            @Nullable String clientIp) implements AuthEvent {}

    /** A send was refused by a throttle. {@code limit} names it: cooldown, destination, ip. */
    record SendThrottled(
            Instant at,
            String tenantId,
            Destination destination,
            String limit,
            Duration retryAfter,
            @Nullable String clientIp)
            implements AuthEvent {}

    /** A correct code was presented. */
    record CodeVerified(Instant at, String tenantId, Destination destination) implements AuthEvent {}

    /** A wrong, expired or used code was presented. */
    record CodeFailed(Instant at, String tenantId, Destination destination) implements AuthEvent {}

    /** The destination's failure budget is spent; verification is refused until {@code retryAfter} passes. */
    record LockedOut(Instant at, String tenantId, Destination destination, Duration retryAfter) implements AuthEvent {}

    /** A first login created a user. */
    record UserCreated(Instant at, String tenantId, UUID userId, Destination destination) implements AuthEvent {}

    /** A login created a session. */
    record LoggedIn(Instant at, String tenantId, UUID userId, String sessionId) implements AuthEvent {}

    /** A refresh token was rotated. */
    record Refreshed(Instant at, String tenantId, UUID userId, String sessionId) implements AuthEvent {}

    /** An already-rotated refresh token was presented: the whole session was revoked. */
    record RefreshReuseDetected(Instant at, String tenantId, UUID userId, String sessionId) implements AuthEvent {}

    /** Sessions were ended by a sign-out. */
    record SignedOut(Instant at, String tenantId, UUID userId, String sessionId, SignOutScope scope, int sessionsEnded)
            implements AuthEvent {}

    /** A user was disabled and all their sessions revoked. */
    record UserDisabled(Instant at, String tenantId, UUID userId, int sessionsEnded) implements AuthEvent {}
}
