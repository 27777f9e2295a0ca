package dev.latchkey.auth.oauth;

import static dev.latchkey.auth.oauth.Harness.TENANT;
import static dev.latchkey.auth.oauth.OAuthSignInTest.assertReason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.LoginResult;
import dev.latchkey.auth.oauth.OAuthException.Reason;
import dev.latchkey.auth.testkit.FakeOidcProvider;
import dev.latchkey.auth.testkit.FakeOidcProvider.Account;
import dev.latchkey.auth.testkit.FakeOidcProvider.IdTokenAttack;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every attack of the issue, each refused with its typed reason; each test fails if its defence is removed. */
class OAuthAttackTest {
    private final Harness h = new Harness();
    private final OAuthLogin oauth;

    OAuthAttackTest() {
        oauth = h.login(
                h.google().build(),
                OAuthProvider.oidc(
                                "acme-sso",
                                h.idp.issuer(),
                                FakeOidcProvider.CLIENT_ID,
                                FakeOidcProvider.CLIENT_SECRET,
                                Harness.callback("acme-sso"))
                        .build());
    }

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void aCallbackWithoutStateIsRefused() {
        Harness.Callback callback = h.authorize(oauth.start("google", TENANT, "/"));

        assertReason(
                () -> oauth.finish("google", callback.withParam("state", null).params(), callback.cookieHeader()),
                Reason.STATE_MISSING);
        assertThat(h.idp.tokenRequests()).isZero();
    }

    @Test
    void aCallbackWhoseStateBelongsToNoFlowOfThisBrowserIsRefused() {
        // CSRF / login fixation: the attacker's own callback URL, opened in the victim's browser.
        Harness.Callback attackers = h.authorize(oauth.start("google", TENANT, "/"));
        Harness.Callback victims = h.authorize(oauth.start("google", TENANT, "/"));

        assertReason(() -> oauth.finish("google", attackers.params(), victims.cookieHeader()), Reason.STATE_MISMATCH);
        assertReason(() -> oauth.finish("google", attackers.params(), null), Reason.STATE_MISMATCH);
        assertReason(
                () -> oauth.finish(
                        "google", victims.withParam("state", "forged").params(), victims.cookieHeader()),
                Reason.STATE_MISMATCH);
        assertThat(h.idp.tokenRequests()).isZero();
    }

    @Test
    void aTamperedOrForeignTransactionCookieIsRefused() {
        Harness.Callback callback = h.authorize(oauth.start("google", TENANT, "/"));
        String header = callback.cookieHeader();
        int last = header.length() - 3;
        String tampered =
                header.substring(0, last) + (header.charAt(last) == 'A' ? 'B' : 'A') + header.substring(last + 1);
        OAuthLogin otherSecret = h.login(
                b -> b.hashSecret("another-hosts-secret-0123456789abcdefgh".getBytes()),
                h.google().build());

        assertReason(() -> oauth.finish("google", callback.params(), tampered), Reason.STATE_MISMATCH);
        assertReason(() -> otherSecret.finish("google", callback.params(), header), Reason.STATE_MISMATCH);
    }

    @Test
    void aReplayedCallbackIsRefused() {
        Harness.Callback callback = h.authorize(oauth.start("google", TENANT, "/"));
        oauth.finish("google", callback.params(), callback.cookieHeader());

        assertReason(() -> oauth.finish("google", callback.params(), callback.cookieHeader()), Reason.REPLAYED);
    }

    @Test
    void aReplayIsRefusedEvenWhenTheFirstCallbackFailed() {
        h.idp.denyWith("access_denied");
        Harness.Callback callback = h.authorize(oauth.start("google", TENANT, "/"));
        assertReason(() -> oauth.finish("google", callback.params(), callback.cookieHeader()), Reason.ACCESS_DENIED);

        assertReason(() -> oauth.finish("google", callback.params(), callback.cookieHeader()), Reason.REPLAYED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "   ", "co\nde", "c\u00f6de"})
    void aBlankOrNonAsciiAuthorizationCodeIsATypedRefusal(String code) {
        Harness.Callback callback = h.authorize(oauth.start("google", TENANT, "/"));

        assertReason(
                () -> oauth.finish("google", callback.withParam("code", code).params(), callback.cookieHeader()),
                Reason.PROVIDER_ERROR);
    }

