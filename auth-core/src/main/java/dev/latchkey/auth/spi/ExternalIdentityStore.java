package dev.latchkey.auth.spi;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Links between external identities (issuer + subject at an OAuth 2.0 / OpenID Connect provider) and users. The
 * store keeps links; which identity may be linked to which user is core policy ({@code
 * AuthFacade#signInWithExternalIdentity}).
 *
 * <p>Every method is atomic with respect to every other call on the same (tenant, issuer, subject), across threads
 * and, for shared backends, across processes: of N concurrent {@link #linkIfAbsent} calls for one identity exactly one
 * links it, and all N return that one link.
 *
 * <p>Contract tests: {@code dev.latchkey.auth.testkit.ExternalIdentityStoreContract}.
 */
public interface ExternalIdentityStore extends Store {

    /** The link of this identity in the tenant, if any. */
    Optional<ExternalIdentity> find(String tenantId, String issuer, String subject);

    /**
     * Stores the link unless the identity is already linked in the tenant, atomically. Returns the stored link: the
     * given one when it was inserted, otherwise the existing one unchanged (whose {@code userId} may differ: the
     * caller must compare).
     */
    ExternalIdentity linkIfAbsent(ExternalIdentity link);

    /**
     * Records a sign-in with a linked identity: sets the last sign-in time and the email and its verified flag as the
     * provider sent them this time; does nothing if the identity is not linked.
     */
    void recordSignIn(
            String tenantId, String issuer, String subject, @Nullable String email, boolean emailVerified, Instant at);

    /**
     * Removes the link if it belongs to the user.
     *
     * @return {@code false} if the user has no such link
     */
    boolean unlink(String tenantId, UUID userId, String issuer, String subject);

    /** The user's links, oldest first. */
    List<ExternalIdentity> listForUser(String tenantId, UUID userId);
}
