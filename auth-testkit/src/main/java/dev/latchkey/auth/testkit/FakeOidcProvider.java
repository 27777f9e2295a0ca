package dev.latchkey.auth.testkit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An OpenID Connect provider in the test's JVM, on the JDK's HTTP server: discovery, JWKS, authorize (approves at once
 * as the configured account, no login page; answers with a redirect, or for {@code response_mode=form_post} with a page
 * that auto-submits a POST form to the redirect URI, as real providers do), token and userinfo, signing ID tokens with
 * RS256 through nimbus. Every
 * quirk of the real providers Latchkey supports, and every attack its sign-in must refuse, is a switch, so a host can
 * test its own configuration against it without the internet:
 *
 * <pre>{@code
 * try (FakeOidcProvider idp = FakeOidcProvider.start(clock)) {
 *     idp.signInAs(FakeOidcProvider.Account.verified("g-123", "ada@example.com"));
 *     OAuthProvider google = OAuthProvider.google(FakeOidcProvider.CLIENT_ID, FakeOidcProvider.CLIENT_SECRET, callback)
 *             .issuer(idp.issuer()).discoveryUri(idp.discoveryUri()).build();
 *     ...
 * }
 * }</pre>
 *
 * <p>Switches are volatile fields: set them before the step they affect. Thread-safe.
 */
public final class FakeOidcProvider implements AutoCloseable {
    /** The registered client id. */
    public static final String CLIENT_ID = "latchkey-test-client";
    /** The registered client secret (long enough to key HS256, for the attack that uses it). */
    public static final String CLIENT_SECRET = "fake-provider-client-secret-0123456789abcdef";

    /** The account the next authorization approves. */
    public record Account(
            String subject,
            @Nullable String email,
            @Nullable Object emailVerified,
            Map<String, Object> extraClaims) {
        public Account {
            Objects.requireNonNull(subject, "subject");
            extraClaims = Map.copyOf(extraClaims);
        }

        /** An account whose email the provider asserts as verified. */
        public static Account verified(String subject, String email) {
            return new Account(subject, email, true, Map.of());
        }

        /** An account whose email the provider does not assert as verified. */
        public static Account unverified(String subject, String email) {
            return new Account(subject, email, false, Map.of());
        }

        /** A copy with one more ID token claim, such as {@code hd}, {@code tid}, {@code oid} or {@code xms_edov}. */
        public Account with(String claim, Object value) {
            Map<String, Object> claims = new LinkedHashMap<>(extraClaims);
            claims.put(claim, value);
            return new Account(subject, email, emailVerified, claims);
        }
    }

    /** How the next ID token is forged or broken. */
    public enum IdTokenAttack {
        /** A correct token. */
        NONE,
        /** Unsigned: {@code alg: none}. */
        ALG_NONE,
        /** HS256 keyed by the client secret. */
        HS256_WITH_CLIENT_SECRET,
        /** Another issuer. */
        WRONG_ISSUER,
        /** Another audience. */
        WRONG_AUDIENCE,
        /** Two audiences and no {@code azp}. */
        EXTRA_AUDIENCE_WITHOUT_AZP,
        /** Another nonce. */
        WRONG_NONCE,
        /** Expired ten minutes ago. */
        EXPIRED,
        /** Signed with a key the JWKS never publishes. */
        UNPUBLISHED_KEY,
        /** Correctly signed, but the signature bytes are altered. */
        BAD_SIGNATURE
    }

    private final HttpServer server;
    private final Clock clock;
    private final String base;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final Map<String, Account> accessTokens = new ConcurrentHashMap<>();
    private final AtomicInteger jwksRequests = new AtomicInteger();
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private volatile RSAKey signingKey = newKey();
    private volatile Map<String, String> lastTokenRequest = Map.of();
    private volatile Map<String, String> lastAuthorizationRequest = Map.of();

    private volatile Account account = Account.verified("subject-1", "user@example.com");
    private volatile @Nullable String denyWith;
    private volatile boolean tenantTemplateIssuer;
    private volatile boolean issParameter;
    private volatile boolean nonceInIdToken = true;
    private volatile boolean keysWithoutUse;
    private volatile boolean rejectPkceVerifier;
    private volatile boolean clientSecretPostOnly;
    private volatile boolean emailVerifiedAsString;
    private volatile boolean legacyIssuerForm;
    private volatile boolean down;
    private volatile boolean approveByClick;
    private volatile @Nullable List<String> responseModes = List.of("query", "form_post");
    private volatile IdTokenAttack attack = IdTokenAttack.NONE;

