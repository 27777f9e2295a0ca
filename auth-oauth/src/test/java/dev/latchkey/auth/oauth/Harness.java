package dev.latchkey.auth.oauth;

import dev.latchkey.auth.AuthEvent;
import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.AuthSettings;
import dev.latchkey.auth.JwtKey;
import dev.latchkey.auth.LoginResult;
import dev.latchkey.auth.OtpDispatch;
import dev.latchkey.auth.spi.OtpMessage;
import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.store.memory.MemoryOTPStore;
import dev.latchkey.auth.store.memory.MemoryRateLimitStore;
import dev.latchkey.auth.store.memory.MemorySessionStore;
import dev.latchkey.auth.store.memory.MemoryUserDatabase;
import dev.latchkey.auth.testkit.FakeOidcProvider;
import dev.latchkey.auth.testkit.MutableClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/** A facade over the memory stores, an {@link OAuthLogin} against a {@link FakeOidcProvider}, and a scripted browser. */
final class Harness implements AutoCloseable {
    static final String TENANT = "acme";
    static final byte[] HASH_SECRET = "Vb7Qx2Lm9Tz4Kp1Wn8Rc5Hd3Jf6Gs0Ya2Ue7Io4Pl9".getBytes(StandardCharsets.UTF_8);
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    final MutableClock clock = new MutableClock(T0);
    final FakeOidcProvider idp = FakeOidcProvider.start(clock);
    final MemoryUserDatabase users = new MemoryUserDatabase();
    final List<OtpMessage> sent = new CopyOnWriteArrayList<>();
    final List<AuthEvent> events = new CopyOnWriteArrayList<>();
    final AuthFacade auth;
    private final MemoryOTPStore otp = new MemoryOTPStore();
    final RateLimitStore rateLimits = new MemoryRateLimitStore();
    private final HttpClient browser = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    Harness() {
        auth = AuthFacade.builder()
                .settings(AuthSettings.builder()
                        .hashSecret(HASH_SECRET)
                        .signingKey(JwtKey.generateEs256("k1"))
                        .build())
                .userDatabase(users)
                .externalIdentityStore(users)
                .otpStore(otp)
                .rateLimitStore(rateLimits)
                .sessionStore(new MemorySessionStore())
                .otpSender(sent::add)
                .clock(clock)
                .eventListener(events::add)
                .build();
    }

    static URI callback(String provider) {
        return URI.create("http://127.0.0.1:9/api/auth/oauth/" + provider + "/callback");
    }

    /** Google's preset pointed at the fake provider. */
    OAuthProvider.Builder google() {
        return OAuthProvider.google(FakeOidcProvider.CLIENT_ID, FakeOidcProvider.CLIENT_SECRET, callback("google"))
                .issuer(idp.issuer())
                .discoveryUri(idp.discoveryUri());
    }

    OAuthLogin login(OAuthProvider... providers) {
        return login(b -> b, providers);
    }

    OAuthLogin login(UnaryOperator<OAuthLogin.Builder> customise, OAuthProvider... providers) {
        OAuthLogin.Builder b = OAuthLogin.builder()
                .facade(auth)
                .hashSecret(HASH_SECRET)
                .replayGuard(rateLimits)
                .allowedReturnPaths(java.util.Set.of("/", "/account"))
                .clock(clock)
                .connectTimeout(Duration.ofSeconds(2))
                .requestTimeout(Duration.ofSeconds(2));
        for (OAuthProvider p : providers) {
            b.provider(p);
        }
        return customise.apply(b).build();
    }

    /** What the browser brings to the callback: the provider's redirect parameters and the transaction cookie. */
    record Callback(Map<String, String> params, String cookieHeader) {
        Callback withParam(String name, String value) {
            Map<String, String> copy = new java.util.LinkedHashMap<>(params);
            if (value == null) {
                copy.remove(name);
            } else {
                copy.put(name, value);
            }
            return new Callback(copy, cookieHeader);
        }

        Callback withCookie(String header) {
            return new Callback(params, header);
        }
    }

    /**
     * Follows the authorization request to the fake provider and back, as a browser would: the redirect's query, or
     * for {@code response_mode=form_post} the fields of the form its page posts to the callback.
     */
    Callback authorize(AuthorizationStart start) {
        String cookie = start.cookie().name() + "=" + start.cookie().value();
        try {
            HttpResponse<String> answer = browser.send(
                    HttpRequest.newBuilder(start.redirect()).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 200) {
                return new Callback(FakeOidcProvider.answerForm(answer.body()).fields(), cookie);
            }
            String location = answer.headers().firstValue("Location").orElseThrow();
            return new Callback(FakeOidcProvider.form(URI.create(location).getRawQuery()), cookie);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    OAuthCompletion signIn(OAuthLogin oauth, String provider) {
        Callback callback = authorize(oauth.start(provider, TENANT, "/"));
        return oauth.finish(provider, callback.params(), callback.cookieHeader());
    }

    LoginResult otpLogin(String destination) {
        OtpDispatch dispatch = auth.sendOtp(TENANT, destination);
        return auth.verifyOtp(
                TENANT,
                destination,
                dispatch.challengeId(),
                sent.get(sent.size() - 1).code());
    }

    @Override
    public void close() {
        idp.close();
    }
}