    @Test
    void aCodeFromAnotherFlowIsRefusedByPkce() {
        // Code injection (RFC 9700 §4.5): the attacker's code, pasted into the victim's callback with the victim's
        // state.
        h.idp.signInAs(Account.verified("attacker", "attacker@example.com"));
        Harness.Callback attackers = h.authorize(oauth.start("google", TENANT, "/"));
        h.idp.signInAs(Account.verified("victim", "victim@example.com"));
        Harness.Callback victims = h.authorize(oauth.start("google", TENANT, "/"));

        assertReason(
                () -> oauth.finish(
                        "google",
                        victims.withParam("code", attackers.params().get("code"))
                                .params(),
                        victims.cookieHeader()),
                Reason.CODE_REJECTED);
    }

    @Test
    void aCallbackOnAnotherProvidersPathIsRefused() {
        // Mix-up (RFC 9700 §4.4): a flow started with one provider must not complete at another's callback.
        Harness.Callback callback = h.authorize(oauth.start("google", TENANT, "/"));

        assertReason(
                () -> oauth.finish("acme-sso", callback.params(), callback.cookieHeader()), Reason.PROVIDER_MISMATCH);
        assertThat(h.idp.tokenRequests()).isZero();
        assertReason(() -> oauth.finish("nope", callback.params(), callback.cookieHeader()), Reason.UNKNOWN_PROVIDER);
    }

    @Test
    void anIssuerParameterOfAnotherIssuerIsRefused() {
        Harness.Callback callback = h.authorize(oauth.start("google", TENANT, "/"));

        assertReason(
                () -> oauth.finish(
                        "google",
                        callback.withParam("iss", "https://attacker.example").params(),
                        callback.cookieHeader()),
                Reason.ISSUER_MISMATCH);
        assertThat(h.idp.tokenRequests()).isZero();
    }

