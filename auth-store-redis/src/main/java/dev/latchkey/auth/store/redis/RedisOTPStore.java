package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.spi.BudgetedCheck;
import dev.latchkey.auth.spi.BudgetedVerification;
import dev.latchkey.auth.spi.ChallengeIssue;
import dev.latchkey.auth.spi.CodeCheck;
import dev.latchkey.auth.spi.Counter;
import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.OtpChallenge;
import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.spi.Throttle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@link OTPStore} over Redis, standalone or Cluster.
 *
 * <p>Keys, below the prefix ({@code latchkey:} by default): {@code otp:<key>}, a hash {@code hash, created, expires,
 * attempts, max}, one per pending challenge, with a TTL running until its expiry. (The throttle counters are a
 * {@link RedisRateLimitStore}.)
 *
 * <p>The login steps {@link #issueChallenge} and {@link #verifyWithBudgets} are one Lua script each over the
 * challenge and the counters of a sibling {@link RedisRateLimitStore} (one round trip each; on a Cluster when the keys
 * share a slot, else step by step).
 *
 * <p>Every other operation touches one key, and each one that reads before it writes is a single Lua script, so {@link
 * #verify} compares, counts and consumes in one atomic step on the server (the double-spend of a code that a
 * read-then-delete allows cannot happen; ASVS 5.0 V6.5 asks for single use). Only the keyed hash of a code is ever
 * sent to Redis.
 *
 * <p>Thread-safe. Close it only if it was made by {@link #fromUrl}; a store built on the host's client never closes
 * that client. {@link RedisStores} builds this store together with the others, on one client and one key prefix.
 */
public final class RedisOTPStore implements OTPStore, AutoCloseable {
    private static final LuaScript SAVE = new LuaScript("""
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], 'hash', ARGV[1], 'created', ARGV[2], 'expires', ARGV[3],
              'attempts', ARGV[4], 'max', ARGV[5])
            redis.call('PEXPIRE', KEYS[1], ARGV[6])
            return 1
            """);

    /** Returns 0 MATCHED, 1 MISMATCHED, 2 LOCKED, 3 ABSENT; the order of checks is the one the SPI prescribes. */
    private static final LuaScript VERIFY = new LuaScript("""
            local c = redis.call('HMGET', KEYS[1], 'hash', 'expires', 'attempts', 'max')
            if not c[1] or not before(ARGV[2], c[2]) then return 3 end
            if tonumber(c[3]) >= tonumber(c[4]) then return 2 end
            if same(c[1], ARGV[1]) then
              redis.call('DEL', KEYS[1])
              return 0
            end
            redis.call('HINCRBY', KEYS[1], 'attempts', 1)
            return 1
            """);

    /**
     * {@link OTPStore#issueChallenge} in one atomic step. KEYS: the n throttle counters in order, the delivery budget,
     * the challenge. ARGV: now, n, then max, reset and TTL of each throttle, then the challenge's hash, created,
     * expires, attempts, max and TTL. Returns {i, count, reset} for the i-th throttle refusing (nothing after it
     * counted, nothing saved), or {0, count, reset} of the delivery budget once the challenge is saved.
     */
    private static final LuaScript ISSUE = new LuaScript(RedisRateLimitStore.LUA_COUNTERS + """
            local now, n = ARGV[1], tonumber(ARGV[2])
            for i = 1, n do
              local a = 2 + (i - 1) * 3
              local count, reset = hit(KEYS[i], now, ARGV[a + 2], ARGV[a + 3])
              if count > tonumber(ARGV[a + 1]) then return {i, count, reset} end
            end
            local budget, budgetReset = peek(KEYS[n + 1], now)
            local c, a = KEYS[n + 2], 2 + n * 3
            redis.call('DEL', c)
            redis.call('HSET', c, 'hash', ARGV[a + 1], 'created', ARGV[a + 2], 'expires', ARGV[a + 3],
              'attempts', ARGV[a + 4], 'max', ARGV[a + 5])
            redis.call('PEXPIRE', c, ARGV[a + 6])
            return {0, budget, budgetReset}
            """);

    /**
     * {@link OTPStore#verifyWithBudgets} in one atomic step. KEYS: client budget, address budget, challenge. ARGV:
     * now, code hash, then max, reset and TTL of the client budget and of the address budget. Returns {verdict,
     * client count, client reset, address count, address reset}; verdicts 0 MATCHED, 1 MISMATCHED, 2 LOCKED, 3
     * ABSENT, 4 CLIENT_BUDGET_SPENT, 5 BACKSTOP_REFUSED. The checks run in the order of the default.
     */
    private static final LuaScript VERIFY_BUDGETED = new LuaScript(RedisRateLimitStore.LUA_COUNTERS + """
            local now = ARGV[1]
            local cc, cr = peek(KEYS[1], now)
            if cc >= tonumber(ARGV[3]) then return {4, cc, cr, 0, ''} end
            local ac, ar = peek(KEYS[2], now)
            local c = redis.call('HMGET', KEYS[3], 'hash', 'expires', 'attempts', 'max')
            local live = c[1] and before(now, c[2])
            if ac >= tonumber(ARGV[6]) and live and tonumber(c[3]) > 0 then return {5, cc, cr, ac, ar} end
            if not live then return {3, cc, cr, ac, ar} end
            if tonumber(c[3]) >= tonumber(c[4]) then return {2, cc, cr, ac, ar} end
            if same(c[1], ARGV[2]) then
              redis.call('DEL', KEYS[3])
              if ac > 0 then redis.call('DEL', KEYS[2]) end
              if cc > 0 then redis.call('DEL', KEYS[1]) end
              return {0, cc, cr, ac, ar}
            end
            redis.call('HINCRBY', KEYS[3], 'attempts', 1)
            cc, cr = hit(KEYS[1], now, ARGV[4], ARGV[5])
            ac, ar = hit(KEYS[2], now, ARGV[7], ARGV[8])
            return {1, cc, cr, ac, ar}
            """);

    private static final BudgetedCheck.Verdict[] VERDICTS = {
        BudgetedCheck.Verdict.MATCHED,
        BudgetedCheck.Verdict.MISMATCHED,
        BudgetedCheck.Verdict.LOCKED,
        BudgetedCheck.Verdict.ABSENT,
        BudgetedCheck.Verdict.CLIENT_BUDGET_SPENT,
        BudgetedCheck.Verdict.BACKSTOP_REFUSED
    };

    private final RedisAccess redis;

    /**
     * A store on the host's client; the client stays the host's to close.
     *
     * @param keyPrefix prefix of every key, such as {@code latchkey:}; the same for every store of one application
     * @throws dev.latchkey.auth.ConfigurationException naming {@code REDIS_KEY_PREFIX} if the prefix is unsupported
     */
    public RedisOTPStore(UnifiedJedis client, String keyPrefix) {
        this(new RedisAccess(client, false, keyPrefix, "Redis OTP store"));
    }

    private RedisOTPStore(RedisAccess redis) {
        this.redis = redis;
    }

    /**
     * A store with its own client for {@code REDIS_URL}; {@link #close()} closes that client.
     *
     * @throws dev.latchkey.auth.ConfigurationException naming the setting if the URL, a timeout or the prefix is
     *     unsupported
     */
    public static RedisOTPStore fromUrl(
            String redisUrl, Duration connectTimeout, Duration socketTimeout, String keyPrefix) {
        RedisAccess.checkKeyPrefix(keyPrefix);
        UnifiedJedis client = RedisClients.fromUrl(redisUrl, connectTimeout, socketTimeout);
        return new RedisOTPStore(new RedisAccess(client, true, keyPrefix, "Redis OTP store"));
    }

    @Override
    public void saveChallenge(OtpChallenge challenge) {
        Objects.requireNonNull(challenge, "challenge");
        List<String> args = new ArrayList<>(6);
        addChallenge(args, challenge);
        redis.run(SAVE, challengeKey(challenge.key()), args);
    }

    /**
     * One script for every throttle, the delivery budget and the new challenge when {@code counters} is this store's
     * sibling (same client and prefix) and, on a Cluster, all the keys share one slot; otherwise the default, step by
     * step. The script is one atomic step, so it gives the default's outcome for every input.
     */
    @Override
    public ChallengeIssue issueChallenge(
            RateLimitStore counters,
            List<Throttle> throttlesInOrder,
            String deliveryBudgetKey,
            OtpChallenge challenge,
            Instant now) {
        if (!(counters instanceof RedisRateLimitStore sibling)
                || !sibling.access().sameKeySpaceAs(redis)) {
            return OTPStore.super.issueChallenge(counters, throttlesInOrder, deliveryBudgetKey, challenge, now);
        }
        int n = throttlesInOrder.size();
        List<String> keys = new ArrayList<>(n + 2);
        for (Throttle throttle : throttlesInOrder) {
            keys.add(sibling.counterKey(throttle.key()));
        }
        keys.add(sibling.counterKey(deliveryBudgetKey));
        keys.add(challengeKey(challenge.key()));
        if (!redis.oneNode(keys)) {
            return OTPStore.super.issueChallenge(counters, throttlesInOrder, deliveryBudgetKey, challenge, now);
        }
        List<String> args = new ArrayList<>(2 + 3 * n + 6);
        args.add(RedisTime.encode(now));
        args.add(Integer.toString(n));
        for (Throttle throttle : throttlesInOrder) {
            addWindow(args, throttle.max(), throttle.window(), now);
        }
        addChallenge(args, challenge);
        List<?> reply = (List<?>) redis.run(ISSUE, keys, args);
        int refusing = ((Long) reply.get(0)).intValue();
        Counter counter = counter(reply, 1, now);
        return refusing == 0
                ? ChallengeIssue.issued(counter)
                : ChallengeIssue.refused(throttlesInOrder.get(refusing - 1), counter);
    }

    /**
     * One script for both budgets and the verification when {@code counters} is this store's sibling and, on a
     * Cluster, the three keys share one slot; otherwise the default. In one atomic step the budget checks cannot race
     * with the guesses they limit, which makes it stronger than the default under concurrency and equal to it
     * otherwise.
     */
    @Override
    public BudgetedCheck verifyWithBudgets(RateLimitStore counters, BudgetedVerification plan, Instant now) {
        if (!(counters instanceof RedisRateLimitStore sibling)
                || !sibling.access().sameKeySpaceAs(redis)) {
            return OTPStore.super.verifyWithBudgets(counters, plan, now);
        }
        List<String> keys = List.of(
                sibling.counterKey(plan.client().key()),
                sibling.counterKey(plan.address().key()),
                challengeKey(plan.challengeKey()));
        if (!redis.oneNode(keys)) {
            return OTPStore.super.verifyWithBudgets(counters, plan, now);
        }
        List<String> args = new ArrayList<>(8);
        args.add(RedisTime.encode(now));
        args.add(Objects.requireNonNull(plan.codeHash(), "codeHash"));
        addWindow(args, plan.client().max(), plan.client().window(), now);
        addWindow(args, plan.address().max(), plan.address().window(), now);
        List<?> reply = (List<?>) redis.run(VERIFY_BUDGETED, keys, args);
        int verdict = ((Long) reply.get(0)).intValue();
        if (verdict < 0 || verdict >= VERDICTS.length) {
            throw new IllegalStateException("unexpected verification outcome " + verdict);
        }
        return new BudgetedCheck(VERDICTS[verdict], counter(reply, 1, now), counter(reply, 3, now));
    }

    /** Max, reset and TTL of a window that a hit at {@code now} would open. */
    private static void addWindow(List<String> args, long max, Duration window, Instant now) {
        Instant resetAt = now.plus(window);
        args.add(Long.toString(max));
        args.add(RedisTime.encode(resetAt));
        args.add(Long.toString(RedisTime.ttlMillis(now, resetAt)));
    }

    private static void addChallenge(List<String> args, OtpChallenge challenge) {
        args.add(challenge.codeHash());
        args.add(RedisTime.encode(challenge.createdAt()));
        args.add(RedisTime.encode(challenge.expiresAt()));
        args.add(Integer.toString(challenge.attempts()));
        args.add(Integer.toString(challenge.maxAttempts()));
        // The challenge carries no "now"; it was issued at createdAt, so its life is measured from there.
        args.add(Long.toString(RedisTime.ttlMillis(challenge.createdAt(), challenge.expiresAt())));
    }

    /** A counter from a script's reply: count at {@code index}, reset after it ({@code ''}: no live window). */
    private static Counter counter(List<?> reply, int index, Instant now) {
        long count = (Long) reply.get(index);
        Object reset = reply.get(index + 1);
        return count == 0 ? new Counter(0, now) : new Counter(count, RedisTime.decode(asString(reset)));
    }

    private static String asString(Object reply) {
        return reply instanceof byte[] bytes ? new String(bytes, StandardCharsets.US_ASCII) : (String) reply;
    }

    @Override
    public Optional<OtpChallenge> findChallenge(String key, Instant now) {
        Objects.requireNonNull(now, "now");
        Map<String, String> fields = redis.call(client -> client.hgetAll(challengeKey(key)));
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        OtpChallenge challenge = new OtpChallenge(
                key,
                RedisFields.required(fields, "hash"),
                RedisTime.decode(fields.get("created")),
                RedisTime.decode(fields.get("expires")),
                Integer.parseInt(fields.get("attempts")),
                Integer.parseInt(fields.get("max")));
        return challenge.isLiveAt(now) ? Optional.of(challenge) : Optional.empty();
    }

    @Override
    public CodeCheck verify(String key, String codeHash, Instant now) {
        Objects.requireNonNull(codeHash, "codeHash");
        Object outcome = redis.run(VERIFY, challengeKey(key), List.of(codeHash, RedisTime.encode(now)));
        int code = ((Long) outcome).intValue();
        switch (code) {
            case 0:
                return CodeCheck.MATCHED;
            case 1:
                return CodeCheck.MISMATCHED;
            case 2:
                return CodeCheck.LOCKED;
            case 3:
                return CodeCheck.ABSENT;
            default:
                throw new IllegalStateException("unexpected verification outcome " + code);
        }
    }

    @Override
    public void deleteChallenge(String key) {
        String redisKey = challengeKey(key);
        redis.call(client -> client.del(redisKey));
    }

    /** {@code PING}; throws {@code UNAVAILABLE} when Redis does not answer within the client's timeout. */
    @Override
    public void ping() {
        redis.ping();
    }

    /** Closes the client if this store created it ({@link #fromUrl}); otherwise does nothing. */
    @Override
    public void close() {
        redis.close();
    }

    private String challengeKey(String key) {
        return redis.key("otp:" + Objects.requireNonNull(key, "key"));
    }
}