    private record Grant(
            Account account,
            @Nullable String nonce,
            @Nullable String codeChallenge,
            String redirectUri,
            String clientId,
            Instant at) {}

    private FakeOidcProvider(HttpServer server, Clock clock, String hostName) {
        this.server = server;
        this.clock = clock;
        this.base = "http://" + hostName + ":" + server.getAddress().getPort();
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-oidc-provider");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** A provider on a free loopback port, with the system clock. */
    public static FakeOidcProvider start() {
        return start(Clock.systemUTC());
    }

    /** A provider on a free loopback port whose ID tokens take their times from {@code clock}. */
    public static FakeOidcProvider start(Clock clock) {
        return start(clock, "127.0.0.1");
    }

    /**
     * A provider on a free loopback port whose URLs (issuer, endpoints) name the loopback address {@code hostName}:
     * {@code 127.0.0.1} or {@code localhost}. Browsers count these as two sites, so an application reached on one and
     * this provider on the other makes a browser test cross-site, as with a real provider.
     *
     * @throws IllegalArgumentException for any other host name
     */
    public static FakeOidcProvider start(Clock clock, String hostName) {
        if (!hostName.equals("127.0.0.1") && !hostName.equals("localhost")) {
            throw new IllegalArgumentException("hostName must be 127.0.0.1 or localhost");
        }
        try {
            return new FakeOidcProvider(
                    HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), clock, hostName);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake provider", e);
        }
    }

    /** {@code http://127.0.0.1:<port>}, or with the host name given to {@link #start(Clock, String)}. */
    public URI baseUri() {
        return URI.create(base);
    }

    /** The issuer its metadata publishes (Entra ID style template with {@code {tenantid}} when that switch is on). */
    public String issuer() {
        return tenantTemplateIssuer ? base + "/{tenantid}/v2.0" : base;
    }

    /** Where its metadata is. */
    public URI discoveryUri() {
        return URI.create(base + "/.well-known/openid-configuration");
    }

    /** The account the next authorizations approve. */
    public FakeOidcProvider signInAs(Account value) {
        this.account = Objects.requireNonNull(value, "account");
        return this;
    }

    /** The next authorization answers with this error (for example {@code access_denied}); {@code null} approves. */
    public FakeOidcProvider denyWith(@Nullable String error) {
        this.denyWith = error;
        return this;
    }

    /** Entra ID multi-tenant: metadata issuer {@code <base>/{tenantid}/v2.0}, tokens {@code <base>/<tid>/v2.0}. */
    public FakeOidcProvider tenantTemplateIssuer(boolean value) {
        this.tenantTemplateIssuer = value;
        return this;
    }

    /** RFC 9207: advertise {@code authorization_response_iss_parameter_supported} and send {@code iss}. */
    public FakeOidcProvider issParameter(boolean value) {
        this.issParameter = value;
        return this;
    }

    /** LinkedIn: {@code false} leaves the nonce out of ID tokens. */
    public FakeOidcProvider nonceInIdToken(boolean value) {
        this.nonceInIdToken = value;
        return this;
    }

    /** LinkedIn: JWKS keys without {@code use}. */
    public FakeOidcProvider keysWithoutUse(boolean value) {
        this.keysWithoutUse = value;
        return this;
    }

    /** LinkedIn: a token request with a PKCE verifier is {@code invalid_client}. */
    public FakeOidcProvider rejectPkceVerifier(boolean value) {
        this.rejectPkceVerifier = value;
        return this;
    }

    /** LinkedIn: only {@code client_secret_post} authenticates the client. */
    public FakeOidcProvider clientSecretPostOnly(boolean value) {
        this.clientSecretPostOnly = value;
        return this;
    }

    /** LinkedIn: {@code email_verified} as the string {@code "true"}/{@code "false"}. */
    public FakeOidcProvider emailVerifiedAsString(boolean value) {
        this.emailVerifiedAsString = value;
        return this;
    }

    /** Google: ID tokens carry the issuer without scheme ({@code 127.0.0.1:<port>}, like {@code accounts.google.com}). */
    public FakeOidcProvider legacyIssuerForm(boolean value) {
        this.legacyIssuerForm = value;
        return this;
    }

    /** The legacy issuer form {@link #legacyIssuerForm} emits. */
    public String legacyIssuer() {
        return base.substring("http://".length());
    }

    /** How the next ID tokens are broken. */
    public FakeOidcProvider attack(IdTokenAttack value) {
        this.attack = Objects.requireNonNull(value, "attack");
        return this;
    }

