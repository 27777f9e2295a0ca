package dev.latchkey.auth.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An account at an external identity provider (OAuth 2.0 / OpenID Connect) linked to a Latchkey user. The key is
 * (tenant, issuer, subject): OpenID Connect Core §5.7 makes {@code iss} + {@code sub} the only stable identifier of an
 * end user; an email address is neither stable nor unique across providers.
 *
 * @param tenantId the Latchkey tenant
 * @param provider the configured provider's id, for example {@code google}; a label, not part of the key
 * @param issuer the issuer that asserted the subject (for Microsoft Entra ID the tenant's own issuer)
 * @param subject the provider's stable identifier of the account ({@code sub}; for Entra ID the {@code oid})
 * @param userId the Latchkey user it belongs to
 * @param email the email the provider sent at the last sign-in, or {@code null}
 * @param emailVerified whether the provider asserted that email as verified at the last sign-in
 * @param firstSignInAt when the identity was linked
 * @param lastSignInAt the last sign-in with it
 */
public record ExternalIdentity(
        String tenantId,
        String provider,
        String issuer,
        String subject,
        UUID userId,
        @Nullable String email,
        boolean emailVerified,
        Instant firstSignInAt,
        Instant lastSignInAt) {

    public ExternalIdentity {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(firstSignInAt, "firstSignInAt");
        Objects.requireNonNull(lastSignInAt, "lastSignInAt");
    }

    /** The email prints masked. */
    @Override
    public String toString() {
        int at = email == null ? -1 : email.indexOf('@');
        String masked = email == null ? null : at < 1 ? "***" : email.charAt(0) + "***" + email.substring(at);
        return "ExternalIdentity[tenantId=" + tenantId + ", provider=" + provider + ", issuer=" + issuer + ", subject="
                + subject + ", userId=" + userId + ", email=" + masked + ", emailVerified=" + emailVerified
                + ", firstSignInAt=" + firstSignInAt + ", lastSignInAt=" + lastSignInAt + "]";
    }
}
