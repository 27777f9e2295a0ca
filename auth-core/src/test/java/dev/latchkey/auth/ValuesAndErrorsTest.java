package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The facade's public values and errors: what they derive and that they print nothing secret. */
class ValuesAndErrorsTest {
    private static final Instant NOW = TestKeys.T0;
    private static final UUID USER = UUID.fromString("00000000-0000-4000-8000-000000000001");

    // ---------------------------------------------------------------- destinations

    @Test
    void anEmailDestinationIsAnEmailAndPrintsMasked() {
        Destination email = new Destination(Destination.Channel.EMAIL, "ada@example.com");
        assertThat(email.isEmail()).isTrue();
        assertThat(email.masked()).isEqualTo("a***@example.com");
        assertThat(email.toString()).isEqualTo("a***@example.com");
        assertThat(email.value()).isEqualTo("ada@example.com");
    }

    @Test
    void aMobileDestinationIsNoEmailAndPrintsMasked() {
        Destination mobile = new Destination(Destination.Channel.SMS, "+14155550123");
        assertThat(mobile.isEmail()).isFalse();
        assertThat(mobile.masked()).isEqualTo("+1******0123");
        assertThat(mobile.toString()).isEqualTo("+1******0123");
    }

    @Test
    void normaliseAppliesTheSettingsPhoneRegions() {
        AuthSettings usOnly = TestKeys.settings(TestKeys.hs256("k1"))
                .allowedPhoneRegions(Set.of("US"))
                .defaultPhoneRegion("US")
                .build();
        assertThat(Destination.normalise("(415) 555-0123", usOnly))
                .isEqualTo(new Destination(Destination.Channel.SMS, "+14155550123"));
        assertThat(Destination.normalise("Ada@Example.COM", usOnly))
                .isEqualTo(new Destination(Destination.Channel.EMAIL, "ada@example.com"));
        assertThat(Attempts.catchAuth(() -> Destination.normalise("+447911123456", usOnly))
                        .errorCode())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        AuthSettings anyRegion = TestKeys.settings(TestKeys.hs256("k1")).build();
        assertThat(Destination.normalise("+447911123456", anyRegion).value()).isEqualTo("+447911123456");
        assertThat(Attempts.catchAuth(() -> Destination.normalise("(415) 555-0123", anyRegion))
                        .errorCode())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    // ---------------------------------------------------------------- token pairs, dispatches, sessions

    @Test
    void aTokenPairIsOfTypeBearerAndPrintsNeitherToken() {
        TokenPair pair = new TokenPair("ACCESS-JWT", "REFRESH-TOKEN", NOW.plusSeconds(900), NOW.plusSeconds(3600));
        assertThat(pair.tokenType()).isEqualTo("Bearer");
        assertThat(pair.toString())
                .isEqualTo("TokenPair[accessTokenExpiresAt=" + NOW.plusSeconds(900) + ", sessionExpiresAt="
                        + NOW.plusSeconds(3600) + "]");
    }

    @Test
    void expiresInIsZeroFromTheExpiryOnAndOneJustBefore() {
        TokenPair pair = new TokenPair("a", "r", NOW.plusSeconds(900), NOW.plusSeconds(3600));
        assertThat(pair.expiresInSeconds(NOW.plusSeconds(900))).isZero();
        assertThat(pair.expiresInSeconds(NOW.plusSeconds(900).minusNanos(1))).isEqualTo(1);
        assertThat(pair.expiresInSeconds(NOW.plusSeconds(899))).isEqualTo(1);
    }

    @Test
    void aDispatchPrintsTheDestinationMaskedAndNeverItsChallengeId() {
        OtpDispatch dispatch = new OtpDispatch(
                "CHALLENGE-ID-123456789",
                new Destination(Destination.Channel.SMS, "+14155550123"),
                NOW.plusSeconds(300),
                NOW.plusSeconds(60));
        assertThat(dispatch.toString())
                .isEqualTo("OtpDispatch[destination=+1******0123, expiresAt=" + NOW.plusSeconds(300)
                        + ", resendAvailableAt=" + NOW.plusSeconds(60) + "]");
    }

    @Test
    void sessionInfoRefusesMissingParts() {
        assertThat(new SessionInfo("s", "acme", USER, NOW, NOW, NOW, NOW).id()).isEqualTo("s");
        assertThatThrownBy(() -> new SessionInfo("s", "acme", USER, NOW, NOW, null, NOW))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("expiresAt");
    }

    // ---------------------------------------------------------------- external sign-in

    @Test
    void anExternalSignInOffersItsOptionalPartsAndPrintsTheEmailMasked() {
        ExternalSignIn link = new ExternalSignIn(
                "acme", "google", "https://accounts.google.com", "sub-1", "ada@example.com", true, false, USER);
        assertThat(link.emailAddress()).contains("ada@example.com");
        assertThat(link.linkTo()).contains(USER);
        assertThat(link.toString())
                .isEqualTo("ExternalSignIn[tenantId=acme, provider=google, issuer=https://accounts.google.com,"
                        + " subject=sub-1, email=a***@example.com, emailVerified=true, linkByVerifiedEmail=false,"
                        + " linkToUserId=" + USER + "]");

        ExternalSignIn plain =
                new ExternalSignIn("acme", "google", "https://accounts.google.com", "sub-1", null, false, true, null);
        assertThat(plain.emailAddress()).isEmpty();
        assertThat(plain.linkTo()).isEmpty();
        assertThat(plain.toString()).contains("email=null,").contains("linkByVerifiedEmail=true");
    }

    // ---------------------------------------------------------------- errors

    @Test
    void everyErrorCodeHasItsStableWireNameAndStatus() {
        assertThat(ErrorCode.values())
                .extracting(code -> code.code() + " " + code.httpStatus())
                .containsExactly(
                        "invalid_request 400",
                        "invalid_code 401",
                        "too_many_attempts 429",
                        "rate_limited 429",
                        "invalid_token 401",
                        "forbidden 403",
                        "user_disabled 403",
                        "conflict 409",
                        "oauth_failed 401",
                        "account_link_required 409",
                        "email_not_verified 403",
                        "signup_closed 403",
                        "unavailable 503",
                        "invalid_configuration 500");
    }

    @Test
    void anAuthExceptionCarriesItsCodeStatusMessageAndCause() {
        AuthException plain = new AuthException(ErrorCode.FORBIDDEN, "not yours");
        assertThat(plain.errorCode()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(plain.code()).isEqualTo("forbidden");
        assertThat(plain.httpStatus()).isEqualTo(403);
        assertThat(plain.getMessage()).isEqualTo("not yours");
        assertThat(plain.retryAfter()).isEmpty();
        assertThat(plain.getCause()).isNull();

        IllegalStateException cause = new IllegalStateException("down");
        AuthException unavailable = AuthException.unavailable("store down", cause);
        assertThat(unavailable.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(unavailable.getCause()).isSameAs(cause);
        assertThat(unavailable.getMessage()).isEqualTo("store down");

        AuthException invalid = AuthException.invalidRequest("bad input");
        assertThat(invalid.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(invalid.httpStatus()).isEqualTo(400);
        assertThat(invalid.getMessage()).isEqualTo("bad input");
    }

    @Test
    void aConfigurationExceptionNamesTheSettingTheProblemAndTheExpectedForm() {
        IllegalArgumentException cause = new IllegalArgumentException("parse");
        ConfigurationException e =
                new ConfigurationException("JWT_EXPIRES_IN", "is above the maximum", "a duration up to 24h", cause);
        assertThat(e.getMessage()).isEqualTo("JWT_EXPIRES_IN: is above the maximum; expected a duration up to 24h");
        assertThat(e.setting()).isEqualTo("JWT_EXPIRES_IN");
        assertThat(e.problem()).isEqualTo("is above the maximum");
        assertThat(e.expected()).isEqualTo("a duration up to 24h");
        assertThat(e.getCause()).isSameAs(cause);
        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_CONFIGURATION);
        assertThat(e.httpStatus()).isEqualTo(500);
        assertThat(new ConfigurationException("X", "p", "e").getCause()).isNull();
    }
}
