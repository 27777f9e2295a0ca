package dev.latchkey.auth;

import dev.latchkey.auth.spi.CodeCheck;
import dev.latchkey.auth.spi.Counter;
import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.OtpChallenge;
import dev.latchkey.auth.spi.OtpMessage;
import dev.latchkey.auth.spi.OtpSender;
import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.spi.UpsertResult;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Passwordless login by one-time code: send (with layered throttles) and verify (with a failure budget), ending in
 * {@link Sessions#start}. The policy lives here once; stores only keep hashed challenges and count.
 */
final class OtpLogin {
    private final AuthSettings settings;
    private final Inputs inputs;
    private final KeyedHashes hashes;
    private final OTPStore otp;
    private final RateLimitStore rateLimits;
    private final OtpSender sender;
    private final UserAccounts accounts;
    private final Sessions sessions;
    private final Audit audit;
    private final Clock clock;
    private final SecureRandom random;

    OtpLogin(
            AuthSettings settings,
            Inputs inputs,
            KeyedHashes hashes,
            OTPStore otp,
            RateLimitStore rateLimits,
            OtpSender sender,
            UserAccounts accounts,
            Sessions sessions,
            Audit audit,
            Clock clock,
            SecureRandom random) {
        this.settings = settings;
        this.inputs = inputs;
        this.hashes = hashes;
        this.otp = otp;
        this.rateLimits = rateLimits;
        this.sender = sender;
        this.accounts = accounts;
        this.sessions = sessions;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
    }

    OtpDispatch send(String tenantId, String destination, String clientIp) {
        String tenant = Inputs.tenant(tenantId);
        Destination dest = inputs.destination(destination);
        String ip = Inputs.clientIp(clientIp);
        Instant now = clock.instant();
        String destKey = hashes.destinationKey(tenant, dest);

        // ASVS 5.0 V6.3.1 / NIST SP 800-63B-4 §3.2.2: throttle in layers. The caller's own budget is checked first
        // and the cooldown before the hourly cap, so a refused request never spends a victim's cap.
        if (ip != null) {
            throttle(tenant, dest, ip, "ip", "ip:" + hashes.ipKey(Inputs.ipBucket(ip)), settings.sendLimitPerIp(), now);
        }
        if (!settings.resendCooldown().isZero()) {
            throttle(
                    tenant,
                    dest,
                    ip,
                    "cooldown",
                    "cd:" + destKey,
                    new AuthSettings.Limit(1, settings.resendCooldown()),
                    now);
        }
        throttle(tenant, dest, ip, "destination", "sd:" + destKey, settings.sendLimitPerDestination(), now);
        if (settings.sendLimitPerTenant().isPresent()) {
            throttle(
                    tenant,
                    dest,
                    ip,
                    "tenant",
                    "st:" + hashes.tenantKey(tenant),
                    settings.sendLimitPerTenant().get(),
                    now);
        }

        // Invite-only: an unknown destination gets a challenge too (of a code nobody receives), so the store work is
        // the same and only the host's sender, which should queue rather than block, is skipped (ASVS 5.0 V6.3.8).
        boolean deliver = settings.signupMode() == SignupMode.OPEN
                || accounts.find(tenant, dest).isPresent();
        Instant expiresAt = now.plus(settings.otpTtl());
        String code = newCode();
        otp.saveChallenge(new OtpChallenge(
                "ch:" + destKey, hashes.codeHash(destKey, code), now, expiresAt, 0, settings.otpMaxAttempts()));
        if (deliver) {
            try {
                sender.send(new OtpMessage(tenant, dest, code, expiresAt));
            } catch (RuntimeException e) {
                throw AuthException.unavailable("the code could not be delivered", e);
            }
        }
        audit.emit(new AuthEvent.CodeSent(now, tenant, dest, deliver, ip));
        return new OtpDispatch(dest, expiresAt, now.plus(settings.resendCooldown()));
    }

    LoginResult verify(String tenantId, String destination, String code) {
        String tenant = Inputs.tenant(tenantId);
        Destination dest = inputs.destination(destination);
        String presented = Inputs.code(code);
        Instant now = clock.instant();
        String destKey = hashes.destinationKey(tenant, dest);
        String budgetKey = "vf:" + destKey;
        AuthSettings.Limit budget = settings.otpFailureLimit();

        // NIST SP 800-63B-4 §3.2.2: a failure budget per destination that new codes do not reset.
        Counter failures = rateLimits.peek(budgetKey, now);
        if (failures.count() >= budget.max()) {
            Duration retryAfter = retryAfter(failures, now);
            audit.emit(new AuthEvent.LockedOut(now, tenant, dest, retryAfter));
            throw new AuthException(
                    ErrorCode.TOO_MANY_ATTEMPTS, "too many failed attempts; try again later", retryAfter, null);
        }
        CodeCheck check = otp.verify("ch:" + destKey, hashes.codeHash(destKey, presented), now);
        if (check != CodeCheck.MATCHED) {
            // Only a guess actually compared against a pending code spends the budget: with no code pending there is
            // nothing to guess, and counting those would let anyone lock out any address, or fill the store with
            // counters for made-up ones.
            if (check == CodeCheck.MISMATCHED) {
                Counter after = rateLimits.increment(budgetKey, budget.window(), now);
                if (after.count() == budget.max()) {
                    audit.emit(new AuthEvent.LockedOut(now, tenant, dest, retryAfter(after, now)));
                }
            }
            audit.emit(new AuthEvent.CodeFailed(now, tenant, dest));
            throw new AuthException(ErrorCode.INVALID_CODE, "the code is wrong or has expired");
        }
        audit.emit(new AuthEvent.CodeVerified(now, tenant, dest));

        User user = accounts.find(tenant, dest).orElse(null);
        boolean created = false;
        if (user == null) {
            if (settings.signupMode() == SignupMode.INVITE_ONLY) {
                throw new AuthException(ErrorCode.INVALID_CODE, "the code is wrong or has expired");
            }
            UpsertResult result = accounts.create(tenant, dest, now);
            user = result.user();
            created = result.created();
        }
        return sessions.start(accounts.recordOtpLogin(user, dest, now), now, created);
    }

    private void throttle(
            String tenant,
            Destination dest,
            String ip,
            String name,
            String key,
            AuthSettings.Limit limit,
            Instant now) {
        Counter counter = rateLimits.increment(key, limit.window(), now);
        if (counter.count() > limit.max()) {
            Duration retryAfter = retryAfter(counter, now);
            audit.emit(new AuthEvent.SendThrottled(now, tenant, dest, name, retryAfter, ip));
            throw new AuthException(
                    ErrorCode.RATE_LIMITED, "too many codes requested; try again later", retryAfter, null);
        }
    }

    /** Whole seconds until the counter's window ends, at least one (RFC 9110 {@code Retry-After}). */
    private static Duration retryAfter(Counter counter, Instant now) {
        Duration wait = Duration.between(now, counter.resetAt());
        Duration rounded = Duration.ofSeconds(wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0));
        return rounded.isNegative() || rounded.isZero() ? Duration.ofSeconds(1) : rounded;
    }

    private String newCode() {
        char[] digits = new char[settings.otpLength()];
        for (int i = 0; i < digits.length; i++) {
            digits[i] = (char) ('0' + random.nextInt(10));
        }
        return new String(digits);
    }
}
