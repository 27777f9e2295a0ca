package dev.latchkey.auth.oauth;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One configured OpenID Connect provider: the client registration, the exact redirect URI, and a switch for every
 * way providers differ. Start from a preset ({@link #google}, {@link #microsoft}, {@link #linkedIn}, {@link #oidc}),
 * whose defaults encode each provider's documented behaviour, and override what your registration needs:
 *
 * <pre>{@code
 * OAuthProvider google = OAuthProvider.google(
 *                 env.get("GOOGLE_CLIENT_ID"), env.get("GOOGLE_CLIENT_SECRET"),
 *                 URI.create("https://app.example.com/api/auth/oauth/google/callback"))
 *         .allowedHostedDomains(Set.of("example.com"))
 *         .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class OAuthProvider {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    /** Entra ID's multi-tenant metadata publishes its issuer with this placeholder. */
    static final String TENANT_PLACEHOLDER = "{tenantid}";
    /** Algorithms accepted by default: asymmetric signatures only, never {@code none} or an HMAC. */
    static final Set<String> DEFAULT_ALGORITHMS =
            Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA");

    /** How the client authenticates at the token endpoint (RFC 6749 §2.3.1). */
    public enum ClientAuthentication {
        /** HTTP Basic with the client id and secret: the default of OpenID Connect Core §9. */
        CLIENT_SECRET_BASIC,
        /** The id and secret as form parameters: what LinkedIn takes. */
        CLIENT_SECRET_POST
    }

    /**
     * How the provider returns the authorization response to the redirect URI (OAuth 2.0 Multiple Response Type
     * Encoding Practices §2.1; OAuth 2.0 Form Post Response Mode).
     */
    public enum ResponseMode {
        /**
         * {@code response_mode=query}, the default of the code flow (not sent): a top-level GET redirect to the
         * callback with the parameters in the query. The transaction cookie is {@code SameSite=Lax}.
         */
        QUERY("query"),
        /**
         * {@code response_mode=form_post}: the provider's page auto-submits a POST form to the callback, keeping code
         * and state out of URLs, logs and {@code Referer}. Sign in with Apple needs it when asking for name or email;
         * Entra ID supports it. That POST is cross-site, so the transaction cookie is {@code SameSite=None} (always
         * {@code Secure}); the host must accept a POST on the callback and pass the form's parameters to {@link
         * OAuthLogin#finish}.
         */
        FORM_POST("form_post");

        private final String parameterValue;

        ResponseMode(String parameterValue) {
            this.parameterValue = parameterValue;
        }

        /** Its {@code response_mode} value, as in a request or a provider's {@code response_modes_supported}. */
        String parameterValue() {
            return parameterValue;
        }

        /**
         * The mode a configuration value names: {@code query} or {@code form_post}, the {@code response_mode} values
         * themselves, in any case; empty for anything else, which the caller reports against its own setting.
         */
        public static Optional<ResponseMode> fromSetting(String value) {
            String wanted = value.toLowerCase(Locale.ROOT);
            for (ResponseMode mode : values()) {
                if (mode.parameterValue.equals(wanted)) {
                    return Optional.of(mode);
                }
            }
            return Optional.empty();
        }
    }

    /** Which claims identify the account at the provider. */
    public enum SubjectKey {
        /** {@code iss} + {@code sub} (OpenID Connect Core §5.7): every provider but Entra ID. */
        ISSUER_AND_SUB,
        /**
         * Entra ID: the tenant id {@code tid} (in the tenant's issuer) + the object id {@code oid}, stable across the
         * applications of a tenant. Never the email, which a tenant administrator can set to anything ("nOAuth").
         */
        TENANT_AND_OBJECT_ID
    }

    private final String id;
    private final String clientId;
    private final @Nullable String clientSecret;
    private final URI redirectUri;
    private final @Nullable String issuer;
    private final Set<String> alternativeIssuers;
    private final @Nullable URI discoveryUri;
    private final boolean issuerIsTenantTemplate;
    private final @Nullable URI authorizationEndpoint;
    private final @Nullable URI tokenEndpoint;
    private final @Nullable URI jwksUri;
    private final @Nullable URI userInfoEndpoint;
    private final List<String> scopes;
    private final boolean pkce;
    private final boolean nonceRequired;
    private final ClientAuthentication clientAuthentication;
    private final Set<String> idTokenAlgorithms;
    private final boolean hmacWithClientSecret;
    private final SubjectKey subjectKey;
    private final String emailVerifiedClaim;
    private final Set<String> allowedHostedDomains;
    private final Map<String, Set<String>> allowedTenantIds;
    private final boolean linkByVerifiedEmail;
    private final boolean userInfoForEmail;
    private final Map<String, String> extraAuthorizationParameters;
    private final ResponseMode responseMode;
    private final Duration clockSkew;

    private OAuthProvider(Builder b) {
        this.id = b.id;
        this.clientId = require(b.clientId, "clientId");
        this.clientSecret = b.clientSecret;
        this.redirectUri = Objects.requireNonNull(b.redirectUri, "redirectUri");
        this.issuer = b.issuer;
        this.alternativeIssuers = Set.copyOf(b.alternativeIssuers);
        this.discoveryUri = b.discoveryUri;
        this.issuerIsTenantTemplate = b.issuerIsTenantTemplate;
        this.authorizationEndpoint = b.authorizationEndpoint;
        this.tokenEndpoint = b.tokenEndpoint;
        this.jwksUri = b.jwksUri;
        this.userInfoEndpoint = b.userInfoEndpoint;
        this.scopes = List.copyOf(b.scopes);
        this.pkce = b.pkce;
        this.nonceRequired = b.nonceRequired;
        this.clientAuthentication = b.clientAuthentication;
        this.idTokenAlgorithms = Set.copyOf(b.idTokenAlgorithms);
        this.hmacWithClientSecret = b.hmacWithClientSecret;
        this.subjectKey = b.subjectKey;
        this.emailVerifiedClaim = b.emailVerifiedClaim;
        this.allowedHostedDomains = Set.copyOf(b.allowedHostedDomains);
        Map<String, Set<String>> tids = new LinkedHashMap<>();
        b.allowedTenantIds.forEach((tenant, set) -> tids.put(tenant, Set.copyOf(set)));
        this.allowedTenantIds = Map.copyOf(tids);
        this.linkByVerifiedEmail = b.linkByVerifiedEmail;
        this.userInfoForEmail = b.userInfoForEmail;
        this.extraAuthorizationParameters = Map.copyOf(b.extraAuthorizationParameters);
        this.responseMode = b.responseMode;
        this.clockSkew = b.clockSkew;
        if (!scopes.contains("openid")) {
            throw new IllegalArgumentException("provider " + id + ": scopes must include openid");
        }
        if (!"https".equals(redirectUri.getScheme()) && !isLoopback(redirectUri)) {
            // RFC 9700 §4.1.1 / §2.6: redirect URIs use TLS, except on the loopback interface during development.
            throw new IllegalArgumentException("provider " + id + ": redirectUri must be https (or loopback http)");
        }
        if (redirectUri.getRawQuery() != null || redirectUri.getRawFragment() != null) {
            throw new IllegalArgumentException("provider " + id + ": redirectUri must have no query or fragment");
        }
        if (discoveryUri == null
                && (issuer == null || authorizationEndpoint == null || tokenEndpoint == null || jwksUri == null)) {
            throw new IllegalArgumentException("provider " + id
                    + ": give a discovery URI, or the issuer, authorization and token endpoints and JWKS URI");
        }
        if ((clientSecret == null || clientSecret.isEmpty()) && !pkce) {
            throw new IllegalArgumentException("provider " + id + ": a public client (no secret) must use PKCE");
        }
        if (hmacWithClientSecret && (clientSecret == null || clientSecret.length() < 32)) {
            throw new IllegalArgumentException(
                    "provider " + id + ": HMAC-signed ID tokens need a client secret of at least 32 characters");
        }
    }

    /**
     * Google. Issuer {@code https://accounts.google.com}, also accepted in its legacy form {@code accounts.google.com}
     * (OpenID Connect on Google, "Validating an ID token"); the account is keyed on {@code sub}; the email counts only
     * when {@code email_verified} is true. Restrict to Google Workspace domains with {@link
     * Builder#allowedHostedDomains}, checked on the ID token's {@code hd}.
     */
    public static Builder google(String clientId, @Nullable String clientSecret, URI redirectUri) {
        return builder("google")
                .client(clientId, clientSecret, redirectUri)
                .issuer("https://accounts.google.com")
                .alternativeIssuers(Set.of("accounts.google.com"))
                .discoveryUri(URI.create("https://accounts.google.com/.well-known/openid-configuration"))
                .extraAuthorizationParameter("prompt", "select_account");
    }

    /**
     * Microsoft Entra ID (v2.0 endpoints). {@code entraTenant} is a tenant id or domain (single tenant), or {@code
     * organizations}, {@code common} or {@code consumers} (multi-tenant): their metadata publishes the issuer as the
     * template {@code https://login.microsoftonline.com/{tenantid}/v2.0}, which is validated per token against its
     * {@code tid}. The account is keyed on {@code tid} + {@code oid}, never on the email: Entra's {@code email} claim
     * is mutable and unverified, and counts as verified only with the optional claim {@code xms_edov} = true (add it
     * in the app registration's token configuration). Restrict tenants with {@link Builder#allowedTenantIds}.
     */
    public static Builder microsoft(
            String entraTenant, String clientId, @Nullable String clientSecret, URI redirectUri) {
        String tenant = require(entraTenant, "entraTenant");
        boolean multi = Set.of("organizations", "common", "consumers").contains(tenant);
        String base = "https://login.microsoftonline.com/" + tenant + "/v2.0";
        return builder("microsoft")
                .client(clientId, clientSecret, redirectUri)
                .issuer(multi ? "https://login.microsoftonline.com/" + TENANT_PLACEHOLDER + "/v2.0" : null)
                .issuerIsTenantTemplate(multi)
                .discoveryUri(URI.create(base + "/.well-known/openid-configuration"))
                .subjectKey(SubjectKey.TENANT_AND_OBJECT_ID)
                .emailVerifiedClaim("xms_edov");
    }

    /**
     * LinkedIn (Sign In with LinkedIn using OpenID Connect). The issuer comes from discovery (LinkedIn changed it in
     * 2024); its ID tokens carry no nonce; its token endpoint answers {@code invalid_client} when a confidential
     * client sends a PKCE verifier, so PKCE is off (state and the client secret protect the code); it takes {@code
     * client_secret_post}; its {@code email_verified} may be the string {@code "true"}; its JWKS keys carry no
     * {@code use} (accepted for signature verification).
     */
    public static Builder linkedIn(String clientId, @Nullable String clientSecret, URI redirectUri) {
        return builder("linkedin")
                .client(clientId, clientSecret, redirectUri)
                .discoveryUri(URI.create("https://www.linkedin.com/oauth/.well-known/openid-configuration"))
                .scopes(List.of("openid", "profile", "email"))
                .pkce(false)
                .nonceRequired(false)
                .clientAuthentication(ClientAuthentication.CLIENT_SECRET_POST);
    }

    /** Any OpenID Connect provider, from its issuer URL ({@code <issuer>/.well-known/openid-configuration}). */
    public static Builder oidc(
            String id, String issuer, String clientId, @Nullable String clientSecret, URI redirectUri) {
        String iss = require(issuer, "issuer");
        String trimmed = iss.endsWith("/") ? iss.substring(0, iss.length() - 1) : iss;
        return builder(id)
                .client(clientId, clientSecret, redirectUri)
                .issuer(iss)
                .discoveryUri(URI.create(trimmed + "/.well-known/openid-configuration"));
    }

    /** A provider with the protocol's defaults only; see the presets for real providers. */
    public static Builder builder(@Nullable String id) {
        return new Builder(id);
    }

    /** The id: the callback path segment and the {@code provider} of linked identities. */
    public String id() {
        return id;
    }

    /** The OAuth client id, the ID token's expected audience. */
    public String clientId() {
        return clientId;
    }

    /** The one exact redirect URI registered at the provider; never derived from a request. */
    public URI redirectUri() {
        return redirectUri;
    }

    /** The path of {@link #redirectUri()}: where the transaction cookie is sent. */
    public String callbackPath() {
        String path = redirectUri.getRawPath();
        return path == null || path.isEmpty() ? "/" : path;
    }

    /** How the provider returns to the callback: a GET with a query (the default) or a cross-site form POST. */
    public ResponseMode responseMode() {
        return responseMode;
    }

    /** The configured issuer, if it is not taken from discovery. */
    public Optional<String> issuer() {
        return Optional.ofNullable(issuer);
    }

    @Nullable
    String clientSecret() {
        return clientSecret;
    }

    Set<String> alternativeIssuers() {
        return alternativeIssuers;
    }

    @Nullable
    URI discoveryUri() {
        return discoveryUri;
    }

    boolean issuerIsTenantTemplate() {
        return issuerIsTenantTemplate;
    }

    @Nullable
    URI authorizationEndpoint() {
        return authorizationEndpoint;
    }

    @Nullable
    URI tokenEndpoint() {
        return tokenEndpoint;
    }

    @Nullable
    URI jwksUri() {
        return jwksUri;
    }

    @Nullable
    URI userInfoEndpoint() {
        return userInfoEndpoint;
    }

    List<String> scopes() {
        return scopes;
    }

    boolean pkce() {
        return pkce;
    }

    boolean nonceRequired() {
        return nonceRequired;
    }

    ClientAuthentication clientAuthentication() {
        return clientAuthentication;
    }

    Set<String> idTokenAlgorithms() {
        return idTokenAlgorithms;
    }

    boolean hmacWithClientSecret() {
        return hmacWithClientSecret;
    }

    SubjectKey subjectKey() {
        return subjectKey;
    }

    String emailVerifiedClaim() {
        return emailVerifiedClaim;
    }

    Set<String> allowedHostedDomains() {
        return allowedHostedDomains;
    }

    /** The Entra tenant ids allowed for a Latchkey tenant: its own list, else the list for every tenant ("*"). */
    Optional<Set<String>> allowedTenantIds(String latchkeyTenant) {
        Set<String> own = allowedTenantIds.get(latchkeyTenant);
        return Optional.ofNullable(own != null ? own : allowedTenantIds.get("*"));
    }

    boolean linkByVerifiedEmail() {
        return linkByVerifiedEmail;
    }

    boolean userInfoForEmail() {
        return userInfoForEmail;
    }

    Map<String, String> extraAuthorizationParameters() {
        return extraAuthorizationParameters;
    }

    Duration clockSkew() {
        return clockSkew;
    }

    @Override
    public String toString() {
        return "OAuthProvider[id=" + id + ", clientId=" + clientId + ", redirectUri=" + redirectUri + ", issuer="
                + issuer + ", discoveryUri=" + discoveryUri + "]";
    }

    private static boolean isLoopback(URI uri) {
        String host = uri.getHost();
        return "http".equals(uri.getScheme())
                && host != null
                && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]"));
    }

    private static String require(@Nullable String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }

    /** Every setting of a provider; presets fill in the provider's documented behaviour. */
    public static final class Builder {
        private final String id;
        private @Nullable String clientId;
        private @Nullable String clientSecret;
        private @Nullable URI redirectUri;
        private @Nullable String issuer;
        private Set<String> alternativeIssuers = Set.of();
        private @Nullable URI discoveryUri;
        private boolean issuerIsTenantTemplate;
        private @Nullable URI authorizationEndpoint;
        private @Nullable URI tokenEndpoint;
        private @Nullable URI jwksUri;
        private @Nullable URI userInfoEndpoint;
        private List<String> scopes = List.of("openid", "email", "profile");
        private boolean pkce = true;
        private boolean nonceRequired = true;
        private ClientAuthentication clientAuthentication = ClientAuthentication.CLIENT_SECRET_BASIC;
        private Set<String> idTokenAlgorithms = DEFAULT_ALGORITHMS;
        private boolean hmacWithClientSecret;
        private SubjectKey subjectKey = SubjectKey.ISSUER_AND_SUB;
        private String emailVerifiedClaim = "email_verified";
        private Set<String> allowedHostedDomains = Set.of();
        private final Map<String, Set<String>> allowedTenantIds = new LinkedHashMap<>();
        private boolean linkByVerifiedEmail = true;
        private boolean userInfoForEmail = true;
        private final Map<String, String> extraAuthorizationParameters = new LinkedHashMap<>();
        private ResponseMode responseMode = ResponseMode.QUERY;
        private Duration clockSkew = Duration.ofSeconds(60);

        private Builder(@Nullable String id) {
            if (id == null || !ID.matcher(id).matches()) {
                throw new IllegalArgumentException("provider id must be 1-32 of a-z, 0-9 and '-'");
            }
            this.id = id;
        }

        /** The client registration: id, secret ({@code null} for a public client, which must use PKCE), redirect URI. */
        public Builder client(String clientId, @Nullable String clientSecret, URI redirectUri) {
            this.clientId = clientId;
            this.clientSecret = clientSecret;
            this.redirectUri = redirectUri;
            return this;
        }

        /**
         * The expected issuer, compared exactly with discovery's, the authorization response's {@code iss} and the ID
         * token's; {@code null} takes it from discovery (LinkedIn).
         */
        public Builder issuer(@Nullable String value) {
            this.issuer = value;
            return this;
        }

        /** Other spellings of the same issuer accepted in ID tokens (Google's legacy {@code accounts.google.com}). */
        public Builder alternativeIssuers(Set<String> values) {
            this.alternativeIssuers = new LinkedHashSet<>(values);
            return this;
        }

        /** Where the provider's metadata is; endpoints given explicitly override what it says. */
        public Builder discoveryUri(URI value) {
            this.discoveryUri = value;
            return this;
        }

        /**
         * The issuer is a template containing {@code {tenantid}} (Entra ID multi-tenant), checked per token against
         * its {@code tid}.
         */
        public Builder issuerIsTenantTemplate(boolean value) {
            this.issuerIsTenantTemplate = value;
            return this;
        }

        /** Overrides discovery's authorization endpoint. */
        public Builder authorizationEndpoint(URI value) {
            this.authorizationEndpoint = value;
            return this;
        }

        /** Overrides discovery's token endpoint. */
        public Builder tokenEndpoint(URI value) {
            this.tokenEndpoint = value;
            return this;
        }

        /** Overrides discovery's JWKS URI. */
        public Builder jwksUri(URI value) {
            this.jwksUri = value;
            return this;
        }

        /** Overrides discovery's userinfo endpoint. */
        public Builder userInfoEndpoint(URI value) {
            this.userInfoEndpoint = value;
            return this;
        }

        /** The scopes to request; must include {@code openid}. Default {@code openid email profile}. */
        public Builder scopes(List<String> values) {
            this.scopes = List.copyOf(values);
            return this;
        }

        /** PKCE with S256 (RFC 7636; RFC 9700 §2.1.1). Default on; LinkedIn's preset turns it off. */
        public Builder pkce(boolean value) {
            this.pkce = value;
            return this;
        }

        /**
         * Whether the ID token must carry this flow's nonce. Default on; LinkedIn's preset turns it off because its ID
         * tokens carry none (a nonce that is present must still match).
         */
        public Builder nonceRequired(boolean value) {
            this.nonceRequired = value;
            return this;
        }

        /** How to authenticate at the token endpoint. Default {@code client_secret_basic}. */
        public Builder clientAuthentication(ClientAuthentication value) {
            this.clientAuthentication = Objects.requireNonNull(value, "clientAuthentication");
            return this;
        }

        /** The accepted ID token signature algorithms; {@code none} and HMAC are never accepted through this. */
        public Builder idTokenAlgorithms(Set<String> values) {
            for (String alg : values) {
                if (alg.equalsIgnoreCase("none")
                        || alg.toUpperCase(java.util.Locale.ROOT).startsWith("HS")) {
                    throw new IllegalArgumentException(
                            "ID token algorithm " + alg + " is not allowed here; see hmacWithClientSecret");
                }
            }
            this.idTokenAlgorithms = Set.copyOf(values);
            return this;
        }

        /**
         * Also accept ID tokens signed with HS256 keyed by the client secret (OpenID Connect Core §10.1), for
         * providers configured that way. Off by default: anyone holding the secret could then mint ID tokens.
         */
        public Builder hmacWithClientSecret(boolean value) {
            this.hmacWithClientSecret = value;
            return this;
        }

        /** Which claims identify the account. */
        public Builder subjectKey(SubjectKey value) {
            this.subjectKey = Objects.requireNonNull(value, "subjectKey");
            return this;
        }

        /**
         * The claim that says the email is verified: {@code email_verified} (default), Entra ID's {@code xms_edov}. A
         * boolean or the string {@code "true"} counts as true; anything else, or its absence, as false.
         */
        public Builder emailVerifiedClaim(String value) {
            this.emailVerifiedClaim = require(value, "emailVerifiedClaim");
            return this;
        }

        /** Google Workspace: only accounts whose ID token's {@code hd} is one of these. Empty (default): any. */
        public Builder allowedHostedDomains(Set<String> values) {
            this.allowedHostedDomains = new LinkedHashSet<>(values);
            return this;
        }

        /** Entra ID: only accounts of these directory tenants ({@code tid}), for every Latchkey tenant. */
        public Builder allowedTenantIds(Set<String> values) {
            this.allowedTenantIds.put("*", Set.copyOf(values));
            return this;
        }

        /** Entra ID: only accounts of these directory tenants ({@code tid}), for one Latchkey tenant. */
        public Builder allowedTenantIds(String latchkeyTenant, Set<String> values) {
            this.allowedTenantIds.put(require(latchkeyTenant, "latchkeyTenant"), Set.copyOf(values));
            return this;
        }

        /**
         * Whether a new identity may be linked to an existing user with the same email when both the provider and
         * Latchkey have verified it. Default on.
         */
        public Builder linkByVerifiedEmail(boolean value) {
            this.linkByVerifiedEmail = value;
            return this;
        }

        /** Whether to ask the userinfo endpoint for the email when the ID token has none. Default on. */
        public Builder userInfoForEmail(boolean value) {
            this.userInfoForEmail = value;
            return this;
        }

        /**
         * An extra authorization request parameter, for example {@code prompt=select_account}. Not {@code
         * response_mode}: choose that with {@link #responseMode}, which also sets the transaction cookie to match.
         *
         * @throws IllegalArgumentException for {@code response_mode}
         */
        public Builder extraAuthorizationParameter(String name, String value) {
            // A hand-set response_mode=form_post would leave the cookie SameSite=Lax, which the browser withholds
            // from the provider's cross-site POST: every sign-in would fail the state check.
            if (require(name, "name").trim().equalsIgnoreCase("response_mode")) {
                throw new IllegalArgumentException(
                        "response_mode is not an extra parameter; use responseMode(ResponseMode.FORM_POST)");
            }
            this.extraAuthorizationParameters.put(name, require(value, "value"));
            return this;
        }

        /**
         * How the provider returns to the callback. Default {@link ResponseMode#QUERY}; {@link ResponseMode#FORM_POST}
         * for providers that post the answer (Sign in with Apple asking for name or email), which makes the
         * transaction cookie {@code SameSite=None; Secure}. State, encryption, expiry and single use protect the
         * callback the same in both modes. A provider whose discovered metadata lists {@code response_modes_supported}
         * without the chosen mode is refused when a sign-in starts ({@link OAuthException.Reason#PROVIDER_UNAVAILABLE});
         * one that publishes no such list is trusted to support it.
         */
        public Builder responseMode(ResponseMode value) {
            this.responseMode = Objects.requireNonNull(value, "responseMode");
            return this;
        }

        /** Tolerated clock difference for the ID token's {@code exp} and {@code iat}, 0 to 5 minutes. Default 60 s. */
        public Builder clockSkew(Duration value) {
            if (value.isNegative() || value.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("clockSkew must be 0 to 5 minutes");
            }
            this.clockSkew = value;
            return this;
        }

        /** The provider; fails with an {@link IllegalArgumentException} naming what is missing or unsafe. */
        public OAuthProvider build() {
            return new OAuthProvider(this);
        }
    }
}