    /**
     * The authorize endpoint answers with a page on which the user clicks "Continue" (element id {@code approve}), as
     * after a real provider's sign-in and consent screens: the way back to the redirect URI, a GET with the answer in
     * the query or the form_post POST, then starts on this provider's site. Off: a redirect, or a form_post page that
     * submits itself.
     */
    public FakeOidcProvider approveByClick(boolean value) {
        this.approveByClick = value;
        return this;
    }

    /**
     * The {@code response_modes_supported} its metadata publishes, default {@code ["query", "form_post"]}; {@code null}
     * leaves the field out. The authorize endpoint still answers in the mode asked for.
     */
    public FakeOidcProvider responseModesSupported(@Nullable List<String> values) {
        this.responseModes = values == null ? null : List.copyOf(values);
        return this;
    }

    /** Every endpoint answers 503. */
    public FakeOidcProvider down(boolean value) {
        this.down = value;
        return this;
    }

    /** Signs from now on with a new key and publishes only that one (a key rotation). */
    public FakeOidcProvider rotateKeys() {
        this.signingKey = newKey();
        return this;
    }

    /** How many times the JWKS was fetched. */
    public int jwksRequests() {
        return jwksRequests.get();
    }

    /** How many token requests arrived. */
    public int tokenRequests() {
        return tokenRequests.get();
    }

    /** The query parameters of the last authorization request. */
    public Map<String, String> lastAuthorizationRequest() {
        return lastAuthorizationRequest;
    }

