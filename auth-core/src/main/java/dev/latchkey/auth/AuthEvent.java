package dev.latchkey.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

    /** How an external identity came to be linked to a user. */
    enum LinkReason {
        /** The signed-in user asked to link it. */
        EXPLICIT,
        /** Its verified email matched the user's verified email, and the provider's policy allows linking by email. */
        VERIFIED_EMAIL,
        /** Its first sign-in created the user. */
        NEW_USER
    }

    /** A linked external identity signed its user in. */
    record ExternalSignedIn(Instant at, String tenantId, UUID userId, String provider, String subject)
            implements AuthEvent {}

    /** An external identity was linked to a user. */
    record ExternalIdentityLinked(
            Instant at, String tenantId, UUID userId, String provider, String subject, LinkReason reason)
            implements AuthEvent {}

    /** An external sign-in was refused; {@code reason} is the error code, the email prints masked. */
    record ExternalSignInRefused(
            Instant at,
            String tenantId,
            String provider,
            String subject,
            @Nullable String email,
            String reason) implements AuthEvent {
        @Override
        public String toString() {
            return "ExternalSignInRefused[at=" + at + ", tenantId=" + tenantId + ", provider=" + provider + ", subject="
                    + subject + ", email=" + Masking.email(email) + ", reason=" + reason + "]";
        }
    }

    /** An external identity was unlinked from its user. */
    record ExternalIdentityUnlinked(Instant at, String tenantId, UUID userId, String issuer, String subject)
            implements AuthEvent {}

    /** The tenant id of events that concern every tenant, such as a store switching to its fallback. */
    String ALL_TENANTS = "*";

    /**
     * Components of the facade stopped using their store and now run on their fallback (or, for {@code revocations},
     * on the host's outage policy). {@code components} are the health report's names ({@code otp}, {@code rateLimits},
     * {@code revocations}); {@code reason} is the failure's cause class, never a secret. {@code tenantId} is {@link
     * #ALL_TENANTS}.
     */
    record FallbackEngaged(Instant at, String tenantId, List<String> components, String reason) implements AuthEvent {
        public FallbackEngaged {
            components = List.copyOf(components);
        }
    }

    /** Components that ran on their fallback use their store again. {@code tenantId} is {@link #ALL_TENANTS}. */
    record FallbackEnded(Instant at, String tenantId, List<String> components) implements AuthEvent {
        public FallbackEnded {
            components = List.copyOf(components);
        }
    }
}
