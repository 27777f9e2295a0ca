package dev.latchkey.auth.spi;

import dev.latchkey.auth.User;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Where users live. Every lookup is scoped by tenant: the same email or mobile may belong to different users in two
 * tenants, but within one tenant each is unique. Email and mobile arrive normalised (lower-case email, E.164 mobile)
 * and are compared exactly.
 *
 * <p>Implementations must be thread-safe. Contract tests: {@code dev.latchkey.auth.testkit.UserDatabaseContract}.
 */
public interface UserDatabase extends Store {

    /**
     * Inserts the user unless one with the same login key already exists in the tenant, atomically: concurrent calls
     * for one key create exactly one user. The login key is the email when the draft has one, otherwise the mobile.
     * An existing user is returned unchanged.
     *
     * @param user the user to insert
     * @param now creation and update time for an inserted user
     * @throws dev.latchkey.auth.AuthException with {@code CONFLICT} if the draft has both an email and a mobile and
     *     its other identifier (the mobile, when keyed by email) belongs to a user other than the one found or
     *     created by its login key; whether the login key already existed does not matter
     */
    UpsertResult upsert(NewUser user, Instant now);

    Optional<User> findById(String tenantId, UUID id);

    Optional<User> findByEmail(String tenantId, String email);

    Optional<User> findByMobile(String tenantId, String mobile);

    /**
     * Replaces the email, mobile, name, role, permissions and active flag of the user with {@code user.id()} in
     * {@code user.tenantId()}; id, tenant, creation time and last login stay. Sets the update time to {@code now}.
     * The email verification time ({@link User#emailVerifiedAt()}) stays while the email stays and is cleared when
     * the email changes: a new address is unproven.
     *
     * @return the stored user, or empty if there is no such user in the tenant
     * @throws dev.latchkey.auth.AuthException with {@code CONFLICT} if the email or mobile belongs to another user
     */
    Optional<User> update(User user, Instant now);

    /**
     * Marks the user inactive.
     *
     * @return {@code false} if there is no such user in the tenant
     */
    boolean disable(String tenantId, UUID id, Instant now);

    /** Sets the last-login time; does nothing if the user does not exist. */
    void recordLogin(String tenantId, UUID id, Instant at);

    /**
     * Records that the user proved control of {@code email} at {@code at} (a login by email one-time code): sets
     * {@link User#emailVerifiedAt()} only if the user's email is still exactly {@code email}, so a concurrent change
     * of address is never marked verified. Does nothing if the user does not exist.
     *
     * <p>The default does nothing, for stores written before this method existed: their users' emails then never
     * count as verified, so no external sign-in is ever linked to them by email (the safe side). The memory and
     * PostgreSQL stores keep it.
     */
    default void markEmailVerified(String tenantId, UUID id, String email, Instant at) {
        // Not kept by this store: emails stay unverified, which only disables linking by email.
    }

    /**
     * Finds (or creates) the user a one-time code login proved, and records the login. The reference semantics, which
     * this default implements with the methods above:
     *
     * <ol>
     *   <li>the user holding the login's email or mobile in the tenant ({@link #findByEmail} / {@link
     *       #findByMobile}); if none and {@code login.newUser()} is empty: empty (invite-only: nobody is created);
     *   <li>if none: {@link #upsert} of the new user ({@code created} tells whether this call inserted it);
     *   <li>an inactive user is returned as stored, with nothing recorded (the core refuses the login);
     *   <li>otherwise {@link #recordLogin} at {@code login.at()} and, for an email login whose address is still the
     *       user's, {@link #markEmailVerified} (a code sent to an address proves control of it); the user is returned
     *       with those two times set.
     * </ol>
     *
     * A store may override it to do the same in one statement (PostgreSQL does: one round trip, one commit); the
     * outcome and stored state must be the same. Contract tests: {@code
     * dev.latchkey.auth.testkit.UserDatabaseContract}.
     *
     * @return the user and whether this call created it; empty when nobody holds the destination and no new user was
     *     given
     */
    default Optional<UpsertResult> recordCodeLogin(CodeLogin login) {
        String tenant = login.tenantId();
        String email = login.email();
        Optional<User> found = email != null
                ? findByEmail(tenant, email)
                : findByMobile(tenant, Objects.requireNonNull(login.mobile()));
        User user;
        boolean created = false;
        if (found.isPresent()) {
            user = found.get();
        } else if (login.newUser().isPresent()) {
            UpsertResult result = upsert(login.newUser().get(), login.at());
            user = result.user();
            created = result.created();
        } else {
            return Optional.empty();
        }
        if (!user.active()) {
            return Optional.of(new UpsertResult(user, created));
        }
        recordLogin(tenant, user.id(), login.at());
        User loggedIn = user.withLastLoginAt(login.at());
        if (email != null && email.equals(user.email())) {
            markEmailVerified(tenant, user.id(), email, login.at());
            loggedIn = loggedIn.withEmailVerifiedAt(login.at());
        }
        return Optional.of(new UpsertResult(loggedIn, created));
    }
}
