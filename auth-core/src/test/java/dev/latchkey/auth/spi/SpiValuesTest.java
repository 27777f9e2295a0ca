package dev.latchkey.auth.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.Destination;
import dev.latchkey.auth.ErrorCode;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The SPI's values: what they refuse, what they derive, and that their toString never shows a secret. */
class SpiValuesTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final UUID USER = UUID.fromString("00000000-0000-4000-8000-000000000001");

    // ---------------------------------------------------------------- budgets and throttles

    @Test
    void aBudgetNeedsAtLeastOneFailureInAPositiveWindow() {
        Budget smallest = new Budget("vc:k", 1, Duration.ofNanos(1));
        assertThat(smallest.max()).isEqualTo(1);
        assertThatThrownBy(() -> new Budget("vc:k", 0, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Budget("vc:k", 1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Budget("vc:k", 1, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aThrottleNeedsAtLeastOneHitInAPositiveWindow() {
        Throttle smallest = new Throttle("ip", "ip:k", 1, Duration.ofNanos(1));
        assertThat(smallest.max()).isEqualTo(1);
        assertThatThrownBy(() -> new Throttle("ip", "ip:k", 0, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Throttle("ip", "ip:k", 1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Throttle("ip", "ip:k", 1, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBudgetedVerificationNeverPrintsTheCodeHash() {
        BudgetedVerification plan = new BudgetedVerification(
                "ch:key",
                "SECRET-HASH",
                new Budget("vc:k", 10, Duration.ofMinutes(15)),
                new Budget("vf:k", 100, Duration.ofHours(24)));
        assertThat(plan.toString())
                .doesNotContain("SECRET-HASH")
                .contains("challengeKey=ch:key")
                .contains("vc:k")
                .contains("vf:k");
    }

    @Test
    void aChallengeIssueIsIssuedExactlyWhenNoThrottleRefused() {
        Counter budget = new Counter(2, NOW.plusSeconds(60));
        ChallengeIssue issued = ChallengeIssue.issued(budget);
        assertThat(issued.isIssued()).isTrue();
        assertThat(issued.refusedBy()).isEmpty();
        assertThat(issued.counter()).isEqualTo(budget);

        Throttle cooldown = new Throttle("cooldown", "cd:k", 1, Duration.ofSeconds(60));
        ChallengeIssue refused = ChallengeIssue.refused(cooldown, new Counter(2, NOW.plusSeconds(30)));
        assertThat(refused.isIssued()).isFalse();
        assertThat(refused.refusedBy()).contains(cooldown);
        assertThat(refused.counter().count()).isEqualTo(2);
    }

    // ---------------------------------------------------------------- users

    @Test
    void aNewUserNeedsAnEmailOrAMobileAndIsKeyedByItsEmailWhenItHasOne() {
        assertThatThrownBy(() -> new NewUser(USER, "acme", null, null, null, "member", Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new NewUser(USER, "acme", "ada@example.com", "+14155550123", null, "member", Set.of())
                        .keyedByEmail())
                .isTrue();
        assertThat(new NewUser(USER, "acme", null, "+14155550123", null, "member", Set.of()).keyedByEmail())
                .isFalse();
    }

    @Test
    void aNewUsersPermissionsAreAnImmutableCopyAndNullMeansNone() {
        Set<String> given = new HashSet<>(Set.of("reports:read"));
        NewUser user = new NewUser(USER, "acme", "ada@example.com", null, null, "member", given);
        given.add("admin:all");
        assertThat(user.permissions()).containsExactly("reports:read");
        assertThatThrownBy(() -> user.permissions().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(new NewUser(USER, "acme", "ada@example.com", null, null, "member", null).permissions())
                .isEmpty();
    }

    @Test
    void aCodeLoginHasExactlyOneDestination() {
        assertThatThrownBy(() -> new CodeLogin("acme", null, null, Optional.empty(), NOW))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CodeLogin("acme", "ada@example.com", "+14155550123", Optional.empty(), NOW))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new CodeLogin("acme", "ada@example.com", null, Optional.empty(), NOW).byEmail())
                .isTrue();
        assertThat(new CodeLogin("acme", null, "+14155550123", Optional.empty(), NOW).byEmail())
                .isFalse();
    }

    @Test
    void aCodeLoginsNewUserMustHaveTheLoginsTenantAndDestinationOnly() {
        NewUser byEmail = new NewUser(USER, "acme", "ada@example.com", null, null, "member", Set.of());
        assertThat(new CodeLogin("acme", "ada@example.com", null, Optional.of(byEmail), NOW).newUser())
                .contains(byEmail);
        // Another tenant, another email, an extra mobile: each refused.
        assertThatThrownBy(() -> new CodeLogin("globex", "ada@example.com", null, Optional.of(byEmail), NOW))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CodeLogin("acme", "bob@example.com", null, Optional.of(byEmail), NOW))
                .isInstanceOf(IllegalArgumentException.class);
        NewUser withMobile = new NewUser(USER, "acme", "ada@example.com", "+14155550123", null, "member", Set.of());
        assertThatThrownBy(() -> new CodeLogin("acme", "ada@example.com", null, Optional.of(withMobile), NOW))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- challenges, messages, sessions

    @Test
    void aChallengeNeedsNonNegativeAttemptsAndAtLeastOneAllowed() {
        assertThat(new OtpChallenge("k", "h", NOW, NOW.plusSeconds(300), 0, 1).attempts())
                .isZero();
        assertThatThrownBy(() -> new OtpChallenge("k", "h", NOW, NOW.plusSeconds(300), -1, 5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OtpChallenge("k", "h", NOW, NOW.plusSeconds(300), 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aChallengeIsLiveUntilJustBeforeItsExpiry() {
        OtpChallenge challenge = new OtpChallenge("k", "h", NOW, NOW.plusSeconds(300), 0, 5);
        assertThat(challenge.isLiveAt(NOW)).isTrue();
        assertThat(challenge.isLiveAt(NOW.plusSeconds(300).minusNanos(1))).isTrue();
        assertThat(challenge.isLiveAt(NOW.plusSeconds(300))).isFalse();
    }

    @Test
    void aChallengePrintsItsAttemptsButNeverItsCodeHash() {
        OtpChallenge challenge = new OtpChallenge("ch:key", "SECRET-HASH", NOW, NOW.plusSeconds(300), 2, 5);
        assertThat(challenge.toString())
                .doesNotContain("SECRET-HASH")
                .contains("key=ch:key")
                .contains("attempts=2/5");
    }

    @Test
    void aCodeMessagePrintsTheDestinationMaskedAndNeverTheCode() {
        OtpMessage message =
                new OtpMessage("acme", new Destination(Destination.Channel.EMAIL, "ada@example.com"), "493817", NOW);
        assertThat(message.toString())
                .doesNotContain("493817")
                .doesNotContain("ada@example.com")
                .contains("a***@example.com")
                .contains("tenantId=acme");
    }

    private static SessionRecord session(Instant idle, Instant absolute) {
        return new SessionRecord("s1", "acme", USER, "SECRET-HASH", "OLD-HASH", 3, NOW, NOW, idle, absolute);
    }

    @Test
    void aSessionExpiresAtTheEarlierOfItsIdleAndAbsoluteExpiry() {
        Instant early = NOW.plusSeconds(60);
        Instant late = NOW.plusSeconds(600);
        assertThat(session(early, late).expiresAt()).isEqualTo(early);
        assertThat(session(late, early).expiresAt()).isEqualTo(early);
        assertThat(session(early, early).expiresAt()).isEqualTo(early);
    }

    @Test
    void aSessionIsLiveUntilJustBeforeItExpires() {
        SessionRecord record = session(NOW.plusSeconds(60), NOW.plusSeconds(600));
        assertThat(record.isLiveAt(NOW.plusSeconds(60).minusNanos(1))).isTrue();
        assertThat(record.isLiveAt(NOW.plusSeconds(60))).isFalse();
    }

    @Test
    void aSessionPrintsItsExpiryButNeverItsTokenHashes() {
        String printed = session(NOW.plusSeconds(60), NOW.plusSeconds(600)).toString();
        assertThat(printed)
                .doesNotContain("SECRET-HASH")
                .doesNotContain("OLD-HASH")
                .contains("generation=3")
                .contains("expiresAt=" + NOW.plusSeconds(60));
    }

    @Test
    void anAccessTokenPrintsOnlyItsExpiry() {
        TokenIssuer.AccessToken token = new TokenIssuer.AccessToken("eyJ.secret.token", NOW);
        assertThat(token.toString()).isEqualTo("AccessToken[expiresAt=" + NOW + "]");
    }

    @Test
    void anExternalIdentityPrintsItsEmailMasked() {
        ExternalIdentity identity = new ExternalIdentity(
                "acme", "google", "https://accounts.google.com", "sub-1", USER, "ada@example.com", true, NOW, NOW);
        assertThat(identity.toString())
                .doesNotContain("ada@example.com")
                .contains("email=a***@example.com,")
                .contains("subject=sub-1")
                .contains("emailVerified=true");
        ExternalIdentity oneLetter = new ExternalIdentity(
                "acme", "google", "https://accounts.google.com", "sub-1", USER, "a@example.com", false, NOW, NOW);
        assertThat(oneLetter.toString()).contains("email=a***@example.com,");
        ExternalIdentity noLocalPart = new ExternalIdentity(
                "acme", "google", "https://accounts.google.com", "sub-1", USER, "@example.com", false, NOW, NOW);
        assertThat(noLocalPart.toString()).contains("email=***,");
        ExternalIdentity none = new ExternalIdentity(
                "acme", "google", "https://accounts.google.com", "sub-1", USER, null, false, NOW, NOW);
        assertThat(none.toString()).contains("email=null,");
    }

    // ---------------------------------------------------------------- store failures

    @Test
    void aStoreUnavailableExceptionIsUnavailableWithItsReason() {
        StoreUnavailableException e = new StoreUnavailableException(
                StoreUnavailableException.Reason.DATABASE_MISSING, "database missing", null);
        assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.reason()).isEqualTo(StoreUnavailableException.Reason.DATABASE_MISSING);
        assertThat(e.reason().description()).isEqualTo("database missing");
        assertThat(StoreUnavailableException.Reason.OTHER.description()).isEqualTo("unreachable or failing");
    }

    @Test
    void theReasonOfAFailureIsTheFirstStoreReasonAmongItsCauses() {
        StoreUnavailableException auth =
                new StoreUnavailableException(StoreUnavailableException.Reason.AUTHENTICATION_FAILED, "rejected", null);
        // A JDK timeout earlier in the chain does not hide the store's own reason.
        RuntimeException chain = new RuntimeException(new SocketTimeoutException("slow"));
        chain.getCause().initCause(auth);
        assertThat(StoreUnavailableException.reasonOf(chain))
                .isEqualTo(StoreUnavailableException.Reason.AUTHENTICATION_FAILED);
    }

    @Test
    void jdkFailuresAreClassifiedByTheFirstOneFound() {
        assertThat(StoreUnavailableException.reasonOf(new RuntimeException(new ConnectException("refused"))))
                .isEqualTo(StoreUnavailableException.Reason.CONNECTION_REFUSED);
        assertThat(StoreUnavailableException.reasonOf(new RuntimeException(new SocketTimeoutException())))
                .isEqualTo(StoreUnavailableException.Reason.TIMEOUT);
        assertThat(StoreUnavailableException.reasonOf(new TimeoutException()))
                .isEqualTo(StoreUnavailableException.Reason.TIMEOUT);
        RuntimeException refusedThenTimedOut = new RuntimeException(new ConnectException("refused"));
        refusedThenTimedOut.getCause().initCause(new SocketTimeoutException());
        assertThat(StoreUnavailableException.reasonOf(refusedThenTimedOut))
                .isEqualTo(StoreUnavailableException.Reason.CONNECTION_REFUSED);
        assertThat(StoreUnavailableException.reasonOf(new IllegalStateException("other")))
                .isEqualTo(StoreUnavailableException.Reason.OTHER);
    }

    @Test
    void suppressedFailuresCountAsCauses() {
        RuntimeException failure = new RuntimeException("all addresses failed");
        failure.addSuppressed(new IllegalStateException("first"));
        failure.addSuppressed(new ConnectException("second"));
        assertThat(StoreUnavailableException.reasonOf(failure))
                .isEqualTo(StoreUnavailableException.Reason.CONNECTION_REFUSED);
    }

    @Test
    void aLoopingCauseChainIsReadOnce() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertThat(StoreUnavailableException.reasonOf(a)).isEqualTo(StoreUnavailableException.Reason.OTHER);
        a.addSuppressed(new SocketTimeoutException());
        assertThat(StoreUnavailableException.reasonOf(b)).isEqualTo(StoreUnavailableException.Reason.TIMEOUT);
    }

    @Test
    void onlySixtyFourExceptionsAreReadHoweverLongTheChain() {
        Throwable deep = new ConnectException("at the bottom");
        for (int i = 0; i < 64; i++) {
            deep = new RuntimeException("wrapper " + i, deep);
        }
        assertThat(StoreUnavailableException.reasonOf(deep)).isEqualTo(StoreUnavailableException.Reason.OTHER);
        Throwable reachable = new ConnectException("within reach");
        for (int i = 0; i < 63; i++) {
            reachable = new RuntimeException("wrapper " + i, reachable);
        }
        assertThat(StoreUnavailableException.reasonOf(reachable))
                .isEqualTo(StoreUnavailableException.Reason.CONNECTION_REFUSED);
    }
}
