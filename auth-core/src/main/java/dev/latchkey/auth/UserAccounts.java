package dev.latchkey.auth;

import dev.latchkey.auth.spi.CodeLogin;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.UpsertResult;
import dev.latchkey.auth.spi.UserDatabase;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Users: who logs in (found, or created at first login with the configured defaults and the host's customizer), and
 * the administration calls (find, update, disable). Deactivating a user ends all their sessions.
 */
final class UserAccounts {
    private final AuthSettings settings;
    private final UserDatabase users;
    private final Sessions sessions;
    private final Inputs inputs;
    private final UnaryOperator<NewUser> newUserCustomizer;
    private final Audit audit;
    private final Clock clock;

    UserAccounts(
            AuthSettings settings,
            UserDatabase users,
            Sessions sessions,
            Inputs inputs,
            UnaryOperator<NewUser> newUserCustomizer,
            Audit audit,
            Clock clock) {
        this.settings = settings;
        this.users = users;
        this.sessions = sessions;
        this.inputs = inputs;
        this.newUserCustomizer = newUserCustomizer;
        this.audit = audit;
        this.clock = clock;
    }

    /** The user a login destination belongs to. */
    Optional<User> find(String tenant, Destination dest) {
        return dest.isEmail() ? users.findByEmail(tenant, dest.value()) : users.findByMobile(tenant, dest.value());
    }

    /**
     * The user a one-time-code login proved, found or (with open sign-up) created, with the login recorded: one store
     * call, which a store may answer in one round trip and one commit. Empty when nobody holds the destination and
     * sign-up is invite-only.
     *
     * @throws AuthException {@code USER_DISABLED} for an inactive user (nothing is recorded for them)
     */
    Optional<UpsertResult> recordCodeLogin(String tenant, Destination dest, Instant now) {
        // The draft is built before the store knows whether it is needed, so the customizer runs at every open
        // sign-up login and its result is used only when the user is created.
        Optional<NewUser> draft =
                settings.signupMode() == SignupMode.OPEN ? Optional.of(draft(tenant, dest)) : Optional.empty();
        Optional<UpsertResult> result = users.recordCodeLogin(new CodeLogin(
                tenant, dest.isEmail() ? dest.value() : null, dest.isEmail() ? null : dest.value(), draft, now));
        if (result.isPresent()) {
            if (result.get().created()) {
                audit.emit(new AuthEvent.UserCreated(
                        now, tenant, result.get().user().id(), dest));
            }
            if (!result.get().user().active()) {
                throw new AuthException(ErrorCode.USER_DISABLED, "this account is disabled");
            }
        }
        return result;
    }

    /** Creates the user of a first login (or finds the one a concurrent login just created). */
    UpsertResult create(String tenant, Destination dest, Instant now) {
        UpsertResult result = users.upsert(draft(tenant, dest), now);
        if (result.created()) {
            audit.emit(new AuthEvent.UserCreated(now, tenant, result.user().id(), dest));
        }
        return result;
    }

    /** The user a first login creates, as the host's customizer adjusted it. */
    private NewUser draft(String tenant, Destination dest) {
        NewUser draft = new NewUser(
                PerThreadRandom.uuid(),
                tenant,
                dest.isEmail() ? dest.value() : null,
                dest.isEmail() ? null : dest.value(),
                null,
                settings.defaultRole(),
                settings.defaultPermissions());
        NewUser customised = Objects.requireNonNull(newUserCustomizer.apply(draft), "newUserCustomizer result");
        if (!customised.tenantId().equals(tenant)
                || !Objects.equals(customised.email(), draft.email())
                || !Objects.equals(customised.mobile(), draft.mobile())) {
            throw new IllegalStateException("newUserCustomizer may change name, role and permissions only");
        }
        return customised;
    }

    /** Records a login of an active user and returns the user as logged in. */
    User recordLogin(User user, Instant now) {
        if (!user.active()) {
            throw new AuthException(ErrorCode.USER_DISABLED, "this account is disabled");
        }
        users.recordLogin(user.tenantId(), user.id(), now);
        return user.withLastLoginAt(now);
    }

    Optional<User> findById(String tenantId, UUID userId) {
        return users.findById(Inputs.tenant(tenantId), Objects.requireNonNull(userId, "userId"));
    }

    boolean disable(String tenantId, UUID userId) {
        String tenant = Inputs.tenant(tenantId);
        Objects.requireNonNull(userId, "userId");
        Instant now = clock.instant();
        if (!users.disable(tenant, userId, now)) {
            return false;
        }
        endSessions(tenant, userId, now);
        return true;
    }

    Optional<User> update(User user) {
        Objects.requireNonNull(user, "user");
        String tenant = Inputs.tenant(user.tenantId());
        String email = user.email() == null ? null : Inputs.email(user.email()).value();
        String mobile =
                user.mobile() == null ? null : inputs.mobile(user.mobile()).value();
        String name = user.name() == null ? null : Inputs.text("name", user.name(), 200);
        Inputs.text("role", user.role(), 64);
        for (String permission : user.permissions()) {
            Inputs.text("permission", permission, 128);
        }
        User normalised = new User(
                user.id(),
                tenant,
                email,
                mobile,
                name,
                user.role(),
                user.permissions(),
                user.active(),
                user.lastLoginAt(),
                user.createdAt(),
                user.updatedAt());
        Instant now = clock.instant();
        Optional<User> updated = users.update(normalised, now);
        if (updated.isPresent() && !updated.get().active()) {
            endSessions(tenant, updated.get().id(), now);
        }
        return updated;
    }

    private void endSessions(String tenant, UUID userId, Instant now) {
        int ended = sessions.endAll(tenant, userId, now);
        audit.emit(new AuthEvent.UserDisabled(now, tenant, userId, ended));
    }
}
