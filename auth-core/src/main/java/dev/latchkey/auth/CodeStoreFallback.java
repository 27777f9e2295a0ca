package dev.latchkey.auth;

import dev.latchkey.auth.internal.memory.LocalOtpStore;
import dev.latchkey.auth.internal.memory.LocalRateLimitStore;
import dev.latchkey.auth.spi.BudgetedCheck;
import dev.latchkey.auth.spi.BudgetedVerification;
import dev.latchkey.auth.spi.ChallengeIssue;
import dev.latchkey.auth.spi.CodeCheck;
import dev.latchkey.auth.spi.Counter;
import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.OtpChallenge;
import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.spi.StoreUnavailableException;
import dev.latchkey.auth.spi.Throttle;
import java.lang.ref.WeakReference;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The opt-in fallback ({@link StoreFallback#MEMORY}) of the stores of one-time codes and rate-limit counters: which
 * pair of stores ({@link CodeStores}) code operations use, switched by probes with hysteresis.
 *
 * <ul>
 *   <li>On the primary stores, a failed call (the call itself still fails closed, {@code UNAVAILABLE}) counts as the
 *       first failed probe: the store is suspect. {@code FALLBACK_ENGAGE_AFTER} consecutive failed probes switch to
 *       the local stores; one good probe clears the count.
 *   <li>On the local stores, {@code FALLBACK_RECOVER_AFTER} consecutive good probes switch back; one failed probe
 *       clears the count. So a flapping store does not flip the facade on every probe.
 *   <li>The local stores are bounded ({@code FALLBACK_MAX_ENTRIES} each) and refuse new entries when full, never
 *       evicting one: an evicted counter would reset a limit (ASVS 5.0 V6.3, NIST SP 800-63B-4 §3.2.2).
 *   <li>In fallback every limit is divided by {@code FALLBACK_INSTANCES} ({@link CodeStores#limit}), since each
 *       instance then counts alone.
 *   <li>Back on the primary stores, a code issued in fallback stays verifiable on this instance until it expires:
 *       challenge keys are random per code, so a key the local store holds is answered there (a memory read) and
 *       every other key by the primary store.
 * </ul>
 *
 * Each switch emits one {@link AuthEvent.FallbackEngaged} or {@link AuthEvent.FallbackEnded} and logs one line (WARN
 * on engaging), however many requests arrive meanwhile.
 */
final class CodeStoreFallback {
    /** The health report's names of the components that switch together. */
    static final List<String> COMPONENTS = List.of("otp", "rateLimits");

    private static final Logger DEFAULT_LOG = LoggerFactory.getLogger("dev.latchkey.auth.fallback");

    private final OTPStore primaryOtp;
    private final RateLimitStore primaryLimits;
    private final LocalOtpStore localOtp;
    private final LocalRateLimitStore localLimits;
    private final CodeStores onPrimary;
    private final CodeStores onLocal;
    private final int engageAfter;
    private final int recoverAfter;
    private final Audit audit;
    private final Clock clock;
    private final Logger log;

    /** The primary counters as the code operations see them: every failure reaches the switch. */
    private final PrimaryLimits primaryLimitsView = new PrimaryLimits();

    private volatile boolean stopped;

    /** The pair in use; written only under the lock, read without it. */
    private volatile CodeStores active;

    // Guarded by this.
    private boolean engaged;
    private int failedProbes;
    private int goodProbes;
    private String reason = "";

    /**
     * @param primaryOtp the host's store, unwrapped, so that its failures reach the switch before {@link FailClosed}
     * @param primaryLimits likewise
     */
    CodeStoreFallback(
            OTPStore primaryOtp,
            RateLimitStore primaryLimits,
            AuthSettings settings,
            Audit audit,
            Clock clock,
            Logger log) {
        this.primaryOtp = primaryOtp;
        this.primaryLimits = primaryLimits;
        this.localOtp = new LocalOtpStore("local fallback OTP store", settings.fallbackMaxEntries());
        this.localLimits = new LocalRateLimitStore("local fallback rate-limit store", settings.fallbackMaxEntries());
        this.engageAfter = settings.fallbackEngageAfter();
        this.recoverAfter = settings.fallbackRecoverAfter();
        this.audit = audit;
        this.clock = clock;
        this.log = log;
        this.onPrimary = new CodeStores(FailClosed.otp(new PrimaryOtp()), primaryLimitsView, 1);
        this.onLocal = new CodeStores(FailClosed.otp(localOtp), localLimits, settings.fallbackInstances());
        this.active = onPrimary;
    }

    CodeStoreFallback(
            OTPStore primaryOtp, RateLimitStore primaryLimits, AuthSettings settings, Audit audit, Clock clock) {
        this(primaryOtp, primaryLimits, settings, audit, clock, DEFAULT_LOG);
    }

    /**
     * Starts probing every {@code interval} on {@code scheduler}. The scheduler holds this switch weakly, so a facade
     * the host drops stops being probed once it is collected.
     */
    CodeStoreFallback startProbing(ProbeScheduler scheduler, Duration interval) {
        WeakReference<CodeStoreFallback> self = new WeakReference<>(this);
        scheduler.every(interval, () -> {
            CodeStoreFallback fallback = self.get();
            if (fallback == null || fallback.stopped) {
                return false;
            }
            fallback.probe();
            return true;
        });
        return this;
    }

    /** Stops the probes (the facade was closed); the stores in use stay as they are. */
    void stopProbing() {
        stopped = true;
    }

    /** The pair of stores the next code operation uses, with its limit divisor: one call, one consistent pair. */
    CodeStores active() {
        return active;
    }

    /** Whether codes and counters are in the local stores now. */
    synchronized boolean engaged() {
        return engaged;
    }

    /** The health report's detail for a component served by the fallback, if this one is. */
    synchronized Optional<String> servingDetail(String component) {
        if (!engaged || !COMPONENTS.contains(component)) {
            return Optional.empty();
        }
        return Optional.of("fallback: local memory of this instance (store " + reason + ")");
    }

    /** One probe of both primary stores; also drops expired local entries, which nothing else may write again. */
    void probe() {
        RuntimeException failure = null;
        try {
            primaryOtp.ping();
            if (primaryLimits != (Object) primaryOtp) {
                primaryLimits.ping();
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        Instant now = clock.instant();
        localOtp.purgeExpired(now);
        localLimits.purgeExpired(now);
        if (failure == null) {
            probeSucceeded();
        } else {
            probeFailed(failure);
        }
    }

    private synchronized void probeSucceeded() {
        if (!engaged) {
            failedProbes = 0;
            return;
        }
        goodProbes++;
        if (goodProbes >= recoverAfter) {
            engaged = false;
            failedProbes = 0;
            active = onPrimary;
            audit.emit(new AuthEvent.FallbackEnded(clock.instant(), AuthEvent.ALL_TENANTS, COMPONENTS));
            log.info(
                    "store of one-time codes and rate-limit counters answers again: back on it after {} good probes"
                            + " (codes issued in fallback stay verifiable on this instance until they expire)",
                    goodProbes);
        }
    }

    private synchronized void probeFailed(RuntimeException failure) {
        reason = StoreUnavailableException.reasonOf(failure).description();
        if (engaged) {
            goodProbes = 0;
            return;
        }
        failedProbes++;
        engageIfDue();
    }

    /** A call to a primary store failed: the store is suspect, which counts as the first failed probe. */
    private synchronized void callFailed(RuntimeException failure) {
        if (engaged || failedProbes > 0) {
            return;
        }
        reason = StoreUnavailableException.reasonOf(failure).description();
        failedProbes = 1;
        engageIfDue();
    }

    private void engageIfDue() {
        if (failedProbes < engageAfter) {
            return;
        }
        engaged = true;
        goodProbes = 0;
        active = onLocal;
        audit.emit(new AuthEvent.FallbackEngaged(clock.instant(), AuthEvent.ALL_TENANTS, COMPONENTS, reason));
        // Once per switch, never per request; the reason is a cause class, never a URL or a password.
        log.warn(
                "store of one-time codes and rate-limit counters is unreachable ({}) after {} failed probes:"
                        + " codes and counters now live in this instance's memory (STORE_FALLBACK=memory), limits"
                        + " divided by FALLBACK_INSTANCES={}",
                reason,
                failedProbes,
                onLocal.limitDivisor());
    }

    /** Runs a call on a primary store, telling the switch when the store failed (not when it refused on purpose). */
    private <T> T primary(Supplier<T> call) {
        try {
            return call.get();
        } catch (AuthException e) {
            if (e.errorCode() == ErrorCode.UNAVAILABLE) {
                callFailed(e);
            }
            throw e;
        } catch (RuntimeException e) {
            callFailed(e);
            throw e;
        }
    }

    private void primaryRun(Runnable call) {
        primary(() -> {
            call.run();
            return null;
        });
    }

    /** The primary OTP store, with the codes issued in fallback still answered from the local store. */
    private final class PrimaryOtp implements OTPStore {
        @Override
        public void saveChallenge(OtpChallenge challenge) {
            primaryRun(() -> primaryOtp.saveChallenge(challenge));
        }

        @Override
        public Optional<OtpChallenge> findChallenge(String key, Instant now) {
            Optional<OtpChallenge> local = issuedInFallback(key, now);
            return local.isPresent() ? local : primary(() -> primaryOtp.findChallenge(key, now));
        }

        @Override
        public CodeCheck verify(String key, String codeHash, Instant now) {
            if (issuedInFallback(key, now).isPresent()) {
                return localOtp.verify(key, codeHash, now);
            }
            return primary(() -> primaryOtp.verify(key, codeHash, now));
        }

        /** Fused in the host's store when the counters are the primary ones; step by step otherwise. */
        @Override
        public ChallengeIssue issueChallenge(
                RateLimitStore counters,
                List<Throttle> throttlesInOrder,
                String deliveryBudgetKey,
                OtpChallenge challenge,
                Instant now) {
            if (counters == primaryLimitsView) {
                return primary(() ->
                        primaryOtp.issueChallenge(primaryLimits, throttlesInOrder, deliveryBudgetKey, challenge, now));
            }
            return OTPStore.super.issueChallenge(counters, throttlesInOrder, deliveryBudgetKey, challenge, now);
        }

        /**
         * Fused in the host's store, unless the code was issued in fallback: then step by step, so the code is
         * checked locally while its budgets count on the host's store.
         */
        @Override
        public BudgetedCheck verifyWithBudgets(RateLimitStore counters, BudgetedVerification plan, Instant now) {
            if (counters == primaryLimitsView
                    && issuedInFallback(plan.challengeKey(), now).isEmpty()) {
                return primary(() -> primaryOtp.verifyWithBudgets(primaryLimits, plan, now));
            }
            return OTPStore.super.verifyWithBudgets(counters, plan, now);
        }

        @Override
        public void deleteChallenge(String key) {
            localOtp.deleteChallenge(key);
            primaryRun(() -> primaryOtp.deleteChallenge(key));
        }

        @Override
        public void ping() {
            primaryOtp.ping();
        }

        private Optional<OtpChallenge> issuedInFallback(String key, Instant now) {
            return localOtp.size() == 0 ? Optional.empty() : localOtp.findChallenge(key, now);
        }
    }

    /** The primary counters; counters kept in fallback are not merged back (see docs/failure-modes.md). */
    private final class PrimaryLimits implements RateLimitStore {
        @Override
        public Counter increment(String key, Duration window, Instant now) {
            return primary(() -> primaryLimits.increment(key, window, now));
        }

        @Override
        public Counter peek(String key, Instant now) {
            return primary(() -> primaryLimits.peek(key, now));
        }

        @Override
        public void reset(String key) {
            primaryRun(() -> primaryLimits.reset(key));
        }

        @Override
        public int purgeExpired(Instant now) {
            return primary(() -> primaryLimits.purgeExpired(now));
        }

        @Override
        public void ping() {
            primaryLimits.ping();
        }
    }

    @Override
    public String toString() {
        return "CodeStoreFallback[engaged=" + engaged() + "]";
    }
}
