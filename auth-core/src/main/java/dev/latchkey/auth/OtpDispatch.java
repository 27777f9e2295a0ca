package dev.latchkey.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * The answer of {@code sendOtp}: identical whether or not the destination belongs to a known user, so it reveals
 * nothing about who has an account.
 *
 * @param challengeId opaque id of this code's challenge: the client that asked presents it with the code to {@code
 *     verifyOtp}, so codes requested by anyone else neither replace nor lock this one
 * @param destination the normalised destination (its {@code toString} is masked)
 * @param expiresAt when a code sent now expires
 * @param resendAvailableAt when the next code may be requested for this destination
 */
public record OtpDispatch(String challengeId, Destination destination, Instant expiresAt, Instant resendAvailableAt) {
    public OtpDispatch {
        Objects.requireNonNull(challengeId, "challengeId");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(resendAvailableAt, "resendAvailableAt");
    }

    @Override
    public String toString() {
        return "OtpDispatch[destination=" + destination + ", expiresAt=" + expiresAt + ", resendAvailableAt="
                + resendAvailableAt + "]";
    }
}
