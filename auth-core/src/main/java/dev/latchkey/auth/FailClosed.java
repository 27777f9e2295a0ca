package dev.latchkey.auth;

import dev.latchkey.auth.spi.BudgetedCheck;
import dev.latchkey.auth.spi.BudgetedVerification;
import dev.latchkey.auth.spi.ChallengeIssue;
import dev.latchkey.auth.spi.CodeCheck;
import dev.latchkey.auth.spi.CodeLogin;
import dev.latchkey.auth.spi.ExternalIdentity;
import dev.latchkey.auth.spi.ExternalIdentityStore;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.OtpChallenge;
import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.spi.RevocationList;
import dev.latchkey.auth.spi.SessionRecord;
import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.spi.SessionWithUser;
import dev.latchkey.auth.spi.Throttle;
import dev.latchkey.auth.spi.TokenIssuer;
import dev.latchkey.auth.spi.UpsertResult;
import dev.latchkey.auth.spi.UserDatabase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The one place where a failing store becomes {@link ErrorCode#UNAVAILABLE}: the facade wraps each store (and the
 * token issuer) once at build time, so no operation can turn a store error into a success and none needs its own
 * try/catch. An {@link AuthException} a store throws on purpose (such as {@code CONFLICT}) passes through unchanged.
 */
final class FailClosed {
    private FailClosed() {}

    static <T> T call(String component, Supplier<T> operation) {
        try {
            return operation.get();
        } catch (AuthException e) {
            throw e;
        } catch (RuntimeException e) {
            throw AuthException.unavailable(component + " unavailable", e);
        }
    }

    static void run(String component, Runnable operation) {
        call(component, () -> {
            operation.run();
            return null;
        });
    }

    static UserDatabase users(UserDatabase d) {
        String c = "user store";
        return new UserDatabase() {
            @Override
            public UpsertResult upsert(NewUser user, Instant now) {
                return call(c, () -> d.upsert(user, now));
            }

            @Override
            public Optional<User> findById(String tenantId, UUID id) {
                return call(c, () -> d.findById(tenantId, id));
            }

            @Override
            public Optional<User> findByEmail(String tenantId, String email) {
                return call(c, () -> d.findByEmail(tenantId, email));
            }

            @Override
            public Optional<User> findByMobile(String tenantId, String mobile) {
                return call(c, () -> d.findByMobile(tenantId, mobile));
            }

            @Override
            public Optional<User> update(User user, Instant now) {
                return call(c, () -> d.update(user, now));
            }

            @Override
            public boolean disable(String tenantId, UUID id, Instant now) {
                return call(c, () -> d.disable(tenantId, id, now));
            }

            @Override
            public void recordLogin(String tenantId, UUID id, Instant at) {
                run(c, () -> d.recordLogin(tenantId, id, at));
            }

            @Override
            public void markEmailVerified(String tenantId, UUID id, String email, Instant at) {
                run(c, () -> d.markEmailVerified(tenantId, id, email, at));
            }

            @Override
            public Optional<UpsertResult> recordCodeLogin(CodeLogin login) {
                return call(c, () -> d.recordCodeLogin(login));
            }

            @Override
            public void ping() {
                d.ping();
            }
        };
    }

    static ExternalIdentityStore externalIdentities(ExternalIdentityStore d) {
        String c = "external identity store";
        return new ExternalIdentityStore() {
            @Override
            public Optional<ExternalIdentity> find(String tenantId, String issuer, String subject) {
                return call(c, () -> d.find(tenantId, issuer, subject));
            }

            @Override
            public ExternalIdentity linkIfAbsent(ExternalIdentity link) {
                return call(c, () -> d.linkIfAbsent(link));
            }

            @Override
            public void recordSignIn(
                    String tenantId,
                    String issuer,
                    String subject,
                    @Nullable String email,
                    boolean emailVerified,
                    Instant at) {
                run(c, () -> d.recordSignIn(tenantId, issuer, subject, email, emailVerified, at));
            }

            @Override
            public boolean unlink(String tenantId, UUID userId, String issuer, String subject) {
                return call(c, () -> d.unlink(tenantId, userId, issuer, subject));
            }

            @Override
            public List<ExternalIdentity> listForUser(String tenantId, UUID userId) {
                return call(c, () -> d.listForUser(tenantId, userId));
            }

            @Override
            public void ping() {
                d.ping();
            }
        };
    }

