package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.spi.RevocationList;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The route guard's revocation lookup under each outage policy, over a list whose outage the test switches. */
class RevocationCheckTest {
    private final MovableClock clock = new MovableClock(TestKeys.T0);
    private final List<AuthEvent> events = new CopyOnWriteArrayList<>();
    private final AtomicReference<@Nullable RuntimeException> failure = new AtomicReference<>();
    private final RevocationList list = new RevocationList() {
        @Override
        public void revoke(String sessionId, Instant expiresAt, Instant now) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isRevoked(String sessionId) {
            RuntimeException e = failure.get();
            if (e != null) {
                throw e;
            }
            return Set.of("signed-out").contains(sessionId);
        }

        @Override
        public void ping() {}
    };

    private RevocationCheck check(RevocationOutagePolicy policy) {
        return new RevocationCheck(FailClosed.revocations(list), policy, new Audit(events::add), clock);
    }

    private static RuntimeException refused() {
        return new IllegalStateException("driver", new ConnectException("Connection refused"));
    }

    @Test
    void failClosedByDefaultAnUnreachableListIsUnavailable() {
        RevocationCheck check = check(RevocationOutagePolicy.FAIL_CLOSED);
        failure.set(refused());

        assertThat(Attempts.catchAuth(() -> check.isRevoked("s1")).errorCode()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(events).isEmpty();
    }

    @Test
    void acceptSignedPassesDuringTheOutageAndSaysSoOncePerOutage() {
        RevocationCheck check = check(RevocationOutagePolicy.ACCEPT_SIGNED);
        assertThat(check.isRevoked("signed-out")).isTrue();
        assertThat(check.isRevoked("s1")).isFalse();
        assertThat(events).as("no outage, nothing to say").isEmpty();

        failure.set(refused());
        clock.advance(Duration.ofSeconds(5));
        assertThat(check.isRevoked("signed-out")).as("the list cannot answer").isFalse();
        assertThat(check.isRevoked("s1")).isFalse();

        assertThat(events)
                .singleElement()
                .isEqualTo(new AuthEvent.FallbackEngaged(
                        TestKeys.T0.plusSeconds(5),
                        AuthEvent.ALL_TENANTS,
                        List.of(RevocationCheck.COMPONENT),
                        "connection refused"));

        failure.set(null);
        clock.advance(Duration.ofSeconds(5));
        assertThat(check.isRevoked("signed-out")).isTrue();
        assertThat(check.isRevoked("signed-out")).isTrue();

        assertThat(events)
                .hasSize(2)
                .last()
                .isEqualTo(new AuthEvent.FallbackEnded(
                        TestKeys.T0.plusSeconds(10), AuthEvent.ALL_TENANTS, List.of(RevocationCheck.COMPONENT)));
    }

    @Test
    void acceptSignedNeverPassesAListsDeliberateRefusal() {
        RevocationCheck check = check(RevocationOutagePolicy.ACCEPT_SIGNED);
        AuthException refusal = new AuthException(ErrorCode.INVALID_TOKEN, "malformed session id");
        failure.set(refusal);

        assertThatThrownBy(() -> check.isRevoked("s1")).isSameAs(refusal);
        assertThat(events).isEmpty();
    }

    @Test
    void theHealthDetailSaysTheGuardAcceptsSignedTokens() {
        assertThat(RevocationCheck.acceptingDetail("connection refused"))
                .isEqualTo(
                        "connection refused; accepting signature-valid tokens (REVOCATION_OUTAGE_POLICY=accept_signed)");
    }
}
