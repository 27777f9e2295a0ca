package dev.latchkey.auth.oauth;

import static dev.latchkey.auth.oauth.Harness.TENANT;
import static dev.latchkey.auth.oauth.OAuthSignInTest.assertReason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.oauth.OAuthException.Reason;
import dev.latchkey.auth.oauth.OAuthProvider.ResponseMode;
import dev.latchkey.auth.testkit.FakeOidcProvider;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The provider's response mode: query (a top-level GET back, {@code SameSite=Lax}) or form_post (a cross-site POST
 * back, {@code SameSite=None; Secure}), with the same state binding in both. The browser side of it is {@code
 * examples}' {@code LoginPageBrowserTest}.
 */
class ResponseModeTest {
    private static final String CALLBACK_PATH = "Path=/api/auth/oauth/google/callback";

    private final Harness h = new Harness();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void theDefaultQueryModeSendsNoResponseModeAndSetsAndClearsALaxCookie() {
        OAuthProvider google = h.google().build();
        OAuthLogin oauth = h.login(google);

        AuthorizationStart start = oauth.start("google", TENANT, "/");
        Harness.Callback callback = h.authorize(start);
        OAuthCompletion done = oauth.finish("google", callback.params(), callback.cookieHeader());

        assertThat(google.responseMode()).isEqualTo(ResponseMode.QUERY);
        assertThat(FakeOidcProvider.form(start.redirect().getRawQuery())).doesNotContainKey("response_mode");
        assertThat(start.cookie().sameSite()).isEqualTo(TransactionCookie.SameSite.LAX);
        assertThat(start.cookie().setCookieHeader())
                .contains("HttpOnly", "Secure", "SameSite=Lax", CALLBACK_PATH)
                .doesNotContain("SameSite=None");
        assertThat(done.clearCookie().setCookieHeader())
                .startsWith(start.cookie().name() + "=;")
                .contains("Max-Age=0", "HttpOnly", "Secure", "SameSite=Lax", CALLBACK_PATH);
    }

    @Test
    void aFormPostProviderAsksForFormPostAndSetsASameSiteNoneSecureHttpOnlyCookieOnTheCallbackPath() {
        OAuthLogin oauth =
                h.login(h.google().responseMode(ResponseMode.FORM_POST).build());

        AuthorizationStart start = oauth.start("google", TENANT, "/");

        assertThat(FakeOidcProvider.form(start.redirect().getRawQuery())).containsEntry("response_mode", "form_post");
        assertThat(start.cookie().sameSite()).isEqualTo(TransactionCookie.SameSite.NONE);
        assertThat(start.cookie().setCookieHeader())
                .contains("HttpOnly", "Secure", "SameSite=None", CALLBACK_PATH, "Max-Age=600")
                .doesNotContain("SameSite=Lax");
    }

    @Test
    void aFormPostSignInCompletesAndItsDeletingCookiesCarryTheSameAttributes() {
        OAuthLogin oauth =
                h.login(h.google().responseMode(ResponseMode.FORM_POST).build());
        AuthorizationStart start = oauth.start("google", TENANT, "/account");
        Harness.Callback callback = h.authorize(start);

        OAuthCompletion done = oauth.finish("google", callback.params(), callback.cookieHeader());

        assertThat(done.returnPath()).isEqualTo("/account");
        assertThat(done.login().user().email()).isEqualTo("user@example.com");
        String deleting =
                start.cookie().name() + "=; " + CALLBACK_PATH + "; Max-Age=0; HttpOnly; Secure; SameSite=None";
        assertThat(done.clearCookie().setCookieHeader()).isEqualTo(deleting);
        assertThat(oauth.clearCookieFor("google", callback.params()))
                .map(TransactionCookie::setCookieHeader)
                .contains(deleting);
    }

    @Test
    void aFormPostCallbackIsStillBoundToTheBrowserAndSingleUse() {
        OAuthLogin oauth =
                h.login(h.google().responseMode(ResponseMode.FORM_POST).build());
        Harness.Callback attackers = h.authorize(oauth.start("google", TENANT, "/"));
        Harness.Callback victims = h.authorize(oauth.start("google", TENANT, "/"));

        assertReason(() -> oauth.finish("google", attackers.params(), victims.cookieHeader()), Reason.STATE_MISMATCH);
        assertReason(() -> oauth.finish("google", victims.params(), null), Reason.STATE_MISMATCH);
        oauth.finish("google", victims.params(), victims.cookieHeader());
        assertReason(() -> oauth.finish("google", victims.params(), victims.cookieHeader()), Reason.REPLAYED);
    }

