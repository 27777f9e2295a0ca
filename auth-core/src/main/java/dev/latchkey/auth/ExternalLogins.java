package dev.latchkey.auth;

import dev.latchkey.auth.AuthEvent.LinkReason;
import dev.latchkey.auth.spi.ExternalIdentity;
import dev.latchkey.auth.spi.ExternalIdentityStore;
import dev.latchkey.auth.spi.UpsertResult;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Sign-in with an external identity (OAuth 2.0 / OpenID Connect) and the linking policy, in one place, ending in
 * {@link Sessions#start} like every login. The rules, in order (pre-account-takeover defence, Sudhodanan and Paverd,
 * "Pre-hijacked accounts", USENIX Security 2022):
 *
 * <ol>
 *   <li>a known identity signs in its user (a link intent for another user is refused);
 *   <li>a link intent of a signed-in user links the identity to that user;
 *   <li>an existing user with the same email is linked only when the provider asserts the email verified, Latchkey has
 *       seen the user prove the address (email one-time code), and the provider's policy allows it; otherwise the
 *       sign-in is refused with {@link ErrorCode#ACCOUNT_LINK_REQUIRED};
 *   <li>otherwise a user is created with the provider's email, which must be verified ({@link
 *       ErrorCode#EMAIL_NOT_VERIFIED}); in invite-only mode the sign-in is refused ({@link ErrorCode#SIGNUP_CLOSED}).
 * </ol>
 */
final class ExternalLogins {
    static final int MAX_PROVIDER = 64;
    static final int MAX_ISSUER = 512;
    static final int MAX_SUBJECT = 255;

    private final AuthSettings settings;
    private final ExternalIdentityStore identities;
    private final UserAccounts accounts;
    private final Sessions sessions;
    private final Audit audit;
    private final Clock clock;

    ExternalLogins(
            AuthSettings settings,
            ExternalIdentityStore identities,
            UserAccounts accounts,
            Sessions sessions,
            Audit audit,
            Clock clock) {
        this.settings = settings;
        this.identities = identities;
        this.accounts = accounts;
        this.sessions = sessions;
        this.audit = audit;
        this.clock = clock;
    }

    LoginResult signIn(ExternalSignIn in) {
        Objects.requireNonNull(in, "signIn");
        String tenant = Inputs.tenant(in.tenantId());
        String provider = Inputs.text("provider", in.provider(), MAX_PROVIDER);
        String issuer = Inputs.text("issuer", in.issuer(), MAX_ISSUER);
        String subject = Inputs.text("subject", in.subject(), MAX_SUBJECT);
        Destination email = email(in.email());
        boolean emailVerified = email != null && in.emailVerified();
        Instant now = clock.instant();
        Attempt attempt = new Attempt(tenant, provider, issuer, subject, email, emailVerified, now);

        ExternalIdentity known = identities.find(tenant, issuer, subject).orElse(null);
        if (known != null) {
            if (in.linkToUserId() != null && !known.userId().equals(in.linkToUserId())) {
                throw attempt.refuse(ErrorCode.CONFLICT, "this account is already linked to another user");
            }
            User user = accounts.findById(tenant, known.userId())
                    .orElseThrow(() -> attempt.refuse(ErrorCode.USER_DISABLED, "the linked user no longer exists"));
            User signedIn = accounts.recordLogin(user, now);
            identities.recordSignIn(tenant, issuer, subject, attempt.emailValue(), emailVerified, now);
            audit.emit(new AuthEvent.ExternalSignedIn(now, tenant, user.id(), provider, subject));
            return sessions.start(signedIn, now, false);
        }

        if (in.linkToUserId() != null) {
            User user = accounts.findById(tenant, in.linkToUserId())
                    .orElseThrow(() -> attempt.refuse(ErrorCode.INVALID_REQUEST, "the user to link to does not exist"));
            return linkAndStart(attempt, user, LinkReason.EXPLICIT, false);
        }

        if (email != null) {
            User owner = accounts.find(tenant, email).orElse(null);
            if (owner != null) {
                return linkByEmail(attempt, owner, in.linkByVerifiedEmail());
            }
        }
        if (email == null || !emailVerified) {
            throw attempt.refuse(
                    ErrorCode.EMAIL_NOT_VERIFIED,
                    "the provider did not confirm an email address, so no account can be created for it");
        }
        if (settings.signupMode() == SignupMode.INVITE_ONLY) {
            throw attempt.refuse(ErrorCode.SIGNUP_CLOSED, "sign-up is by invitation only");
        }
        UpsertResult created = accounts.create(tenant, email, now);
        if (!created.created()) {
            // A concurrent login created a user with this email first: that user is an existing user like any other.
            return linkByEmail(attempt, created.user(), in.linkByVerifiedEmail());
        }
        return linkAndStart(attempt, created.user(), LinkReason.NEW_USER, true);
    }

    List<ExternalIdentity> list(String tenantId, UUID userId) {
        return identities.listForUser(Inputs.tenant(tenantId), Objects.requireNonNull(userId, "userId"));
    }

    boolean unlink(String tenantId, UUID userId, String issuer, String subject) {
        String tenant = Inputs.tenant(tenantId);
        Objects.requireNonNull(userId, "userId");
        String iss = Inputs.text("issuer", issuer, MAX_ISSUER);
        String sub = Inputs.text("subject", subject, MAX_SUBJECT);
        boolean removed = identities.unlink(tenant, userId, iss, sub);
        if (removed) {
            audit.emit(new AuthEvent.ExternalIdentityUnlinked(clock.instant(), tenant, userId, iss, sub));
        }
        return removed;
    }

    private LoginResult linkByEmail(Attempt attempt, User owner, boolean policyAllows) {
        // Both sides must have proven the address: the provider (email_verified / xms_edov) and Latchkey (an email
        // one-time code). Otherwise whoever registered first, at the provider or here, could take the other's account.
        if (attempt.emailVerified && owner.emailVerified() && policyAllows) {
            return linkAndStart(attempt, owner, LinkReason.VERIFIED_EMAIL, false);
        }
        throw attempt.refuse(
                ErrorCode.ACCOUNT_LINK_REQUIRED,
                "an account with this email exists; sign in to it and link this provider from there");
    }

    private LoginResult linkAndStart(Attempt attempt, User user, LinkReason reason, boolean created) {
        if (!user.active()) {
            throw attempt.refuse(ErrorCode.USER_DISABLED, "this account is disabled");
        }
        ExternalIdentity stored = identities.linkIfAbsent(new ExternalIdentity(
                attempt.tenant,
                attempt.provider,
                attempt.issuer,
                attempt.subject,
                user.id(),
                attempt.emailValue(),
                attempt.emailVerified,
                attempt.now,
                attempt.now));
        if (!stored.userId().equals(user.id())) {
            // A concurrent sign-in linked the identity to someone else first.
            throw attempt.refuse(ErrorCode.CONFLICT, "this account is already linked to another user");
        }
        audit.emit(new AuthEvent.ExternalIdentityLinked(
                attempt.now, attempt.tenant, user.id(), attempt.provider, attempt.subject, reason));
        return sessions.start(accounts.recordLogin(user, attempt.now), attempt.now, created);
    }

    /** A provider's email is advisory: one that is not a valid address counts as none. */
    private static @Nullable Destination email(@Nullable String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return Inputs.email(raw);
        } catch (AuthException e) {
            return null;
        }
    }

    private final class Attempt {
        final String tenant;
        final String provider;
        final String issuer;
        final String subject;
        final @Nullable Destination email;
        final boolean emailVerified;
        final Instant now;

        Attempt(
                String tenant,
                String provider,
                String issuer,
                String subject,
                @Nullable Destination email,
                boolean emailVerified,
                Instant now) {
            this.tenant = tenant;
            this.provider = provider;
            this.issuer = issuer;
            this.subject = subject;
            this.email = email;
            this.emailVerified = emailVerified;
            this.now = now;
        }

        @Nullable
        String emailValue() {
            return email == null ? null : email.value();
        }

        AuthException refuse(ErrorCode code, String message) {
            audit.emit(new AuthEvent.ExternalSignInRefused(now, tenant, provider, subject, emailValue(), code.code()));
            return new AuthException(code, message);
        }
    }
}
