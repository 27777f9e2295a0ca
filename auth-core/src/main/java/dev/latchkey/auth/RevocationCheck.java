package dev.latchkey.auth;

import dev.latchkey.auth.spi.RevocationList;
import dev.latchkey.auth.spi.StoreUnavailableException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The route guard's revocation lookup and the one place its outage policy ({@link RevocationOutagePolicy}) is
 * applied. Fail closed by default: an unreachable list is {@code UNAVAILABLE}, never a pass. Only with {@link
 * RevocationOutagePolicy#ACCEPT_SIGNED}, which the host chose, does a token whose signature and claims were already
 * verified pass while the list cannot answer; each such outage is one {@link AuthEvent.FallbackEngaged} and one WARN
 * line, and the first answer after it one {@link AuthEvent.FallbackEnded}. Writes to the list (sign-out, reuse
 * detection) always fail closed: they are not looked up here.
 */
final class RevocationCheck {
    static final String COMPONENT = "revocations";
    private static final Logger LOG = LoggerFactory.getLogger("dev.latchkey.auth.fallback");

    private final RevocationList revocations;
    private final RevocationOutagePolicy policy;
    private final Audit audit;
    private final Clock clock;
    private final AtomicBoolean inOutage = new AtomicBoolean();

    /** @param revocations the list wrapped by {@link FailClosed}, so every failure arrives as {@code UNAVAILABLE} */
    RevocationCheck(RevocationList revocations, RevocationOutagePolicy policy, Audit audit, Clock clock) {
        this.revocations = revocations;
        this.policy = policy;
        this.audit = audit;
        this.clock = clock;
    }

    /** {@code true} if the session's access tokens are denied. */
    boolean isRevoked(String sessionId) {
        boolean revoked;
        try {
            revoked = revocations.isRevoked(sessionId);
        } catch (AuthException e) {
            if (policy == RevocationOutagePolicy.FAIL_CLOSED || e.errorCode() != ErrorCode.UNAVAILABLE) {
                throw e;
            }
            if (inOutage.compareAndSet(false, true)) {
                String reason = StoreUnavailableException.reasonOf(e).description();
                audit.emit(new AuthEvent.FallbackEngaged(
                        clock.instant(), AuthEvent.ALL_TENANTS, List.of(COMPONENT), reason));
                LOG.warn(
                        "revocation list is unreachable ({}): the route guard accepts signature-valid access tokens"
                                + " until it answers (REVOCATION_OUTAGE_POLICY=accept_signed)",
                        reason);
            }
            return false;
        }
        if (inOutage.get() && inOutage.compareAndSet(true, false)) {
            audit.emit(new AuthEvent.FallbackEnded(clock.instant(), AuthEvent.ALL_TENANTS, List.of(COMPONENT)));
            LOG.info("revocation list answers again: the route guard checks it again");
        }
        return revoked;
    }

    /** The health report's detail when the list is down and the policy lets the guard serve anyway. */
    static String acceptingDetail(String probeDetail) {
        return probeDetail + "; accepting signature-valid tokens (REVOCATION_OUTAGE_POLICY=accept_signed)";
    }
}