    /** The form parameters of the last token request (client secret removed). */
    public Map<String, String> lastTokenRequest() {
        return lastTokenRequest;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (down) {
                send(exchange, 503, "text/plain", "down");
                return;
            }
            String path = exchange.getRequestURI().getRawPath();
            switch (path) {
                case "/.well-known/openid-configuration" ->
                    send(exchange, 200, JSON, JSONObjectUtils.toJSONString(metadata()));
                case "/jwks" -> {
                    jwksRequests.incrementAndGet();
                    JWK published = keysWithoutUse
                            ? new RSAKey.Builder(signingKey.toPublicJWK())
                                    .keyUse(null)
                                    .build()
                            : signingKey.toPublicJWK();
                    send(exchange, 200, JSON, new JWKSet(published).toString());
                }
                case "/authorize" -> authorize(exchange);
                case "/token" -> token(exchange);
                case "/userinfo" -> userInfo(exchange);
                default -> send(exchange, 404, "text/plain", "not found");
            }
        } catch (RuntimeException e) {
            send(exchange, 500, "text/plain", "error");
        }
    }

    private static final String JSON = "application/json";

    private Map<String, Object> metadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", issuer());
        m.put("authorization_endpoint", base + "/authorize");
        m.put("token_endpoint", base + "/token");
        m.put("userinfo_endpoint", base + "/userinfo");
        m.put("jwks_uri", base + "/jwks");
        m.put("response_types_supported", List.of("code"));
        List<String> modes = responseModes;
        if (modes != null) {
            m.put("response_modes_supported", modes);
        }
        m.put("subject_types_supported", List.of("public"));
        m.put("id_token_signing_alg_values_supported", List.of("RS256"));
        m.put("code_challenge_methods_supported", List.of("S256"));
        m.put(
                "token_endpoint_auth_methods_supported",
                clientSecretPostOnly
                        ? List.of("client_secret_post")
                        : List.of("client_secret_basic", "client_secret_post"));
        if (issParameter) {
            m.put("authorization_response_iss_parameter_supported", true);
        }
        return m;
    }

    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> q = form(exchange.getRequestURI().getRawQuery());
        lastAuthorizationRequest = Map.copyOf(q);
        String redirect = q.get("redirect_uri");
        String mode = q.getOrDefault("response_mode", "query");
        if (redirect == null
                || !CLIENT_ID.equals(q.get("client_id"))
                || !"code".equals(q.get("response_type"))
                || !(mode.equals("query") || mode.equals("form_post"))) {
            send(exchange, 400, "text/plain", "bad authorization request");
            return;
        }
        Map<String, String> answer = new LinkedHashMap<>();
        String error = denyWith;
        if (error != null) {
            answer.put("error", error);
            answer.put("error_description", "<script>alert('the user said no')</script>");
        } else {
            String code = randomToken();
            codes.put(
                    code,
                    new Grant(account, q.get("nonce"), q.get("code_challenge"), redirect, CLIENT_ID, clock.instant()));
            answer.put("code", code);
        }
        if (q.get("state") != null) {
            answer.put("state", q.get("state"));
        }
        if (issParameter) {
            answer.put("iss", tenantTemplateIssuer ? tenantIssuer(account) : issuer());
        }
        boolean click = approveByClick;
        if (mode.equals("form_post") || click) {
            send(
                    exchange,
                    200,
                    "text/html; charset=utf-8",
                    answerPage(redirect, answer, mode.equals("form_post"), click));
            return;
        }
        exchange.getResponseHeaders().set("Location", redirect + (redirect.contains("?") ? "&" : "?") + encode(answer));
        exchange.sendResponseHeaders(302, -1);
    }

    /**
     * A page whose form sends the answer to the redirect URI: for form_post a POST (OAuth 2.0 Form Post Response Mode
     * §2), submitted as soon as the page loads unless the user is to click; else a GET with the answer in the query.
     * The browser sends it from this provider's site to the application's: a cross-site request.
     */
    private static String answerPage(String redirect, Map<String, String> answer, boolean formPost, boolean click) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html><head><title>Submit This Form</title></head>")
                .append(click ? "<body>" : "<body onload=\"document.forms[0].submit()\">")
                .append("<form method=\"")
                .append(formPost ? "post" : "get")
                .append("\" action=\"")
                .append(escapeHtml(redirect))
                .append("\">");
        answer.forEach((name, value) -> html.append("<input type=\"hidden\" name=\"")
                .append(escapeHtml(name))
                .append("\" value=\"")
                .append(escapeHtml(value))
                .append("\"/>"));
        String button = "<button type=\"submit\" id=\"approve\">Continue</button>";
        return html.append(click ? button : "<noscript>" + button + "</noscript>")
                .append("</form></body></html>")
                .toString();
    }

    /** What an answer page sends: its form's action and hidden fields, unescaped, in page order. */
    public record AnswerForm(String action, Map<String, String> fields) {}

    private static final Pattern ANSWER_ACTION = Pattern.compile("<form method=\"(?:post|get)\" action=\"([^\"]*)\">");
    private static final Pattern ANSWER_FIELD =
            Pattern.compile("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\"/>");

    /**
     * Reads an answer page this provider wrote (form_post, or {@link #approveByClick}): public so tests can submit it
     * as a browser would.
     *
     * @throws IllegalArgumentException if {@code html} holds no answer form
     */
    public static AnswerForm answerForm(String html) {
        Matcher action = ANSWER_ACTION.matcher(html);
        if (!action.find()) {
            throw new IllegalArgumentException("not an answer page of the fake provider");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (Matcher field = ANSWER_FIELD.matcher(html); field.find(); ) {
            fields.put(unescapeHtml(field.group(1)), unescapeHtml(field.group(2)));
        }
        return new AnswerForm(unescapeHtml(action.group(1)), fields);
    }

    private static String unescapeHtml(String html) {
        return html.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
    }

    private static String escapeHtml(String value) {
        return value.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    private void token(HttpExchange exchange) throws IOException {
        tokenRequests.incrementAndGet();
        if (!"POST".equals(exchange.getRequestMethod())) {
            send(exchange, 405, "text/plain", "POST");
            return;
        }
        Map<String, String> p = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Map<String, String> recorded = new LinkedHashMap<>(p);
        recorded.remove("client_secret");
        lastTokenRequest = Map.copyOf(recorded);
        String[] basic = basic(exchange.getRequestHeaders().getFirst("Authorization"));
        String clientId;
        String secret;
        if (basic != null && !clientSecretPostOnly) {
            clientId = basic[0];
            secret = basic[1];
        } else {
            clientId = p.get("client_id");
            secret = p.get("client_secret");
        }
        if (!CLIENT_ID.equals(clientId) || !CLIENT_SECRET.equals(secret)) {
            tokenError(exchange, 401, "invalid_client");
            return;
        }
        if (rejectPkceVerifier && p.containsKey("code_verifier")) {
            tokenError(exchange, 401, "invalid_client");
            return;
        }
        Grant grant = p.get("code") == null ? null : codes.remove(p.get("code"));
        if (!"authorization_code".equals(p.get("grant_type"))
                || grant == null
                || !grant.redirectUri().equals(p.get("redirect_uri"))) {
            tokenError(exchange, 400, "invalid_grant");
            return;
        }
        if (grant.codeChallenge() != null) {
            String verifier = p.get("code_verifier");
            if (verifier == null || !grant.codeChallenge().equals(s256(verifier))) {
                tokenError(exchange, 400, "invalid_grant");
                return;
            }
        }
        String accessToken = randomToken();
        accessTokens.put(accessToken, grant.account());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("access_token", accessToken);
        answer.put("token_type", "Bearer");
        answer.put("expires_in", 300);
        answer.put("id_token", idToken(grant));
        send(exchange, 200, JSON, JSONObjectUtils.toJSONString(answer));
    }

    private void userInfo(HttpExchange exchange) throws IOException {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        Account who = header != null && header.startsWith("Bearer ") ? accessTokens.get(header.substring(7)) : null;
        if (who == null) {
            send(exchange, 401, JSON, "{\"error\":\"invalid_token\"}");
            return;
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", who.subject());
        if (who.email() != null) {
            claims.put("email", who.email());
            claims.put("email_verified", verifiedValue(who));
        }
        send(exchange, 200, JSON, JSONObjectUtils.toJSONString(claims));
    }

    private String idToken(Grant grant) {
        Account who = grant.account();
        Instant now = clock.instant();
        IdTokenAttack broken = attack;
        String iss = tenantTemplateIssuer ? tenantIssuer(who) : legacyIssuerForm ? legacyIssuer() : issuer();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(broken == IdTokenAttack.WRONG_ISSUER ? "https://attacker.example" : iss)
                .subject(who.subject())
                .audience(
                        broken == IdTokenAttack.WRONG_AUDIENCE
                                ? List.of("another-client")
                                : broken == IdTokenAttack.EXTRA_AUDIENCE_WITHOUT_AZP
                                        ? List.of(grant.clientId(), "another-client")
                                        : List.of(grant.clientId()))
                .issueTime(Date.from(broken == IdTokenAttack.EXPIRED ? now.minus(Duration.ofMinutes(20)) : now))
                .expirationTime(Date.from(
                        broken == IdTokenAttack.EXPIRED
                                ? now.minus(Duration.ofMinutes(10))
                                : now.plus(Duration.ofMinutes(5))));
        if (nonceInIdToken && grant.nonce() != null) {
            claims.claim("nonce", broken == IdTokenAttack.WRONG_NONCE ? "another-flows-nonce" : grant.nonce());
        }
        if (who.email() != null) {
            claims.claim("email", who.email());
            if (who.emailVerified() != null) {
                claims.claim("email_verified", verifiedValue(who));
            }
        }
        who.extraClaims().forEach(claims::claim);
        JWTClaimsSet set = claims.build();
        try {
            switch (broken) {
                case ALG_NONE -> {
                    return new PlainJWT(set).serialize();
                }
                case HS256_WITH_CLIENT_SECRET -> {
                    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), set);
                    jwt.sign(new MACSigner(CLIENT_SECRET.getBytes(StandardCharsets.UTF_8)));
                    return jwt.serialize();
                }
                case UNPUBLISHED_KEY -> {
                    RSAKey rogue = new RSAKeyGenerator(2048).keyID("rogue").generate();
                    return sign(set, rogue);
                }
                case BAD_SIGNATURE -> {
                    String[] parts = sign(set, signingKey).split("\\.");
                    byte[] signature = Base64URL.from(parts[2]).decode();
                    signature[0] ^= 1;
                    return parts[0] + "." + parts[1] + "." + Base64URL.encode(signature);
                }
                default -> {
                    return sign(set, signingKey);
                }
            }
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private @Nullable Object verifiedValue(Account who) {
        Object value = who.emailVerified();
        return emailVerifiedAsString && value instanceof Boolean b ? b.toString() : value;
    }

    private String tenantIssuer(Account who) {
        Object tid = who.extraClaims().get("tid");
        return base + "/" + tid + "/v2.0";
    }

    private static String sign(JWTClaimsSet claims, RSAKey key) throws JOSEException {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static RSAKey newKey() {
        try {
            return new RSAKeyGenerator(2048)
                    .keyUse(KeyUse.SIGNATURE)
                    .keyID("k-" + System.nanoTime())
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private String randomToken() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String @Nullable [] basic(@Nullable String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded =
                new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        return new String[] {
            URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
            URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)
        };
    }

    private static void tokenError(HttpExchange exchange, int status, String error) throws IOException {
        send(exchange, status, JSON, "{\"error\":\"" + error + "\"}");
    }

    /** Parses {@code a=b&c=d}; public so tests can read a redirect's query the same way. */
    public static Map<String, String> form(@Nullable String raw) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            values.putIfAbsent(name, value);
        }
        return values;
    }

    private static String encode(Map<String, String> values) {
        List<String> pairs = new ArrayList<>();
        values.forEach((k, v) -> pairs.add(
                URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return String.join("&", pairs);
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type + (type.equals(JSON) ? "; charset=utf-8" : ""));
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
