package dev.latchkey.auth.store.memory;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.User;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.UpsertResult;
import dev.latchkey.auth.spi.UserDatabase;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A {@link UserDatabase} in the memory of one process.
 *
 * <p>Writes are serialised per tenant by one lock per tenant: a write has to check and change the user and both
 * uniqueness indexes (email, mobile) together, and tenants never share a user, so writes in different tenants
 * proceed in parallel. Reads take no lock. A write publishes new index entries before the new user and removes
 * stale ones after it, and a read checks that the user it reaches through an index really carries the identifier it
 * looked up, so a read never returns a user under an email or mobile the user does not have.
 *
 * <p>Users are never removed (only disabled), so memory grows with the number of users; the lock table grows with
 * the number of tenants.
 */
public final class MemoryUserDatabase implements UserDatabase {

    private record UserKey(String tenantId, UUID id) {}

    private record IdentifierKey(String tenantId, String value) {}

    private final Map<UserKey, User> users = new ConcurrentHashMap<>();
    private final Map<IdentifierKey, UUID> userIdsByEmail = new ConcurrentHashMap<>();
    private final Map<IdentifierKey, UUID> userIdsByMobile = new ConcurrentHashMap<>();
    private final Map<String, Object> tenantLocks = new ConcurrentHashMap<>();

    /** An empty database. */
    public MemoryUserDatabase() {}

    @Override
    public UpsertResult upsert(NewUser draft, Instant now) {
        Objects.requireNonNull(draft, "user");
        Objects.requireNonNull(now, "now");
        String tenantId = draft.tenantId();
        return inTenant(tenantId, () -> {
            UUID existingId = draft.keyedByEmail()
                    ? userIdsByEmail.get(new IdentifierKey(tenantId, Objects.requireNonNull(draft.email())))
                    : userIdsByMobile.get(new IdentifierKey(tenantId, Objects.requireNonNull(draft.mobile())));
            // When keyed by email the mobile is the "other" identifier; a mobile-keyed draft has no email.
            UUID mobileOwner = draft.keyedByEmail() && draft.mobile() != null
                    ? userIdsByMobile.get(new IdentifierKey(tenantId, draft.mobile()))
                    : null;
            if (mobileOwner != null && !mobileOwner.equals(existingId)) {
                throw conflict("mobile number belongs to another user");
            }
            if (existingId != null) {
                // The indexes only name stored users (both change under the tenant's lock).
                return new UpsertResult(Objects.requireNonNull(users.get(new UserKey(tenantId, existingId))), false);
            }
            UserKey key = new UserKey(tenantId, draft.id());
            if (users.containsKey(key)) {
                throw conflict("user id already exists");
            }
            User created = new User(
                    draft.id(),
                    tenantId,
                    draft.email(),
                    draft.mobile(),
                    draft.name(),
                    draft.role(),
                    draft.permissions(),
                    true,
                    null,
                    now,
                    now);
            store(null, created);
            return new UpsertResult(created, true);
        });
    }

    @Override
    public Optional<User> findById(String tenantId, UUID id) {
        return Optional.ofNullable(
                users.get(new UserKey(Objects.requireNonNull(tenantId, "tenantId"), Objects.requireNonNull(id, "id"))));
    }

    @Override
    public Optional<User> findByEmail(String tenantId, String email) {
        Objects.requireNonNull(email, "email");
        return findByIdentifier(userIdsByEmail, tenantId, email).filter(user -> email.equals(user.email()));
    }

    @Override
    public Optional<User> findByMobile(String tenantId, String mobile) {
        Objects.requireNonNull(mobile, "mobile");
        return findByIdentifier(userIdsByMobile, tenantId, mobile).filter(user -> mobile.equals(user.mobile()));
    }