    @Test
    void theFakeProviderAnswersFormPostWithAPageThatPostsTheEscapedAnswerToTheRedirectUri() throws Exception {
        h.idp.issParameter(true).denyWith("access_denied");
        OAuthLogin oauth =
                h.login(h.google().responseMode(ResponseMode.FORM_POST).build());
        AuthorizationStart start = oauth.start("google", TENANT, "/");

        HttpResponse<String> page = get(start);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body())
                .contains("<form method=\"post\" action=\"" + Harness.callback("google") + "\">")
                .contains("document.forms[0].submit()")
                .doesNotContain("<script>alert");
        Map<String, String> fields = FakeOidcProvider.answerForm(page.body()).fields();
        assertThat(fields)
                .containsEntry("error", "access_denied")
                .containsEntry("error_description", "<script>alert('the user said no')</script>")
                .containsEntry("iss", h.idp.issuer())
                .containsEntry(
                        "state",
                        FakeOidcProvider.form(start.redirect().getRawQuery()).get("state"));
        assertReason(
                () -> oauth.finish(
                        "google",
                        fields,
                        start.cookie().name() + "=" + start.cookie().value()),
                Reason.ACCESS_DENIED);
    }

    @Test
    void aFormPostProviderWhoseMetadataListsResponseModesWithoutFormPostIsRefusedBeforeAnythingIsIssued() {
        h.idp.responseModesSupported(List.of("query", "fragment"));
        OAuthLogin oauth =
                h.login(h.google().responseMode(ResponseMode.FORM_POST).build());

        assertThatThrownBy(() -> oauth.start("google", TENANT, "/"))
                .isInstanceOfSatisfying(OAuthException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.PROVIDER_UNAVAILABLE);
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE);
                })
                .hasMessage("the provider's metadata does not list response mode form_post")
                .hasMessageNotContaining(FakeOidcProvider.CLIENT_SECRET);
        assertThat(h.idp.lastAuthorizationRequest()).isEmpty();
        assertThat(h.idp.tokenRequests()).isZero();
        assertThat(h.idp.jwksRequests()).isZero();
    }

    @Test
    void aRefusedResponseModeIsNotCachedSoTheProviderAddingFormPostLetsSignInsStart() {
        h.idp.responseModesSupported(List.of("query"));
        OAuthLogin oauth =
                h.login(h.google().responseMode(ResponseMode.FORM_POST).build());
        assertReason(() -> oauth.start("google", TENANT, "/"), Reason.PROVIDER_UNAVAILABLE);

        h.idp.responseModesSupported(List.of("query", "form_post"));

        assertThat(h.signIn(oauth, "google").login().user().email()).isEqualTo("user@example.com");
    }

    @Test
    void aFormPostProviderWhoseMetadataPublishesNoResponseModesSignsIn() {
        h.idp.responseModesSupported(null);
        OAuthLogin oauth =
                h.login(h.google().responseMode(ResponseMode.FORM_POST).build());

        AuthorizationStart start = oauth.start("google", TENANT, "/");
        Harness.Callback callback = h.authorize(start);
        OAuthCompletion done = oauth.finish("google", callback.params(), callback.cookieHeader());

        assertThat(FakeOidcProvider.form(start.redirect().getRawQuery())).containsEntry("response_mode", "form_post");
        assertThat(done.login().user().email()).isEqualTo("user@example.com");
    }

    @Test
    void aQueryProviderSignsInWhenTheMetadataListsQueryWithoutFormPost() {
        h.idp.responseModesSupported(List.of("query"));
        OAuthLogin oauth = h.login(h.google().build());

        assertThat(h.signIn(oauth, "google").login().user().email()).isEqualTo("user@example.com");
    }

    @Test
    void aQueryProviderWhoseMetadataListsResponseModesWithoutQueryIsRefused() {
        h.idp.responseModesSupported(List.of("form_post"));
        OAuthLogin oauth = h.login(h.google().build());

        assertThatThrownBy(() -> oauth.start("google", TENANT, "/"))
                .isInstanceOfSatisfying(
                        OAuthException.class, e -> assertThat(e.reason()).isEqualTo(Reason.PROVIDER_UNAVAILABLE))
                .hasMessage("the provider's metadata does not list response mode query");
        assertThat(h.idp.lastAuthorizationRequest()).isEmpty();
    }

    @Test
    void responseModesSupportedThatIsNotAListIsRefusedAsMalformed() {
        OAuthProvider google = h.google().responseMode(ResponseMode.FORM_POST).build();
        Map<String, Object> metadata = Map.of(
                "issuer", h.idp.issuer(),
                "authorization_endpoint", h.idp.issuer() + "/authorize",
                "token_endpoint", h.idp.issuer() + "/token",
                "jwks_uri", h.idp.issuer() + "/jwks",
                "response_modes_supported", "form_post");

        assertThatThrownBy(() -> ProviderMetadata.of(google, metadata))
                .isInstanceOfSatisfying(
                        OAuthException.class, e -> assertThat(e.reason()).isEqualTo(Reason.PROVIDER_UNAVAILABLE))
                .hasMessage("the provider's metadata has a malformed response_modes_supported");
    }

    @ParameterizedTest
    @ValueSource(strings = {"response_mode", "RESPONSE_MODE", " response_mode "})
    void aResponseModeSetByHandAsAnExtraParameterIsRefused(String name) {
        OAuthProvider.Builder google = h.google();

        assertThatThrownBy(() -> google.extraAuthorizationParameter(name, "form_post"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("responseMode(ResponseMode.FORM_POST)");
    }

    @Test
    void otherExtraParametersAreStillSent() {
        OAuthLogin oauth = h.login(h.google()
                .extraAuthorizationParameter("login_hint", "ada@example.com")
                .build());

        AuthorizationStart start = oauth.start("google", TENANT, "/");

        assertThat(FakeOidcProvider.form(start.redirect().getRawQuery()))
                .containsEntry("login_hint", "ada@example.com")
                .containsEntry("prompt", "select_account");
    }

    @Test
    void theResponseModeIsRequired() {
        assertThatThrownBy(() -> h.google().responseMode(null)).isInstanceOf(NullPointerException.class);
    }

    private static HttpResponse<String> get(AuthorizationStart start) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        return client.send(
                HttpRequest.newBuilder(start.redirect()).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
