package dev.latchkey.auth.oauth;

import static dev.latchkey.auth.oauth.Harness.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.LoginResult;
import dev.latchkey.auth.SignOutScope;
import dev.latchkey.auth.User;
import dev.latchkey.auth.spi.ExternalIdentity;
import dev.latchkey.auth.testkit.FakeOidcProvider;
import dev.latchkey.auth.testkit.FakeOidcProvider.Account;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sign-in end to end against the fake provider, for each provider preset and its quirks. */
class OAuthSignInTest {
    private final Harness h = new Harness();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void googleSignInGivesALatchkeyTokenPairThatRefreshesAndSignsOut() {
        h.idp.signInAs(Account.verified("g-1", "ada@example.com"));
        OAuthLogin oauth = h.login(h.google().build());

        OAuthCompletion done = h.signIn(oauth, "google");

        LoginResult login = done.login();
        assertThat(login.newUser()).isTrue();
        assertThat(login.user().email()).isEqualTo("ada@example.com");
        assertThat(done.returnPath()).isEqualTo("/");
        assertThat(done.clearCookie().maxAge()).isZero();
        assertThat(h.auth.session(login.tokens().accessToken()).user().id())
                .isEqualTo(login.user().id());
        LoginResult refreshed = h.auth.refresh(login.tokens().refreshToken());
        assertThat(refreshed.user().id()).isEqualTo(login.user().id());
        assertThat(h.auth.signOut(refreshed.tokens().accessToken(), SignOutScope.LOCAL))
                .isEqualTo(1);
        assertThat(h.auth.listExternalIdentities(TENANT, login.user().id()))
                .singleElement()
                .satisfies(identity -> {
                    assertThat(identity.issuer()).isEqualTo(h.idp.issuer());
                    assertThat(identity.subject()).isEqualTo("g-1");
                    assertThat(identity.provider()).isEqualTo("google");
                });
    }

    @Test
    void theAuthorizationRequestUsesTheCodeFlowWithPkceS256NonceAndTheConfiguredRedirectUri() {
        OAuthLogin oauth = h.login(h.google().build());

        AuthorizationStart start = oauth.start("google", TENANT, "/account");

        var query = FakeOidcProvider.form(start.redirect().getRawQuery());
        assertThat(query)
                .containsEntry("response_type", "code")
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("redirect_uri", Harness.callback("google").toString())
                .containsEntry("client_id", FakeOidcProvider.CLIENT_ID)
                .containsKeys("state", "nonce", "code_challenge", "scope");
        assertThat(query.get("scope").split(" ")).contains("openid", "email");
        Harness.Callback callback = h.authorize(start);
        OAuthCompletion done = oauth.finish("google", callback.params(), callback.cookieHeader());
        assertThat(done.returnPath()).isEqualTo("/account");
        assertThat(h.idp.lastTokenRequest()).containsKey("code_verifier").doesNotContainKey("client_secret");
    }

    @Test
    void theTransactionCookieIsEncryptedHttpOnlySecureLaxScopedToTheCallbackAndAtMostTenMinutes() {
        OAuthLogin oauth = h.login(h.google().build());

        AuthorizationStart start = oauth.start("google", TENANT, "/");

        TransactionCookie cookie = start.cookie();
        assertThat(cookie.name()).startsWith("lk_oauth_").hasSizeGreaterThan("lk_oauth_".length() + 8);
        assertThat(cookie.path()).isEqualTo("/api/auth/oauth/google/callback");
        assertThat(cookie.maxAge()).isLessThanOrEqualTo(Duration.ofMinutes(10));
        assertThat(cookie.setCookieHeader())
                .contains("HttpOnly", "Secure", "SameSite=Lax", "Path=/api/auth/oauth/google/callback", "Max-Age=600");
        String state = FakeOidcProvider.form(start.redirect().getRawQuery()).get("state");
        assertThat(cookie.value())
                .as("a JWE: nothing of the transaction readable")
                .doesNotContain(state);
        assertThat(cookie.value().split("\\.")).hasSize(5);
        assertThat(cookie.toString()).doesNotContain(cookie.value());
    }

