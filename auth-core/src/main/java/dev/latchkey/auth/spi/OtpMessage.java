package dev.latchkey.auth.spi;

import dev.latchkey.auth.Destination;
import java.time.Instant;
import java.util.Objects;

/**
 * A code for the host to deliver. {@link #toString()} hides the code, so the message may be logged.
 *
 * @param tenantId the tenant the code is for
 * @param destination where to send it (email or E.164 mobile)
 * @param code the one-time code, digits only
 * @param expiresAt when the code stops being accepted
 */
public record OtpMessage(String tenantId, Destination destination, String code, Instant expiresAt) {
    public OtpMessage {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public String toString() {
        return "OtpMessage[tenantId=" + tenantId + ", destination=" + destination + ", code=******, expiresAt="
                + expiresAt + "]";
    }
}
