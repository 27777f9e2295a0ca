package dev.latchkey.auth;

import dev.latchkey.auth.spi.AuthStores;
import dev.latchkey.auth.spi.CodeCheck;
import dev.latchkey.auth.spi.Counter;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.OtpChallenge;
import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.spi.RevocationList;
import dev.latchkey.auth.spi.SessionRecord;
import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.spi.UpsertResult;
import dev.latchkey.auth.spi.UserDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The simplest stores that satisfy the SPI, one lock for all: enough to test the facade's store-independent
 * behaviour in the core. The real stores prove themselves against the testkit contracts.
 */
final class TestStores implements AuthStores {
    private final Map<UUID, User> users = new HashMap<>();
    private final Map<String, OtpChallenge> challenges = new HashMap<>();
    private final Map<String, Counter> counters = new HashMap<>();
    private final Map<String, SessionRecord> sessions = new HashMap<>();
    private final Map<String, Instant> revoked = new HashMap<>();

    private final UserDatabase userDatabase = new UserDatabase() {
        @Override
        public UpsertResult upsert(NewUser draft, Instant now) {
            synchronized (TestStores.this) {
                Optional<User> existing = draft.keyedByEmail()
                        ? findByEmail(draft.tenantId(), draft.email())
                        : findByMobile(draft.tenantId(), draft.mobile());
                if (existing.isPresent()) {
                    return new UpsertResult(existing.get(), false);
                }
                User user = new User(
                        draft.id(),
                        draft.tenantId(),
                        draft.email(),
                        draft.mobile(),
                        draft.name(),
                        draft.role(),
                        draft.permissions(),
                        true,
                        null,
                        now,
                        now);
                users.put(user.id(), user);
                return new UpsertResult(user, true);
            }
        }

        @Override
        public Optional<User> findById(String tenantId, UUID id) {
            synchronized (TestStores.this) {
                return Optional.ofNullable(users.get(id))
                        .filter(u -> u.tenantId().equals(tenantId));
            }
        }

        @Override
        public Optional<User> findByEmail(String tenantId, String email) {
            synchronized (TestStores.this) {
                return users.values().stream()
                        .filter(u -> u.tenantId().equals(tenantId) && email.equals(u.email()))
                        .findFirst();
            }
        }

        @Override
        public Optional<User> findByMobile(String tenantId, String mobile) {
            synchronized (TestStores.this) {
                return users.values().stream()
                        .filter(u -> u.tenantId().equals(tenantId) && mobile.equals(u.mobile()))
                        .findFirst();
            }
        }

        @Override
        public Optional<User> update(User user, Instant now) {
            synchronized (TestStores.this) {
                User old = findById(user.tenantId(), user.id()).orElse(null);
                if (old == null) {
                    return Optional.empty();
                }
                User updated = new User(
                        old.id(),
                        old.tenantId(),
                        user.email(),
                        user.mobile(),
                        user.name(),
                        user.role(),
                        user.permissions(),
                        user.active(),
                        old.lastLoginAt(),
                        old.createdAt(),
                        now);
                users.put(updated.id(), updated);
                return Optional.of(updated);
            }
        }

        @Override
        public boolean disable(String tenantId, UUID id, Instant now) {
            synchronized (TestStores.this) {
                Optional<User> user = findById(tenantId, id);
                user.ifPresent(u -> users.put(
                        id,
                        new User(
                                u.id(),
                                u.tenantId(),
                                u.email(),
                                u.mobile(),
                                u.name(),
                                u.role(),
                                u.permissions(),
                                false,
                                u.lastLoginAt(),
                                u.createdAt(),
                                now)));
                return user.isPresent();
            }
        }

        @Override
        public void recordLogin(String tenantId, UUID id, Instant at) {
            synchronized (TestStores.this) {
                findById(tenantId, id).ifPresent(u -> users.put(id, u.withLastLoginAt(at)));
            }
        }

        @Override
        public void ping() {}
    };

