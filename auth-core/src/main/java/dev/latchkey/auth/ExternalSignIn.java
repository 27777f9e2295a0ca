package dev.latchkey.auth;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An identity an external provider has just proven (OAuth 2.0 / OpenID Connect: the ID token's signature, issuer,
 * audience, expiry and nonce already checked), handed to {@link AuthFacade#signInWithExternalIdentity}. The {@code
 * auth-oauth} module builds these; a host with its own protocol code may too, but only from claims it has verified.
 *
 * @param tenantId the Latchkey tenant the sign-in is for
 * @param provider the configured provider's id, for example {@code google}
 * @param issuer the issuer that asserted the subject
 * @param subject the provider's stable, never reassigned identifier of the account (OpenID Connect Core §5.7)
 * @param email the email the provider sent, or {@code null}
 * @param emailVerified whether the provider asserted that it verified the email (Google's {@code email_verified},
 *     Entra ID's {@code xms_edov}); {@code false} when in doubt
 * @param linkByVerifiedEmail the provider's policy: whether an unknown identity may be linked to an existing user with
 *     the same email when both sides have verified it
 * @param linkToUserId the signed-in user who asked to link this identity to their account, as authenticated by the
 *     host when the flow started; {@code null} for a plain sign-in
 */
public record ExternalSignIn(
        String tenantId,
        String provider,
        String issuer,
        String subject,
        @Nullable String email,
        boolean emailVerified,
        boolean linkByVerifiedEmail,
        @Nullable UUID linkToUserId) {

    public ExternalSignIn {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
    }

    /** The email, if the provider sent one. */
    public Optional<String> emailAddress() {
        return Optional.ofNullable(email);
    }

    /** The user to link to, for a link intent. */
    public Optional<UUID> linkTo() {
        return Optional.ofNullable(linkToUserId);
    }

    /** The email prints masked. */
    @Override
    public String toString() {
        return "ExternalSignIn[tenantId=" + tenantId + ", provider=" + provider + ", issuer=" + issuer + ", subject="
                + subject + ", email=" + Masking.email(email) + ", emailVerified=" + emailVerified
                + ", linkByVerifiedEmail=" + linkByVerifiedEmail + ", linkToUserId=" + linkToUserId + "]";
    }
}
