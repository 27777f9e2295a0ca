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
 * {@code .ci/run} installs): "Sign in with Google" against the fake provider, refresh, sign out; and a one-time-code
 * login through the same page. Selenium Manager never runs: the driver and the browser are given explicitly.
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
        idp = FakeOidcProvider.start();
        server = ExampleServer.start(
                TestServers.env(
                        "GOOGLE_CLIENT_ID", FakeOidcProvider.CLIENT_ID,
                        "GOOGLE_CLIENT_SECRET", FakeOidcProvider.CLIENT_SECRET,
                        "GOOGLE_ISSUER", idp.issuer()),
                inbox,
                Clock.systemUTC());
        browser.manage().deleteAllCookies();
    }

    @AfterEach
    void stop() {
        server.close();
        idp.close();
    }

    @Test
    void signInWithGoogleThenRefreshThenSignOut() {
        idp.signInAs(Account.verified("g-1", "ada@example.com"));
        browser.get(server.baseUri() + "/");

        waitFor(By.id("signin-google")).click();

        waitVisible(By.id("signed-in"));
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