    @Test
    void severalTabsCanSignInAtOnceEachWithItsOwnCookie() {
        OAuthLogin oauth = h.login(h.google().build());
        AuthorizationStart first = oauth.start("google", TENANT, "/");
        AuthorizationStart second = oauth.start("google", TENANT, "/account");
        assertThat(first.cookie().name()).isNotEqualTo(second.cookie().name());
        Harness.Callback a = h.authorize(first);
        Harness.Callback b = h.authorize(second);
        String bothCookies = a.cookieHeader() + "; " + b.cookieHeader();

        assertThat(oauth.finish("google", b.params(), bothCookies).returnPath()).isEqualTo("/account");
        assertThat(oauth.finish("google", a.params(), bothCookies).returnPath()).isEqualTo("/");
    }

    @Test
    void aSecondSignInSignsInTheSameUser() {
        OAuthLogin oauth = h.login(h.google().build());
        User first = h.signIn(oauth, "google").login().user();

        LoginResult again = h.signIn(oauth, "google").login();

        assertThat(again.user().id()).isEqualTo(first.id());
        assertThat(again.newUser()).isFalse();
    }

    @Test
    void googlesLegacyIssuerFormIsAcceptedAndRecordedUnderTheCanonicalIssuer() {
        OAuthLogin oauth = h.login(
                h.google().alternativeIssuers(Set.of(h.idp.legacyIssuer())).build());
        User first = h.signIn(oauth, "google").login().user();
        h.idp.legacyIssuerForm(true);

        User again = h.signIn(oauth, "google").login().user();

        assertThat(again.id()).isEqualTo(first.id());
        assertThat(h.auth.listExternalIdentities(TENANT, first.id()))
                .extracting(ExternalIdentity::issuer)
                .containsExactly(h.idp.issuer());
    }

    @Test
    void googleHostedDomainsAllowListAdmitsItsDomainOnly() {
        OAuthLogin oauth =
                h.login(h.google().allowedHostedDomains(Set.of("example.com")).build());
        h.idp.signInAs(Account.verified("g-1", "ada@example.com").with("hd", "example.com"));
        assertThat(h.signIn(oauth, "google").login().user().email()).isEqualTo("ada@example.com");

        h.idp.signInAs(Account.verified("g-2", "eve@gmail.com"));
        assertReason(() -> h.signIn(oauth, "google"), OAuthException.Reason.ORGANISATION_NOT_ALLOWED);
        h.idp.signInAs(Account.verified("g-3", "eve@evil.example").with("hd", "evil.example"));
        assertReason(() -> h.signIn(oauth, "google"), OAuthException.Reason.ORGANISATION_NOT_ALLOWED);
    }

    @Test
    void anRfc9207IssuerParameterIsAcceptedWhenItIsTheIssuer() {
        h.idp.issParameter(true);
        OAuthLogin oauth = h.login(h.google().build());

        Harness.Callback callback = h.authorize(oauth.start("google", TENANT, "/"));

        assertThat(callback.params()).containsEntry("iss", h.idp.issuer());
        assertThat(oauth.finish("google", callback.params(), callback.cookieHeader())
                        .login())
                .isNotNull();
    }

    @Test
    void microsoftMultiTenantValidatesTheIssuerTemplateWithTheTokensTenantAndKeysOnTenantAndObjectId() {
        String tid = "11111111-2222-3333-4444-555555555555";
        h.idp.tenantTemplateIssuer(true).issParameter(true);
        h.idp.signInAs(Account.verified("pairwise-sub", "ada@contoso.example")
                .with("tid", tid)
                .with("oid", "object-1")
                .with("xms_edov", true));
        OAuthLogin oauth = h.login(microsoft().build());

        LoginResult login = h.signIn(oauth, "microsoft").login();

        assertThat(h.auth.listExternalIdentities(TENANT, login.user().id()))
                .singleElement()
                .satisfies(identity -> {
                    assertThat(identity.issuer()).isEqualTo(h.idp.baseUri() + "/" + tid + "/v2.0");
                    assertThat(identity.subject()).isEqualTo(tid + ":object-1");
                    assertThat(identity.emailVerified()).isTrue();
                });
    }