    private final OTPStore otpStore = new OTPStore() {
        @Override
        public void saveChallenge(OtpChallenge challenge) {
            synchronized (TestStores.this) {
                challenges.put(challenge.key(), challenge);
            }
        }

        @Override
        public Optional<OtpChallenge> findChallenge(String key, Instant now) {
            synchronized (TestStores.this) {
                return Optional.ofNullable(challenges.get(key)).filter(c -> c.isLiveAt(now));
            }
        }

        @Override
        public CodeCheck verify(String key, String codeHash, Instant now) {
            synchronized (TestStores.this) {
                OtpChallenge c = challenges.get(key);
                if (c == null || !c.isLiveAt(now)) {
                    return CodeCheck.ABSENT;
                }
                if (c.attempts() >= c.maxAttempts()) {
                    return CodeCheck.LOCKED;
                }
                if (c.codeHash().equals(codeHash)) {
                    challenges.remove(key);
                    return CodeCheck.MATCHED;
                }
                challenges.put(
                        key,
                        new OtpChallenge(
                                key, c.codeHash(), c.createdAt(), c.expiresAt(), c.attempts() + 1, c.maxAttempts()));
                return CodeCheck.MISMATCHED;
            }
        }

        @Override
        public void deleteChallenge(String key) {
            synchronized (TestStores.this) {
                challenges.remove(key);
            }
        }

        @Override
        public void ping() {}
    };

    private final RateLimitStore rateLimitStore = new RateLimitStore() {
        @Override
        public Counter increment(String key, Duration window, Instant now) {
            synchronized (TestStores.this) {
                Counter c = counters.get(key);
                Counter next = c == null || !c.resetAt().isAfter(now)
                        ? new Counter(1, now.plus(window))
                        : new Counter(c.count() + 1, c.resetAt());
                counters.put(key, next);
                return next;
            }
        }

        @Override
        public void reset(String key) {
            synchronized (TestStores.this) {
                counters.remove(key);
            }
        }

        @Override
        public Counter peek(String key, Instant now) {
            synchronized (TestStores.this) {
                Counter c = counters.get(key);
                return c == null || !c.resetAt().isAfter(now) ? new Counter(0, now) : c;
            }
        }

        @Override
        public void ping() {}
    };

    private final SessionStore sessionStore = new SessionStore() {
        @Override
        public void create(SessionRecord session) {
            synchronized (TestStores.this) {
                sessions.put(session.id(), session);
            }
        }

        @Override
        public Optional<SessionRecord> find(String sessionId) {
            synchronized (TestStores.this) {
                return Optional.ofNullable(sessions.get(sessionId));
            }
        }

        @Override
        public boolean rotate(String id, String expected, String next, Instant now, Instant idle) {
            synchronized (TestStores.this) {
                SessionRecord s = sessions.get(id);
                if (s == null || !s.isLiveAt(now) || !s.tokenHash().equals(expected)) {
                    return false;
                }
                sessions.put(
                        id,
                        new SessionRecord(
                                id,
                                s.tenantId(),
                                s.userId(),
                                next,
                                expected,
                                s.generation() + 1,
                                s.createdAt(),
                                now,
                                idle,
                                s.absoluteExpiresAt()));
                return true;
            }
        }

        @Override
        public boolean revoke(String sessionId) {
            synchronized (TestStores.this) {
                return sessions.remove(sessionId) != null;
            }
        }

        @Override
        public int revokeAllForUser(String tenantId, UUID userId, String exceptSessionId) {
            synchronized (TestStores.this) {
                List<String> ids = new ArrayList<>();
                for (SessionRecord s : sessions.values()) {
                    if (s.tenantId().equals(tenantId) && s.userId().equals(userId) && !s.id().equals(exceptSessionId)) {
                        ids.add(s.id());
                    }
                }
                ids.forEach(sessions::remove);
                return ids.size();
            }
        }

        @Override
        public List<SessionRecord> listForUser(String tenantId, UUID userId, Instant now) {
            synchronized (TestStores.this) {
                return sessions.values().stream()
                        .filter(s -> s.tenantId().equals(tenantId) && s.userId().equals(userId) && s.isLiveAt(now))
                        .sorted(Comparator.comparing(SessionRecord::createdAt))
                        .toList();
            }
        }

        @Override
        public void ping() {}
    };

    private final RevocationList revocationList = new RevocationList() {
        @Override
        public void revoke(String sessionId, Instant expiresAt, Instant now) {
            synchronized (TestStores.this) {
                revoked.put(sessionId, expiresAt);
            }
        }

        @Override
        public boolean isRevoked(String sessionId) {
            synchronized (TestStores.this) {
                return revoked.containsKey(Objects.requireNonNull(sessionId));
            }
        }

        @Override
        public void ping() {}
    };

    @Override
    public UserDatabase users() {
        return userDatabase;
    }

    @Override
    public OTPStore otp() {
        return otpStore;
    }

    @Override
    public RateLimitStore rateLimits() {
        return rateLimitStore;
    }

    @Override
    public SessionStore sessions() {
        return sessionStore;
    }

    @Override
    public Optional<RevocationList> revocations() {
        return Optional.of(revocationList);
    }

    /** How many sessions the store holds, live or not. */
    synchronized int sessionCount() {
        return sessions.size();
    }
}
