package dev.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.testkit.FakeOidcProvider;
import dev.latchkey.auth.testkit.FakeOidcProvider.Account;
import java.io.File;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The login page end to end in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, which
 * {@code .ci/run} installs): "Sign in with Google" against the fake provider, refresh, sign out; a sign-in through a
 * {@code response_mode=form_post} provider; and a one-time-code login through the same page. Selenium Manager never
 * runs: the driver and the browser are given explicitly.
 *
 * <p>Cross-site, as with a real provider: the application is {@code http://127.0.0.1:<port>} and the provider {@code
 * http://localhost:<port>}, two sites to the browser (ports do not make sites differ, hosts do), so its {@code
 * SameSite} rules apply to the way back: a {@code SameSite=Lax} cookie rides the query mode's top-level GET redirect
 * but not the form_post mode's POST. Chromium counts both loopback names as secure contexts, so {@code Secure}
 * cookies work over plain http here.
 */
class LoginPageBrowserTest {
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final File CHROMIUM = new File("/usr/bin/chromium");

    private static WebDriver browser;
    private FakeOidcProvider idp;
    private ExampleServer server;
    private final TestInbox inbox = new TestInbox();

    @BeforeAll
    static void openBrowser() {
        assertThat(CHROMEDRIVER)
                .as("Debian package chromium-driver (.ci/run installs it)")
                .canRead();
        assertThat(CHROMIUM).as("Debian package chromium (.ci/run installs it)").canRead();
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM)
                .addArguments(
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-dev-shm-usage");
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void start() {
        idp = FakeOidcProvider.start(Clock.systemUTC(), "localhost");
        server = ExampleServer.start(
                TestServers.env(
                        "GOOGLE_CLIENT_ID",
                        FakeOidcProvider.CLIENT_ID,
                        "GOOGLE_CLIENT_SECRET",
                        FakeOidcProvider.CLIENT_SECRET,
                        "GOOGLE_ISSUER",
                        idp.issuer(),
                        // The same fake provider again, as a provider that posts its answer (Sign in with Apple).
                        "OIDC_ISSUER",
                        idp.issuer(),
                        "OIDC_CLIENT_ID",
                        FakeOidcProvider.CLIENT_ID,
                        "OIDC_CLIENT_SECRET",
                        FakeOidcProvider.CLIENT_SECRET,
                        "OIDC_PROVIDER_ID",
                        "posting-sso",
                        "OIDC_DISPLAY_NAME",
                        "Posting SSO",
                        "OIDC_RESPONSE_MODE",
                        "form_post"),
                inbox,
                Clock.systemUTC());
        assertThat(idp.baseUri().getHost())
                .as("the provider is another site than the application")
                .isEqualTo("localhost")
                .isNotEqualTo(server.baseUri().getHost());
        browser.manage().deleteAllCookies();
    }

    @AfterEach
    void stop() {
        server.close();
        idp.close();
    }

    /**
     * The user approves on the provider's page, so the GET back to the callback starts on the provider's site (a
     * redirect chain that starts and ends on the application's would be same-site): the default {@code SameSite=Lax}
     * cookie rides it; {@code SameSite=Strict} would not.
     */
    @Test
    void signInWithGoogleThenRefreshThenSignOut() {
        idp.signInAs(Account.verified("g-1", "ada@example.com")).approveByClick(true);
        browser.get(server.baseUri() + "/");

        waitFor(By.id("signin-google")).click();
        waitFor(By.id("approve")).click();

        waitForTheSignInToEnd();
        assertThat(idp.lastAuthorizationRequest()).doesNotContainKey("response_mode");
        assertThat(text("user-name")).isEqualTo("ada@example.com");
        assertThat(browser.getCurrentUrl())
                .as("the exchange code is gone from the address bar")
                .doesNotContain("oauth_code");
        browser.findElement(By.id("refresh")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(ExpectedConditions.textToBe(By.id("refresh-count"), "1"));
        browser.findElement(By.id("signout")).click();
        waitVisible(By.id("signed-out"));
        assertThat(text("status")).isEqualTo("Signed out.");
    }

    /**
     * The provider's page posts the answer from its site to the application's callback: the browser sends the
     * transaction cookie with that cross-site POST only because it is {@code SameSite=None}. With {@code
     * SameSite=Lax} this sign-in ends "Sign-in refused: oauth_failed" (the state check finds no cookie).
     */
    @Test
    void aFormPostSignInFromTheProvidersSiteCompletes() {
        idp.signInAs(Account.verified("apple-1", "grace@example.com"));
        browser.get(server.baseUri() + "/");

        waitFor(By.id("signin-posting-sso")).click();

        waitForTheSignInToEnd();
        assertThat(idp.lastAuthorizationRequest()).containsEntry("response_mode", "form_post");
        assertThat(text("user-name")).isEqualTo("grace@example.com");
        assertThat(browser.getCurrentUrl()).startsWith(server.baseUri() + "/").doesNotContain("oauth_code");
    }

    @Test
    void aCancelledSignInShowsTheTypedReason() {
        idp.denyWith("access_denied");
        browser.get(server.baseUri() + "/");

        waitFor(By.id("signin-google")).click();

        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "oauth_failed"));
        assertThat(browser.findElement(By.id("signed-out")).isDisplayed()).isTrue();
    }

    @Test
    void signInWithAOneTimeCodeThroughTheSamePage() {
        browser.get(server.baseUri() + "/");
        waitFor(By.id("destination")).sendKeys("grace@example.com");
        browser.findElement(By.id("send")).click();
        waitVisible(By.id("otp-verify"));

        browser.findElement(By.id("code")).sendKeys(inbox.lastCode("acme", "grace@example.com"));
        browser.findElement(By.id("verify")).click();

        waitVisible(By.id("signed-in"));
        assertThat(text("user-name")).isEqualTo("grace@example.com");
    }

    /** Until the page shows the signed-in user or a refusal; then it must be the user, or the refusal is the reason. */
    private static void waitForTheSignInToEnd() {
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(ExpectedConditions.or(
                        ExpectedConditions.visibilityOfElementLocated(By.id("signed-in")),
                        ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "refused")));
        assertThat(browser.findElement(By.id("signed-in")).isDisplayed())
                .as("signed in; the page says: %s", text("status"))
                .isTrue();
    }

    private static org.openqa.selenium.WebElement waitFor(By by) {
        return new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.elementToBeClickable(by));
    }

    private static void waitVisible(By by) {
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }
}
