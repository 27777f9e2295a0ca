package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.spi.OtpMessage;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The attacks of the abuse review, each played against the facade: send limits bypassed by changing the tenant id,
 * a victim locked out by someone guessing at codes sent to them, a victim's send cap spent by someone else. Each
 * failed on the previous design.
 */
class AbuseResistanceTest {
    private static final String PHONE = "+14155550123";
    private static final String VICTIM_IP = "198.51.100.7";
    private static final String ATTACKER_IP = "203.0.113.9";

    private final FacadeFixture fixture = new FacadeFixture();

    @Test
    void sendLimitsCannotBeBypassedByChangingTheTenantId() {
        AuthFacade auth = facade(settings());
        List<Integer> accepted = new java.util.ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            int tenant = i;
            if (succeeds(() -> auth.sendOtp("t" + tenant, PHONE, ATTACKER_IP))) {
                accepted.add(tenant);
            }
        }
        assertThat(accepted)
                .as("the resend cooldown holds per address, whatever the tenant")
                .containsExactly(1);
        assertThat(fixture.sent).hasSize(1);
    }

    @Test
    void tenantIdsAreCaseInsensitiveSoTheirCapsAreShared() {
        AuthFacade auth = facade(settings().sendLimitPerTenant(new AuthSettings.Limit(3, Duration.ofHours(1))));
        assertThat(auth.sendOtp("ACME", "+14155550101").destination().value()).isEqualTo("+14155550101");
        auth.sendOtp("acme", "+14155550102");
        auth.sendOtp("Acme", "+14155550103");
        assertThat(code(() -> auth.sendOtp("aCmE", "+14155550104"))).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(fixture.sent).extracting(OtpMessage::tenantId).containsOnly("acme");
    }

    @Test
    void unknownTenantsAreRefusedBeforeAnyThrottleOrSend() {
        AuthFacade auth = facade(settings()
                .allowedTenants(Set.of("ACME"))
                .sendLimitPerTenant(new AuthSettings.Limit(3, Duration.ofHours(1))));
        for (int i = 1; i <= 8; i++) {
            int n = i;
            assertThat(code(() -> auth.sendOtp("acme-" + n, "+1415555011" + n))).isEqualTo(ErrorCode.INVALID_REQUEST);
        }
        assertThat(fixture.sent).isEmpty();
        auth.sendOtp("acme", PHONE);
        assertThat(fixture.sent).hasSize(1);

        AuthFacade resolved = builder(settings())
                .tenantResolver(tenant -> tenant.startsWith("paying-"))
                .build();
        assertThat(code(() -> resolved.sendOtp("free-1", "a@example.com"))).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(resolved.sendOtp("PAYING-1", "a@example.com").destination().value())
                .isEqualTo("a@example.com");
    }

    @Test
    void deploymentWideCeilingBoundsEverySend() {
        AuthFacade auth = facade(settings().sendLimitGlobal(new AuthSettings.Limit(2, Duration.ofHours(1))));
        auth.sendOtp("a", "+14155550101", "192.0.2.1");
        auth.sendOtp("b", "+14155550102", "192.0.2.2");
        assertThat(code(() -> auth.sendOtp("c", "+14155550103", "192.0.2.3"))).isEqualTo(ErrorCode.RATE_LIMITED);
    }

    @Test
    void codesRequestedByOthersNeitherReplaceNorLockTheVictimsCode() {
        AuthFacade auth = facade(settings());
        OtpDispatch victims = auth.sendOtp("acme", PHONE, VICTIM_IP);
        String victimsCode = fixture.lastCode();
        OtpDispatch attackers = auth.sendOtp("acme", PHONE, ATTACKER_IP);
        for (int i = 0; i < 5; i++) {
            assertThat(code(() -> auth.verifyOtp("acme", PHONE, attackers.challengeId(), "000000", ATTACKER_IP)))
                    .isIn(ErrorCode.INVALID_CODE, ErrorCode.TOO_MANY_ATTEMPTS);
        }
        assertThat(auth.verifyOtp("acme", PHONE, victims.challengeId(), victimsCode, VICTIM_IP)
                        .user()
                        .mobile())
                .isEqualTo(PHONE);
    }

    @Test
    void victimStillGetsInAfterTheReviewsLockOutAttack() {
        AuthFacade auth = facade(settings());
        // The review's attack: send a code to the victim, guess wrong five times, wait out the cooldown, repeat.
        for (int round = 0; round < 4; round++) {
            guessWrongFiveTimes(auth, ATTACKER_IP);
            fixture.clock.advance(Duration.ofSeconds(61));
        }
        OtpDispatch victims = auth.sendOtp("acme", PHONE, VICTIM_IP);
        LoginResult login = auth.verifyOtp("acme", PHONE, victims.challengeId(), fixture.lastCode(), VICTIM_IP);
        assertThat(login.user().mobile()).isEqualTo(PHONE);
    }

    @Test
    void victimStillGetsInAfterTheSendCapVariant() {
        AuthFacade auth = facade(settings());
        int delivered = 0;
        for (int i = 0; i < 10; i++) {
            if (succeeds(() -> auth.sendOtp("acme", PHONE, ATTACKER_IP))) {
                delivered++;
            }
            fixture.clock.advance(Duration.ofSeconds(61));
        }
        assertThat(delivered)
                .as("the attacker's client spent its own share of the address")
                .isEqualTo(5);
        OtpDispatch victims = auth.sendOtp("acme", PHONE, VICTIM_IP);
        assertThat(auth.verifyOtp("acme", PHONE, victims.challengeId(), fixture.lastCode(), VICTIM_IP)
                        .user()
                        .mobile())
                .isEqualTo(PHONE);
    }

    @Test
    void aClientThatKeepsGuessingWaitsWhileOthersDoNot() {
        AuthFacade auth = facade(settings());
        guessWrongFiveTimes(auth, ATTACKER_IP);
        fixture.clock.advance(Duration.ofSeconds(61));
        guessWrongFiveTimes(auth, ATTACKER_IP);
        fixture.clock.advance(Duration.ofSeconds(61));
        OtpDispatch third = auth.sendOtp("acme", PHONE, ATTACKER_IP);
        AuthException refused = Attempts.catchAuth(
                () -> auth.verifyOtp("acme", PHONE, third.challengeId(), fixture.lastCode(), ATTACKER_IP));
        assertThat(refused.errorCode()).isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        assertThat(refused.retryAfter())
                .hasValueSatisfying(wait -> assertThat(wait).isBetween(Duration.ofMinutes(10), Duration.ofMinutes(15)));

        OtpDispatch victims = auth.sendOtp("acme", PHONE, VICTIM_IP);
        assertThat(auth.verifyOtp("acme", PHONE, victims.challengeId(), fixture.lastCode(), VICTIM_IP)
                        .user()
                        .mobile())
                .isEqualTo(PHONE);
    }

    @Test
    void guesserSpreadOverManyIpBucketsMeetsTheAddressBackstop() {
        AuthFacade auth = facade(settings());
        // 100 failures (the NIST SP 800-63B-4 §3.2.2 bound) from 20 different /24-apart addresses, 5 per code.
        for (int client = 0; client < 20; client++) {
            guessWrongFiveTimes(auth, "192.0." + client + ".1");
            if (client % 10 == 9) {
                fixture.clock.advance(Duration.ofHours(1)); // past the hourly send backstop of the address
            }
        }
        // Past the backstop every code allows one attempt: the second guess on a code is refused even when right.
        String fresh = "192.0.99.1";
        OtpDispatch attackers = auth.sendOtp("acme", PHONE, fresh);
        String right = fixture.lastCode();
        assertThat(code(() -> auth.verifyOtp("acme", PHONE, attackers.challengeId(), Attempts.wrong(right), fresh)))
                .isEqualTo(ErrorCode.INVALID_CODE);
        assertThat(code(() -> auth.verifyOtp("acme", PHONE, attackers.challengeId(), right, fresh)))
                .as("a code already guessed at is dead once the address's backstop is reached")
                .isEqualTo(ErrorCode.INVALID_CODE);

        // The owner, typing the code received, gets in at the first attempt; success resets the backstop.
        fixture.clock.advance(Duration.ofMinutes(2));
        OtpDispatch victims = auth.sendOtp("acme", PHONE, VICTIM_IP);
        String victimsCode = fixture.lastCode();
        assertThat(auth.verifyOtp("acme", PHONE, victims.challengeId(), victimsCode, VICTIM_IP)
                        .user()
                        .mobile())
                .isEqualTo(PHONE);
        fixture.clock.advance(Duration.ofMinutes(2));
        OtpDispatch after = auth.sendOtp("acme", PHONE, VICTIM_IP);
        String afterCode = fixture.lastCode();
        assertThat(code(() -> auth.verifyOtp("acme", PHONE, after.challengeId(), Attempts.wrong(afterCode), VICTIM_IP)))
                .isEqualTo(ErrorCode.INVALID_CODE);
        assertThat(auth.verifyOtp("acme", PHONE, after.challengeId(), afterCode, VICTIM_IP)
                        .user()
                        .mobile())
                .as("after a success the address is back to five attempts per code")
                .isEqualTo(PHONE);
    }

    @Test
    void nothingIsDeliveredWhileTheClientsVerifyBudgetIsSpentAndTheAnswerLooksTheSame() {
        // The scenario: no cooldown and a high send cap, so only the verify budget stands in the way.
        AuthFacade auth = facade(settings()
                .resendCooldown(Duration.ZERO)
                .sendLimitPerDestination(new AuthSettings.Limit(50, Duration.ofHours(1)))
                .sendLimitPerAddress(new AuthSettings.Limit(50, Duration.ofHours(1))));
        OtpDispatch delivered = auth.sendOtp("acme", PHONE, ATTACKER_IP);
        String deliveredCode = fixture.lastCode();
        for (int guess = 0; guess < 5; guess++) {
            assertThat(code(() -> auth.verifyOtp(
                            "acme", PHONE, delivered.challengeId(), Attempts.wrong(deliveredCode), ATTACKER_IP)))
                    .isEqualTo(ErrorCode.INVALID_CODE);
        }
        for (int round = 0; round < 3; round++) {
            guessWrongFiveTimes(auth, ATTACKER_IP); // 20 wrong codes in all; the last ten are refused unread
        }
        int deliveredSoFar = fixture.sent.size();
        fixture.events.clear();

        for (int i = 0; i < 5; i++) {
            OtpDispatch withheld = auth.sendOtp("acme", PHONE, ATTACKER_IP);
            assertThat(withheld.destination()).isEqualTo(delivered.destination());
            assertThat(withheld.challengeId()).hasSameSizeAs(delivered.challengeId());
            assertThat(withheld.challengeId()).isNotEqualTo(delivered.challengeId());
            assertThat(withheld.expiresAt()).isEqualTo(delivered.expiresAt());
            assertThat(withheld.resendAvailableAt()).isEqualTo(delivered.resendAvailableAt());
        }
        assertThat(fixture.sent).as("codes delivered while the budget is spent").hasSize(deliveredSoFar);
        assertThat(fixture.events)
                .filteredOn(AuthEvent.CodeSent.class::isInstance)
                .hasSize(5)
                .allSatisfy(event ->
                        assertThat(((AuthEvent.CodeSent) event).delivered()).isFalse());

        // Another client still gets its code, and so does this one once its window is over.
        auth.sendOtp("acme", PHONE, VICTIM_IP);
        assertThat(fixture.sent).hasSize(deliveredSoFar + 1);
        fixture.clock.advance(Duration.ofMinutes(16));
        OtpDispatch again = auth.sendOtp("acme", PHONE, ATTACKER_IP);
        assertThat(fixture.sent).hasSize(deliveredSoFar + 2);
        assertThat(auth.verifyOtp("acme", PHONE, again.challengeId(), fixture.lastCode(), ATTACKER_IP)
                        .user()
                        .mobile())
                .isEqualTo(PHONE);
    }

    @Test
    void pastTheAddressBackstopCodesAreStillDeliveredBecauseTheOwnersFreshCodeWorks() {
        AuthFacade auth = facade(settings()
                .resendCooldown(Duration.ZERO)
                .otpFailureLimit(new AuthSettings.Limit(10, Duration.ofHours(24)))
                .sendLimitPerAddress(new AuthSettings.Limit(50, Duration.ofHours(1))));
        for (int client = 0; client < 3; client++) {
            guessWrongFiveTimes(auth, "192.0." + client + ".1");
        }
        int before = fixture.sent.size();
        OtpDispatch owners = auth.sendOtp("acme", PHONE, VICTIM_IP);
        assertThat(fixture.sent).hasSize(before + 1);
        assertThat(auth.verifyOtp("acme", PHONE, owners.challengeId(), fixture.lastCode(), VICTIM_IP)
                        .user()
                        .mobile())
                .isEqualTo(PHONE);
    }

    private void guessWrongFiveTimes(AuthFacade auth, String ip) {
        OtpDispatch dispatch = auth.sendOtp("acme", PHONE, ip);
        String right = fixture.lastCode();
        for (int i = 0; i < 5; i++) {
            assertThat(code(() -> auth.verifyOtp("acme", PHONE, dispatch.challengeId(), Attempts.wrong(right), ip)))
                    .isIn(ErrorCode.INVALID_CODE, ErrorCode.TOO_MANY_ATTEMPTS);
        }
    }

    private AuthSettings.Builder settings() {
        return AuthSettings.builder().hashSecret(TestKeys.HASH_SECRET).signingKey(TestKeys.hs256("k1"));
    }

    private AuthFacade facade(AuthSettings.Builder settings) {
        return builder(settings).build();
    }

    private AuthFacade.Builder builder(AuthSettings.Builder settings) {
        return fixture.builder(settings);
    }

    private static boolean succeeds(ThrowingCallable call) {
        try {
            call.call();
            return true;
        } catch (AuthException e) {
            return false;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static ErrorCode code(ThrowingCallable call) {
        return Attempts.catchAuth(call).errorCode();
    }
}
