package dev.latchkey.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * The answer of {@code sendOtp}: identical whether or not the destination belongs to a known user, so it reveals
 * nothing about who has an account.
 *
 * @param destination the normalised destination (its {@code toString} is masked)
 * @param expiresAt when a code sent now expires
 * @param resendAvailableAt when the next code may be requested for this destination
 */
public record OtpDispatch(Destination destination, Instant expiresAt, Instant resendAvailableAt) {
    public OtpDispatch {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(resendAvailableAt, "resendAvailableAt");
    }
}
