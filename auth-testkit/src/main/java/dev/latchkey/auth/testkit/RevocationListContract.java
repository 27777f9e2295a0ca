package dev.latchkey.auth.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.spi.RevocationList;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link RevocationList} must meet. Extend it from a test class of your store module and return
 * the list under test:
 *
 * <pre>{@code
 * class RedisRevocationListTest extends RevocationListContract {
 *     private static final RevocationList LIST = new RedisRevocationList(sharedClient(), "test:");
 *
 *     @Override
 *     protected RevocationList revocationList() {
 *         return LIST;
 *     }
 * }
 * }</pre>
 *
 * <p>{@link #revocationList()} is called at least once per test and may return the same instance every time. Every
 * test uses freshly generated session ids, so the suite runs against a shared backend without cleanup. Instants are a
 * fixed base in 2030 plus whole seconds; a store with native expiry must derive its time-to-live from the {@code
 * now} it is given, never from its own clock.
 */
public abstract class RevocationListContract {
    private static final Instant BASE = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration ACCESS_TOKEN_TTL = Duration.ofMinutes(15);
    private static final int THREADS = 50;

    /** The list under test. */
    protected abstract RevocationList revocationList();

    @Test
    public void revokedSessionIsDenied() {
        String sessionId = newId();

        revocationList().revoke(sessionId, BASE.plus(ACCESS_TOKEN_TTL), BASE);

        assertThat(revocationList().isRevoked(sessionId))
                .as("a revoked session must be denied")
                .isTrue();
    }

    @Test
    public void sessionNeverRevokedIsNotDenied() {
        assertThat(revocationList().isRevoked(newId()))
                .as("a session never revoked must not be denied")
                .isFalse();
    }

    @Test
    public void revocationsAreIndependent() {
        String revoked = newId();
        String other = newId();

        revocationList().revoke(revoked, BASE.plus(ACCESS_TOKEN_TTL), BASE);

        assertThat(revocationList().isRevoked(other))
                .as("revoking one session must not deny another")
                .isFalse();
    }

    @Test
    public void revokingAgainWithAnEarlierExpiryKeepsTheSessionDenied() {
        String sessionId = newId();
        revocationList().revoke(sessionId, BASE.plus(ACCESS_TOKEN_TTL), BASE);

        revocationList().revoke(sessionId, BASE.plusSeconds(90), BASE.plusSeconds(60));

        assertThat(revocationList().isRevoked(sessionId))
                .as("revoking again with an earlier expiry must not shorten the denial")
                .isTrue();
    }

    @Test
    public void concurrentRevocationsAllLand() {
        List<String> ids =
                Stream.generate(RevocationListContract::newId).limit(THREADS).toList();

        ConcurrentRunner.runConcurrently(THREADS, i -> {
            revocationList().revoke(ids.get(i), BASE.plus(ACCESS_TOKEN_TTL), BASE);
            return null;
        });

        assertThat(ids)
                .as("50 concurrent revocations of different sessions must all land")
                .allSatisfy(id -> assertThat(revocationList().isRevoked(id))
                        .as("every concurrently revoked session must be denied")
                        .isTrue());
    }

    @Test
    public void pingSucceeds() {
        revocationList().ping();
    }

    private static String newId() {
        return "contract-" + UUID.randomUUID();
    }
}