    static OTPStore otp(OTPStore d) {
        String c = "otp store";
        return new OTPStore() {
            @Override
            public void saveChallenge(OtpChallenge challenge) {
                run(c, () -> d.saveChallenge(challenge));
            }

            @Override
            public Optional<OtpChallenge> findChallenge(String key, Instant now) {
                return call(c, () -> d.findChallenge(key, now));
            }

            @Override
            public CodeCheck verify(String key, String codeHash, Instant now) {
                return call(c, () -> d.verify(key, codeHash, now));
            }

            // The counters arrive unwrapped, so the store can recognise its own sibling and fuse the steps; a counter
            // failure inside fails this call closed all the same.
            @Override
            public ChallengeIssue issueChallenge(
                    RateLimitStore counters,
                    List<Throttle> throttlesInOrder,
                    String deliveryBudgetKey,
                    OtpChallenge challenge,
                    Instant now) {
                return call(c, () -> d.issueChallenge(counters, throttlesInOrder, deliveryBudgetKey, challenge, now));
            }

            @Override
            public BudgetedCheck verifyWithBudgets(RateLimitStore counters, BudgetedVerification plan, Instant now) {
                return call(c, () -> d.verifyWithBudgets(counters, plan, now));
            }

            @Override
            public void deleteChallenge(String key) {
                run(c, () -> d.deleteChallenge(key));
            }

            @Override
            public void ping() {
                d.ping();
            }
        };
    }

    static SessionStore sessions(SessionStore d) {
        String c = "session store";
        return new SessionStore() {
            @Override
            public void create(SessionRecord session) {
                run(c, () -> d.create(session));
            }

            @Override
            public Optional<SessionRecord> find(String sessionId) {
                return call(c, () -> d.find(sessionId));
            }

            @Override
            public Optional<SessionWithUser> findWithUser(String sessionId, UserDatabase users) {
                return call(c, () -> d.findWithUser(sessionId, users));
            }

            @Override
            public boolean rotate(
                    String sessionId, String expectedHash, String newHash, Instant now, Instant newIdleExpiresAt) {
                return call(c, () -> d.rotate(sessionId, expectedHash, newHash, now, newIdleExpiresAt));
            }

            @Override
            public boolean revoke(String sessionId) {
                return call(c, () -> d.revoke(sessionId));
            }

            @Override
            public int revokeAllForUser(String tenantId, UUID userId, @Nullable String exceptSessionId) {
                return call(c, () -> d.revokeAllForUser(tenantId, userId, exceptSessionId));
            }

            @Override
            public List<SessionRecord> listForUser(String tenantId, UUID userId, Instant now) {
                return call(c, () -> d.listForUser(tenantId, userId, now));
            }

            @Override
            public void ping() {
                d.ping();
            }
        };
    }

    static RevocationList revocations(RevocationList d) {
        String c = "revocation list";
        return new RevocationList() {
            @Override
            public void revoke(String sessionId, Instant expiresAt, Instant now) {
                run(c, () -> d.revoke(sessionId, expiresAt, now));
            }

            @Override
            public boolean isRevoked(String sessionId) {
                return call(c, () -> d.isRevoked(sessionId));
            }

            @Override
            public void ping() {
                d.ping();
            }
        };
    }

    /** A failing signer is {@code UNAVAILABLE}; an issuer's own {@code INVALID_TOKEN} passes through. */
    static TokenIssuer tokens(TokenIssuer d) {
        String c = "token issuer";
        return new TokenIssuer() {
            @Override
            public AccessToken issue(User user, String sessionId, Instant now) {
                return call(c, () -> d.issue(user, sessionId, now));
            }

            // The route guard's hot path: no capturing lambda per verification.
            @Override
            public AuthPrincipal verify(String accessToken, Instant now) {
                try {
                    return d.verify(accessToken, now);
                } catch (AuthException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw AuthException.unavailable(c + " unavailable", e);
                }
            }

            @Override
            public Map<String, Object> jwkSet() {
                return call(c, d::jwkSet);
            }
        };
    }
}