    @Test
    void aMissingIssuerParameterIsRefusedWhenTheProviderAdvertisesIt() {
        h.idp.issParameter(true);
        Harness.Callback callback = h.authorize(oauth.start("google", TENANT, "/"));

        assertReason(
                () -> oauth.finish("google", callback.withParam("iss", null).params(), callback.cookieHeader()),
                Reason.ISSUER_MISMATCH);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://evil.example/",
                "//evil.example",
                "/\\evil.example",
                "/%2F%2Fevil.example",
                "javascript:alert(1)",
                "/account?next=https://evil.example",
                "/account#x",
                "/not-allowed",
                "/account/../admin",
                ""
            })
    void aReturnPathOutsideTheAllowListIsRefused(String returnPath) {
        assertReason(() -> oauth.start("google", TENANT, returnPath), Reason.RETURN_PATH_REFUSED);
    }

    @Test
    void anUnsignedIdTokenIsRefused() {
        h.idp.attack(IdTokenAttack.ALG_NONE);

        assertReason(() -> h.signIn(oauth, "google"), Reason.ID_TOKEN_SIGNATURE);
    }

    @Test
    void anIdTokenSignedWithHs256AndTheClientSecretIsRefusedUnlessConfigured() {
        h.idp.attack(IdTokenAttack.HS256_WITH_CLIENT_SECRET);

        assertReason(() -> h.signIn(oauth, "google"), Reason.ID_TOKEN_SIGNATURE);

        OAuthLogin configured = h.login(h.google().hmacWithClientSecret(true).build());
        assertThat(h.signIn(configured, "google").login())
                .as("the explicit switch")
                .isNotNull();
    }

    @Test
    void anIdTokenOfAnotherIssuerIsRefused() {
        h.idp.attack(IdTokenAttack.WRONG_ISSUER);

        assertReason(() -> h.signIn(oauth, "google"), Reason.ID_TOKEN_CLAIMS);
    }

    @Test
    void anIdTokenForAnotherAudienceIsRefused() {
        h.idp.attack(IdTokenAttack.WRONG_AUDIENCE);
        assertReason(() -> h.signIn(oauth, "google"), Reason.ID_TOKEN_CLAIMS);

        h.idp.attack(IdTokenAttack.EXTRA_AUDIENCE_WITHOUT_AZP);
        assertReason(() -> h.signIn(oauth, "google"), Reason.ID_TOKEN_CLAIMS);
    }

    @Test
    void anIdTokenWithAnotherFlowsNonceIsRefused() {
        h.idp.attack(IdTokenAttack.WRONG_NONCE);

        assertReason(() -> h.signIn(oauth, "google"), Reason.NONCE_MISMATCH);
    }

    @Test
    void anIdTokenWithoutNonceIsRefusedWhereTheProviderMustSendOne() {
        h.idp.nonceInIdToken(false);

        assertReason(() -> h.signIn(oauth, "google"), Reason.NONCE_MISMATCH);
    }

    @Test
    void anExpiredIdTokenIsRefused() {
        h.idp.attack(IdTokenAttack.EXPIRED);

        assertReason(() -> h.signIn(oauth, "google"), Reason.ID_TOKEN_EXPIRED);
    }

    @Test
    void anIdTokenWithABadSignatureOrAnUnpublishedKeyIsRefused() {
        h.idp.attack(IdTokenAttack.BAD_SIGNATURE);
        assertReason(() -> h.signIn(oauth, "google"), Reason.ID_TOKEN_SIGNATURE);

        h.idp.attack(IdTokenAttack.UNPUBLISHED_KEY);
        assertReason(() -> h.signIn(oauth, "google"), Reason.ID_TOKEN_SIGNATURE);
    }

    @Test
    void aRotatedKeyIsFetchedOnItsUnknownKidButAtMostOncePerInterval() {
        h.signIn(oauth, "google");
        assertThat(h.idp.jwksRequests()).isEqualTo(1);

        h.idp.rotateKeys();
        h.clock.advance(KeySetCache.MIN_REFRESH_INTERVAL.plusSeconds(1));
        assertThat(h.signIn(oauth, "google").login())
                .as("accepted after one refresh")
                .isNotNull();
        assertThat(h.idp.jwksRequests()).isEqualTo(2);

        h.idp.attack(IdTokenAttack.UNPUBLISHED_KEY);
        assertReason(() -> h.signIn(oauth, "google"), Reason.ID_TOKEN_SIGNATURE);
        assertReason(() -> h.signIn(oauth, "google"), Reason.ID_TOKEN_SIGNATURE);
        assertThat(h.idp.jwksRequests())
                .as("unknown kids within the interval fetch nothing")
                .isEqualTo(2);
    }

    @Test
    void anExpiredTransactionIsRefused() {
        Harness.Callback callback = h.authorize(oauth.start("google", TENANT, "/"));
        h.clock.advance(Duration.ofMinutes(10));

        assertReason(
                () -> oauth.finish("google", callback.params(), callback.cookieHeader()), Reason.TRANSACTION_EXPIRED);
    }

    @Test
    void aProviderErrorIsATypedRefusalThatEchoesNothing() {
        h.idp.denyWith("access_denied");
        assertThatThrownBy(() -> h.signIn(oauth, "google")).isInstanceOfSatisfying(OAuthException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.ACCESS_DENIED);
            assertThat(e.errorCode()).isEqualTo(ErrorCode.OAUTH_FAILED);
            assertThat(e.getMessage()).doesNotContain("<", "script");
        });

        h.idp.denyWith("<img src=x onerror=alert(1)>");
        assertThatThrownBy(() -> h.signIn(oauth, "google")).isInstanceOfSatisfying(OAuthException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.PROVIDER_ERROR);
            assertThat(e.getMessage()).doesNotContain("<", "onerror");
        });
    }

    @Test
    void anUnverifiedEmailCannotTakeOverTheAccountThatOwnsIt() {
        LoginResult victim = h.otpLogin("victim@example.com");
        h.idp.signInAs(Account.unverified("attacker-sub", "victim@example.com"));

        assertThatThrownBy(() -> h.signIn(oauth, "google"))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ACCOUNT_LINK_REQUIRED));
        assertThat(h.auth.listExternalIdentities(TENANT, victim.user().id())).isEmpty();
    }

    @Test
    void aMicrosoftEmailClaimCannotTakeOverAnAccount() {
        // nOAuth: an attacker's Entra tenant sets its user's (mutable, unverified) email to the victim's address.
        String victimTid = "11111111-1111-1111-1111-111111111111";
        String attackerTid = "22222222-2222-2222-2222-222222222222";
        h.idp.tenantTemplateIssuer(true);
        OAuthLogin microsoft = h.login(OAuthProvider.microsoft(
                        "organizations",
                        FakeOidcProvider.CLIENT_ID,
                        FakeOidcProvider.CLIENT_SECRET,
                        Harness.callback("microsoft"))
                .issuer(h.idp.issuer())
                .discoveryUri(h.idp.discoveryUri())
                .build());
        LoginResult victim = h.otpLogin("victim@contoso.example");
        h.idp.signInAs(Account.verified("v", "victim@contoso.example")
                .with("tid", victimTid)
                .with("oid", "victim-oid")
                .with("xms_edov", true));
        assertThat(h.signIn(microsoft, "microsoft").login().user().id())
                .isEqualTo(victim.user().id());

        h.idp.signInAs(Account.verified("v", "victim@contoso.example")
                .with("tid", attackerTid)
                .with("oid", "attacker-oid"));

        assertThatThrownBy(() -> h.signIn(microsoft, "microsoft"))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ACCOUNT_LINK_REQUIRED));
        assertThat(h.auth.listExternalIdentities(TENANT, victim.user().id())).hasSize(1);
    }

    @Test
    void aMicrosoftTenantOutsideTheAllowListIsRefused() {
        String allowed = "11111111-1111-1111-1111-111111111111";
        h.idp.tenantTemplateIssuer(true);
        OAuthLogin microsoft = h.login(OAuthProvider.microsoft(
                        "organizations",
                        FakeOidcProvider.CLIENT_ID,
                        FakeOidcProvider.CLIENT_SECRET,
                        Harness.callback("microsoft"))
                .issuer(h.idp.issuer())
                .discoveryUri(h.idp.discoveryUri())
                .allowedTenantIds(Set.of(allowed))
                .build());
        h.idp.signInAs(Account.verified("s", "eve@evil.example")
                .with("tid", "33333333-3333-3333-3333-333333333333")
                .with("oid", "o")
                .with("xms_edov", true));

        assertReason(() -> h.signIn(microsoft, "microsoft"), Reason.ORGANISATION_NOT_ALLOWED);

        h.idp.signInAs(Account.verified("s", "ada@contoso.example")
                .with("tid", allowed)
                .with("oid", "o")
                .with("xms_edov", true));
        assertThat(h.signIn(microsoft, "microsoft").login()).isNotNull();
    }

    @Test
    void aMicrosoftTokenWhoseIssuerIsAnotherTenantsIsRefused() {
        h.idp.tenantTemplateIssuer(true);
        OAuthLogin microsoft = h.login(OAuthProvider.microsoft(
                        "organizations",
                        FakeOidcProvider.CLIENT_ID,
                        FakeOidcProvider.CLIENT_SECRET,
                        Harness.callback("microsoft"))
                .issuer(h.idp.issuer())
                .discoveryUri(h.idp.discoveryUri())
                .build());
        h.idp.signInAs(Account.verified("s", "a@b.example").with("oid", "o").with("xms_edov", true));

        // No tid at all: the template cannot be filled, the issuer cannot be checked.
        assertReason(() -> h.signIn(microsoft, "microsoft"), Reason.ID_TOKEN_CLAIMS);
    }
}