    @Override
    public Optional<User> update(User changes, Instant now) {
        Objects.requireNonNull(changes, "user");
        Objects.requireNonNull(now, "now");
        String tenantId = changes.tenantId();
        return inTenant(tenantId, () -> {
            User current = users.get(new UserKey(tenantId, changes.id()));
            if (current == null) {
                return Optional.empty();
            }
            requireFree(userIdsByEmail, tenantId, changes.email(), changes.id(), "email");
            requireFree(userIdsByMobile, tenantId, changes.mobile(), changes.id(), "mobile number");
            User updated = new User(
                    current.id(),
                    tenantId,
                    changes.email(),
                    changes.mobile(),
                    changes.name(),
                    changes.role(),
                    changes.permissions(),
                    changes.active(),
                    current.lastLoginAt(),
                    current.createdAt(),
                    now);
            store(current, updated);
            return Optional.of(updated);
        });
    }

    @Override
    public boolean disable(String tenantId, UUID id, Instant now) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(now, "now");
        return inTenant(tenantId, () -> {
            User current = users.get(new UserKey(tenantId, id));
            if (current == null) {
                return false;
            }
            store(current, withTimes(current.withActive(false), current.lastLoginAt(), now));
            return true;
        });
    }

    @Override
    public void recordLogin(String tenantId, UUID id, Instant at) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(at, "at");
        inTenant(tenantId, () -> {
            User current = users.get(new UserKey(tenantId, id));
            if (current != null) {
                store(current, withTimes(current, at, current.updatedAt()));
            }
            return null;
        });
    }

    /** Always answers: the database lives in this process. */
    @Override
    public void ping() {
        // Nothing can be unreachable.
    }

    private Optional<User> findByIdentifier(Map<IdentifierKey, UUID> index, String tenantId, String value) {
        UUID id = index.get(new IdentifierKey(Objects.requireNonNull(tenantId, "tenantId"), value));
        return id == null ? Optional.empty() : Optional.ofNullable(users.get(new UserKey(tenantId, id)));
    }

    private <T> T inTenant(String tenantId, Supplier<T> write) {
        Object lock = tenantLocks.computeIfAbsent(Objects.requireNonNull(tenantId, "tenantId"), t -> new Object());
        synchronized (lock) {
            return write.get();
        }
    }

    /** Replaces {@code before} (or nothing) by {@code after} and moves the index entries; caller holds the lock. */
    private void store(@Nullable User before, User after) {
        String tenantId = after.tenantId();
        if (after.email() != null) {
            userIdsByEmail.put(new IdentifierKey(tenantId, after.email()), after.id());
        }
        if (after.mobile() != null) {
            userIdsByMobile.put(new IdentifierKey(tenantId, after.mobile()), after.id());
        }
        users.put(new UserKey(tenantId, after.id()), after);
        if (before != null) {
            if (before.email() != null && !before.email().equals(after.email())) {
                userIdsByEmail.remove(new IdentifierKey(tenantId, before.email()), before.id());
            }
            if (before.mobile() != null && !before.mobile().equals(after.mobile())) {
                userIdsByMobile.remove(new IdentifierKey(tenantId, before.mobile()), before.id());
            }
        }
    }

    private static void requireFree(
            Map<IdentifierKey, UUID> index, String tenantId, @Nullable String value, UUID claimant, String what) {
        if (value == null) {
            return;
        }
        UUID owner = index.get(new IdentifierKey(tenantId, value));
        if (owner != null && !owner.equals(claimant)) {
            throw conflict(what + " belongs to another user");
        }
    }

    private static User withTimes(User user, @Nullable Instant lastLoginAt, Instant updatedAt) {
        return new User(
                user.id(),
                user.tenantId(),
                user.email(),
                user.mobile(),
                user.name(),
                user.role(),
                user.permissions(),
                user.active(),
                lastLoginAt,
                user.createdAt(),
                updatedAt);
    }

    private static AuthException conflict(String message) {
        return new AuthException(ErrorCode.CONFLICT, message);
    }
}