    @Test
    void microsoftEmailCountsAsVerifiedOnlyWithXmsEdov() {
        String tid = "11111111-2222-3333-4444-555555555555";
        h.idp.tenantTemplateIssuer(true);
        OAuthLogin oauth = h.login(microsoft().build());
        // email_verified is not Entra's claim: without xms_edov, an Entra email is unverified.
        h.idp.signInAs(
                Account.verified("s", "new@contoso.example").with("tid", tid).with("oid", "o-1"));

        assertThatThrownBy(() -> h.signIn(oauth, "microsoft"))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.EMAIL_NOT_VERIFIED));
    }

    @Test
    void linkedInWorksWithoutNonceOrPkceWithSecretPostUseLessKeysAndAStringEmailVerified() {
        h.idp.nonceInIdToken(false)
                .keysWithoutUse(true)
                .rejectPkceVerifier(true)
                .clientSecretPostOnly(true)
                .emailVerifiedAsString(true);
        h.idp.signInAs(Account.verified("li-1", "ada@example.com"));
        OAuthLogin oauth = h.login(OAuthProvider.linkedIn(
                        FakeOidcProvider.CLIENT_ID, FakeOidcProvider.CLIENT_SECRET, Harness.callback("linkedin"))
                .discoveryUri(h.idp.discoveryUri())
                .build());

        AuthorizationStart start = oauth.start("linkedin", TENANT, "/");
        assertThat(FakeOidcProvider.form(start.redirect().getRawQuery())).doesNotContainKey("code_challenge");
        Harness.Callback callback = h.authorize(start);
        LoginResult login = oauth.finish("linkedin", callback.params(), callback.cookieHeader())
                .login();

        assertThat(login.user().email()).isEqualTo("ada@example.com");
        assertThat(h.idp.lastTokenRequest()).containsEntry("client_id", FakeOidcProvider.CLIENT_ID);
        assertThat(h.auth.listExternalIdentities(TENANT, login.user().id()))
                .singleElement()
                .satisfies(identity -> {
                    assertThat(identity.issuer()).as("from discovery").isEqualTo(h.idp.issuer());
                    assertThat(identity.emailVerified()).as("\"true\" counts").isTrue();
                });
    }

    @Test
    void aLinkedInStyleIdTokenWithAForeignNonceIsStillRefused() {
        h.idp.rejectPkceVerifier(true).clientSecretPostOnly(true).attack(FakeOidcProvider.IdTokenAttack.WRONG_NONCE);
        OAuthLogin oauth = h.login(OAuthProvider.linkedIn(
                        FakeOidcProvider.CLIENT_ID, FakeOidcProvider.CLIENT_SECRET, Harness.callback("linkedin"))
                .discoveryUri(h.idp.discoveryUri())
                .build());

        assertReason(() -> h.signIn(oauth, "linkedin"), OAuthException.Reason.NONCE_MISMATCH);
    }

    @Test
    void anyOpenIdConnectProviderWorksFromItsIssuerUrl() {
        h.idp.signInAs(Account.verified("x-1", "ada@example.com"));
        OAuthLogin oauth = h.login(OAuthProvider.oidc(
                        "acme-sso",
                        h.idp.issuer(),
                        FakeOidcProvider.CLIENT_ID,
                        FakeOidcProvider.CLIENT_SECRET,
                        Harness.callback("acme-sso"))
                .build());

        assertThat(h.signIn(oauth, "acme-sso").login().user().email()).isEqualTo("ada@example.com");
    }

    @Test
    void theEmailComesFromUserinfoWhenTheIdTokenHasNone() {
        h.idp.signInAs(new Account("u-1", null, null, java.util.Map.of()));
        OAuthLogin oauth = h.login(h.google().build());

        // The fake's userinfo has no email for this account either: no verified email, no account.
        assertThatThrownBy(() -> h.signIn(oauth, "google"))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.EMAIL_NOT_VERIFIED));
    }

    @Test
    void aSignedInUserLinksAProviderWithALinkIntent() {
        LoginResult phoneUser = h.otpLogin("+14155550123");
        h.idp.signInAs(Account.unverified("g-9", "someone@example.com"));
        OAuthLogin oauth = h.login(h.google().build());

        AuthorizationStart start =
                oauth.startLink("google", TENANT, "/account", phoneUser.tokens().accessToken());
        Harness.Callback callback = h.authorize(start);
        LoginResult linked = oauth.finish("google", callback.params(), callback.cookieHeader())
                .login();

        assertThat(linked.user().id()).isEqualTo(phoneUser.user().id());
        assertThat(h.signIn(oauth, "google").login().user().id())
                .isEqualTo(phoneUser.user().id());
    }

    @Test
    void aLinkIntentNeedsALiveSessionOfTheTenant() {
        OAuthLogin oauth = h.login(h.google().build());
        LoginResult user = h.otpLogin("+14155550123");

        assertReason(
                () -> oauth.startLink("google", TENANT, "/", "not-a-token"),
                OAuthException.Reason.LINK_NOT_AUTHENTICATED);
        assertReason(
                () -> oauth.startLink("google", "other", "/", user.tokens().accessToken()),
                OAuthException.Reason.LINK_NOT_AUTHENTICATED);
        h.auth.signOut(user.tokens().accessToken(), SignOutScope.LOCAL);
        assertReason(
                () -> oauth.startLink("google", TENANT, "/", user.tokens().accessToken()),
                OAuthException.Reason.LINK_NOT_AUTHENTICATED);
    }

    @Test
    void aProviderThatIsDownIsUnavailableNotAHang() {
        OAuthLogin oauth = h.login(h.google().build());
        h.idp.down(true);

        assertThatThrownBy(() -> oauth.start("google", TENANT, "/")).isInstanceOfSatisfying(OAuthException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(e.reason()).isEqualTo(OAuthException.Reason.PROVIDER_UNAVAILABLE);
        });
    }

    @Test
    void aProviderThatNeverAnswersTimesOutAsUnavailable() throws Exception {
        try (java.net.ServerSocket silent =
                new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            URI discovery =
                    URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/.well-known/openid-configuration");
            OAuthLogin oauth = h.login(
                    b -> b.requestTimeout(Duration.ofMillis(300)),
                    h.google().discoveryUri(discovery).build());
            long started = System.nanoTime();

            assertReason(() -> oauth.start("google", TENANT, "/"), OAuthException.Reason.PROVIDER_UNAVAILABLE);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void theTokenEndpointFailingIsUnavailable() {
        OAuthLogin oauth = h.login(h.google().build());
        Harness.Callback callback = h.authorize(oauth.start("google", TENANT, "/"));
        h.idp.down(true);

        assertReason(
                () -> oauth.finish("google", callback.params(), callback.cookieHeader()),
                OAuthException.Reason.PROVIDER_UNAVAILABLE);
    }

    private OAuthProvider.Builder microsoft() {
        return OAuthProvider.microsoft(
                        "organizations",
                        FakeOidcProvider.CLIENT_ID,
                        FakeOidcProvider.CLIENT_SECRET,
                        Harness.callback("microsoft"))
                .issuer(h.idp.issuer())
                .discoveryUri(h.idp.discoveryUri());
    }

    static void assertReason(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, OAuthException.Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.reason())
                .isEqualTo(reason));
    }
}
