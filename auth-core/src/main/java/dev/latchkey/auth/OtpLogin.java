package dev.latchkey.auth;

import dev.latchkey.auth.spi.Budget;
import dev.latchkey.auth.spi.BudgetedCheck;
import dev.latchkey.auth.spi.BudgetedVerification;
import dev.latchkey.auth.spi.ChallengeIssue;
import dev.latchkey.auth.spi.Counter;
import dev.latchkey.auth.spi.OtpChallenge;
import dev.latchkey.auth.spi.OtpMessage;
import dev.latchkey.auth.spi.OtpSender;
import dev.latchkey.auth.spi.Throttle;
import dev.latchkey.auth.spi.UpsertResult;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Passwordless login by one-time code: send (with layered throttles) and verify (with failure budgets), ending in
 * {@link Sessions#start}. The policy lives here once; stores only keep hashed challenges and count.
 *
 * <p>Every code has its own challenge, named by an id only the requesting client learns. So nobody who does not
 * receive a person's codes can replace, lock or spend the code that person is about to type: guesses against codes
 * the guesser requested count per challenge, per (address, client IP bucket), and per address as a backstop.
 */
final class OtpLogin {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    /** Client key of callers whose IP the host did not pass: they share one bucket per address. */
    private static final String NO_CLIENT = "-";

    private final AuthSettings settings;
    private final Inputs inputs;
    private final KeyedHashes hashes;
    /**
     * The stores in use (the host's, or the local fallback) and the divisor of their limits, taken once per
     * operation. The counters in it are unwrapped: the OTP store's login steps receive them and may fuse them with
     * their own work when they are its sibling store; the OTP store's wrapper fails every step closed.
     */
    private final Supplier<CodeStores> codeStores;

    private final OtpSender sender;
    private final UserAccounts accounts;
    private final Sessions sessions;
    private final Predicate<String> tenantExists;
    private final Audit audit;
    private final Clock clock;
    private final SecureRandom random;

    OtpLogin(
            AuthSettings settings,
            Inputs inputs,
            KeyedHashes hashes,
            Supplier<CodeStores> codeStores,
            OtpSender sender,
            UserAccounts accounts,
            Sessions sessions,
            Predicate<String> tenantExists,
            Audit audit,
            Clock clock,
            SecureRandom random) {
        this.settings = settings;
        this.inputs = inputs;
        this.hashes = hashes;
        this.codeStores = codeStores;
        this.sender = sender;
        this.accounts = accounts;
        this.sessions = sessions;
        this.tenantExists = tenantExists;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
    }

    OtpDispatch send(String tenantId, String destination, @Nullable String clientIp) {
        String tenant = existingTenant(tenantId);
        Destination dest = inputs.destination(destination);
        String ip = Inputs.clientIp(clientIp);
        Instant now = clock.instant();
        String address = hashes.addressKey(dest);
        String client = address + "." + clientKey(ip);
        CodeStores stores = codeStores.get();

        // ASVS 5.0 V6.3.1 / NIST SP 800-63B-4 §3.2.2: throttle in layers, the caller's own budgets first, so a
        // refused request spends nothing shared: the cooldown before the hourly cap, the client's share of the
        // address before the address's backstop. Address limits ignore the tenant, so switching tenant ids resets
        // nothing. The store counts them in this order and stops at the first refusal (OTPStore#issueChallenge).
        List<Throttle> throttles = new ArrayList<>(6);
        if (ip != null) {
            throttles.add(
                    throttle("ip", "ip:" + hashes.ipKey(Inputs.ipBucket(ip)), stores.limit(settings.sendLimitPerIp())));
        }
        if (!settings.resendCooldown().isZero()) {
            throttles.add(new Throttle("cooldown", "cd:" + client, 1, settings.resendCooldown()));
        }
        throttles.add(throttle("destination", "sd:" + client, stores.limit(settings.sendLimitPerDestination())));
        throttles.add(throttle("address", "sa:" + address, stores.limit(settings.sendLimitPerAddress())));
        Optional<AuthSettings.Limit> perTenant = settings.sendLimitPerTenant();
        if (perTenant.isPresent()) {
            throttles.add(throttle("tenant", "st:" + hashes.tenantKey(tenant), stores.limit(perTenant.get())));
        }
        Optional<AuthSettings.Limit> global = settings.sendLimitGlobal();
        if (global.isPresent()) {
            throttles.add(throttle("global", "sg:", stores.limit(global.get())));
        }

        Instant expiresAt = now.plus(settings.otpTtl());
        String challengeId = newChallengeId();
        String challengeKey = challengeKey(tenant, dest, challengeId);
        String code = newCode();
        // A client whose verify budget for this address is spent could not use the code, so sending it would only
        // waste an SMS or email and confuse the owner. It is answered exactly like a delivered code, as below, so the
        // answer says no more about the address than before. The address backstop does not stop delivery: past it
        // the owner's fresh code still works at the first attempt.
        ChallengeIssue issue = stores.otp()
                .issueChallenge(
                        stores.rateLimits(),
                        throttles,
                        "vc:" + client,
                        new OtpChallenge(
                                challengeKey,
                                hashes.codeHash(challengeKey, code),
                                now,
                                expiresAt,
                                0,
                                settings.otpMaxAttempts()),
                        now);
        Optional<Throttle> refusedBy = issue.refusedBy();
        if (refusedBy.isPresent()) {
            Duration retryAfter = retryAfter(issue.counter(), now);
            audit.emit(new AuthEvent.SendThrottled(
                    now, tenant, dest, refusedBy.get().name(), retryAfter, ip));
            throw new AuthException(
                    ErrorCode.RATE_LIMITED, "too many codes requested; try again later", retryAfter, null);
        }
        boolean clientCanVerify = issue.counter().count()
                < stores.limit(settings.otpFailureLimitPerClient()).max();
        // Invite-only: an unknown destination gets a challenge too (of a code nobody receives), so the store work is
        // the same and only the host's sender, which should queue rather than block, is skipped (ASVS 5.0 V6.3.8).
        boolean deliver = clientCanVerify
                && (settings.signupMode() == SignupMode.OPEN
                        || accounts.find(tenant, dest).isPresent());
        if (deliver) {
            try {
                sender.send(new OtpMessage(tenant, dest, code, expiresAt));
            } catch (RuntimeException e) {
                throw AuthException.unavailable("the code could not be delivered", e);
            }
        }
        audit.emit(new AuthEvent.CodeSent(now, tenant, dest, deliver, ip));
        return new OtpDispatch(challengeId, dest, expiresAt, now.plus(settings.resendCooldown()));
    }

    LoginResult verify(
            String tenantId, String destination, String challengeId, String code, @Nullable String clientIp) {
        String tenant = existingTenant(tenantId);
        Destination dest = inputs.destination(destination);
        String id = Inputs.challengeId(challengeId);
        String presented = Inputs.code(code);
        String ip = Inputs.clientIp(clientIp);
        Instant now = clock.instant();
        String address = hashes.addressKey(dest);
        String clientBudget = "vc:" + address + "." + clientKey(ip);
        String addressBudget = "vf:" + address;
        String challengeKey = challengeKey(tenant, dest, id);

        // NIST SP 800-63B-4 §3.2.2: a client that keeps guessing waits; nobody else does. Past the address's backstop
        // every challenge allows one attempt only, so each further guess costs a new code (itself throttled) while
        // the owner's own code, never guessed at, still works. Only a guess actually compared against a pending code
        // counts: with no code pending there is nothing to guess, and counting those would let anyone fill the store
        // with counters for made-up addresses. On a match the failures before it were not consecutive with what
        // follows, so the budgets are reset, those seen non-empty only (the usual login resets nothing).
        CodeStores stores = codeStores.get();
        Budget clientLimit = budget(clientBudget, stores.limit(settings.otpFailureLimitPerClient()));
        Budget addressLimit = budget(addressBudget, stores.limit(settings.otpFailureLimit()));
        BudgetedCheck check = stores.otp()
                .verifyWithBudgets(
                        stores.rateLimits(),
                        new BudgetedVerification(
                                challengeKey, hashes.codeHash(challengeKey, presented), clientLimit, addressLimit),
                        now);
        switch (check.verdict()) {
            case CLIENT_BUDGET_SPENT:
                throw tooManyAttempts(tenant, dest, check.clientFailures(), now);
            case MATCHED:
                break;
            case MISMATCHED:
                lockedOutWhenSpent(tenant, dest, check.clientFailures(), clientLimit, now);
                lockedOutWhenSpent(tenant, dest, check.addressFailures(), addressLimit, now);
                audit.emit(new AuthEvent.CodeFailed(now, tenant, dest));
                throw invalidCode();
            default:
                audit.emit(new AuthEvent.CodeFailed(now, tenant, dest));
                throw invalidCode();
        }
        audit.emit(new AuthEvent.CodeVerified(now, tenant, dest));

        UpsertResult login = accounts.recordCodeLogin(tenant, dest, now).orElseThrow(OtpLogin::invalidCode);
        return sessions.start(login.user(), now, login.created());
    }

    private String existingTenant(String tenantId) {
        String tenant = Inputs.tenant(tenantId);
        if (!tenantExists.test(tenant)) {
            throw AuthException.invalidRequest("unknown tenant");
        }
        return tenant;
    }

    /** Challenges are bound to tenant and destination through the key the code hash is bound to. */
    private String challengeKey(String tenant, Destination dest, String challengeId) {
        return "ch:" + hashes.destinationKey(tenant, dest) + "." + challengeId;
    }

    private String clientKey(@Nullable String ip) {
        return ip == null ? NO_CLIENT : hashes.ipKey(Inputs.ipBucket(ip));
    }

    private static Throttle throttle(String name, String key, AuthSettings.Limit limit) {
        return new Throttle(name, key, limit.max(), limit.window());
    }

    private static Budget budget(String key, AuthSettings.Limit limit) {
        return new Budget(key, limit.max(), limit.window());
    }

    /** The failure that spent a budget is reported once, as a lock-out until the window ends. */
    private void lockedOutWhenSpent(String tenant, Destination dest, Counter after, Budget budget, Instant now) {
        if (after.count() == budget.max()) {
            audit.emit(new AuthEvent.LockedOut(now, tenant, dest, retryAfter(after, now)));
        }
    }

    private AuthException tooManyAttempts(String tenant, Destination dest, Counter failures, Instant now) {
        Duration retryAfter = retryAfter(failures, now);
        audit.emit(new AuthEvent.LockedOut(now, tenant, dest, retryAfter));
        return new AuthException(
                ErrorCode.TOO_MANY_ATTEMPTS, "too many failed attempts; try again later", retryAfter, null);
    }

    private static AuthException invalidCode() {
        return new AuthException(ErrorCode.INVALID_CODE, "the code is wrong or has expired");
    }

    /** Whole seconds until the counter's window ends, at least one (RFC 9110 {@code Retry-After}). */
    private static Duration retryAfter(Counter counter, Instant now) {
        Duration wait = Duration.between(now, counter.resetAt());
        Duration rounded = Duration.ofSeconds(wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0));
        return rounded.isNegative() || rounded.isZero() ? Duration.ofSeconds(1) : rounded;
    }

    private String newChallengeId() {
        byte[] id = new byte[16];
        random.nextBytes(id);
        return B64.encodeToString(id);
    }

    /**
     * A uniformly random code of {@code otpLength} decimal digits (6 to 10), from one draw of the DRBG rather than one
     * per digit: 63 random bits, rejected when they fall in the incomplete last block of {@code 10^length}, so every
     * code is exactly as likely (NIST SP 800-63B-4 §3.1.3: at least 20 bits of entropy, from an approved RBG).
     */
    private String newCode() {
        return code(random, settings.otpLength());
    }

    static String code(SecureRandom random, int length) {
        long bound = 1;
        for (int i = 0; i < length; i++) {
            bound *= 10;
        }
        long limit = Long.MAX_VALUE - Long.MAX_VALUE % bound;
        byte[] bytes = new byte[Long.BYTES];
        long value;
        do {
            random.nextBytes(bytes);
            value = 0;
            for (byte b : bytes) {
                value = (value << 8) | (b & 0xff);
            }
            value &= Long.MAX_VALUE;
        } while (value >= limit);
        value %= bound;
        char[] digits = new char[length];
        for (int i = length - 1; i >= 0; i--) {
            digits[i] = (char) ('0' + value % 10);
            value /= 10;
        }
        return new String(digits);
    }
}
