package dev.latchkey.auth.oauth;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseMode;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import dev.latchkey.auth.oauth.OAuthException.Reason;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The protocol with one provider: its metadata (cached), its keys (cached), the authorization URL and the code
 * exchange. The nimbus SDK builds and parses the messages; {@link Http} carries them.
 */
final class ProviderClient {
    static final Duration METADATA_TTL = Duration.ofHours(24);

    /** What the token endpoint gave back. */
    record Tokens(String idToken, String accessToken) {}

    private final OAuthProvider provider;
    private final Http http;
    private final Clock clock;
    private @Nullable ProviderMetadata metadata;
    private @Nullable Instant metadataFetchedAt;
    private @Nullable KeySetCache keys;

    ProviderClient(OAuthProvider provider, Http http, Clock clock) {
        this.provider = provider;
        this.http = http;
        this.clock = clock;
    }

    OAuthProvider provider() {
        return provider;
    }

    /** The metadata, from discovery at first use and again once a day; the keys follow its JWKS URI. */
    synchronized ProviderMetadata metadata() {
        Instant now = clock.instant();
        ProviderMetadata current = metadata;
        Instant fetchedAt = metadataFetchedAt;
        if (current == null || fetchedAt == null || !now.isBefore(fetchedAt.plus(METADATA_TTL))) {
            URI discovery = provider.discoveryUri();
            ProviderMetadata fresh = discovery == null
                    ? ProviderMetadata.configured(provider)
                    : ProviderMetadata.of(provider, http.getJson(discovery, "the provider's metadata"));
            if (keys == null || current == null || !fresh.jwksUri().equals(current.jwksUri())) {
                keys = new KeySetCache(fresh.jwksUri(), http, clock);
            }
            metadata = fresh;
            metadataFetchedAt = now;
            current = fresh;
        }
        return current;
    }

    synchronized KeySetCache keys() {
        metadata();
        KeySetCache current = keys;
        if (current == null) {
            throw new IllegalStateException("metadata() sets the keys");
        }
        return current;
    }

    URI authorizationUri(ProviderMetadata meta, Transaction t) {
        AuthenticationRequest.Builder request = new AuthenticationRequest.Builder(
                        ResponseType.CODE,
                        new Scope(provider.scopes().toArray(String[]::new)),
                        new ClientID(provider.clientId()),
                        provider.redirectUri())
                .endpointURI(meta.authorizationEndpoint())
                .state(new State(t.state()))
                .nonce(new Nonce(t.nonce()));
        if (t.codeVerifier() != null) {
            request.codeChallenge(new CodeVerifier(t.codeVerifier()), CodeChallengeMethod.S256);
        }
        if (provider.responseMode() == OAuthProvider.ResponseMode.FORM_POST) {
            request.responseMode(ResponseMode.FORM_POST);
        }
        provider.extraAuthorizationParameters().forEach((name, value) -> request.customParameter(name, value));
        return request.build().toURI();
    }

    Tokens exchange(ProviderMetadata meta, Transaction t, String code) {
        AuthorizationCodeGrant grant = new AuthorizationCodeGrant(
                new AuthorizationCode(code),
                URI.create(t.redirectUri()),
                t.codeVerifier() == null ? null : new CodeVerifier(t.codeVerifier()));
        ClientID clientId = new ClientID(provider.clientId());
        TokenRequest request;
        if (provider.clientSecret() == null || provider.clientSecret().isEmpty()) {
            request = new TokenRequest.Builder(meta.tokenEndpoint(), clientId, grant).build();
        } else {
            Secret secret = new Secret(provider.clientSecret());
            ClientAuthentication auth =
                    provider.clientAuthentication() == OAuthProvider.ClientAuthentication.CLIENT_SECRET_POST
                            ? new ClientSecretPost(clientId, secret)
                            : new ClientSecretBasic(clientId, secret);
            request = new TokenRequest.Builder(meta.tokenEndpoint(), auth, grant).build();
        }
        HTTPRequest httpRequest = request.toHTTPRequest();
        Map<String, String> headers = new LinkedHashMap<>();
        httpRequest.getHeaderMap().forEach((name, values) -> {
            if (!values.isEmpty()) {
                headers.put(name, values.get(0));
            }
        });
        Http.Response answer = http.postForm(meta.tokenEndpoint(), headers, httpRequest.getBody());
        if (answer.status() >= 500) {
            throw Http.unavailable("the token endpoint answered HTTP " + answer.status(), null);
        }
        HTTPResponse response = new HTTPResponse(answer.status());
        try {
            if (!answer.contentType().isEmpty()) {
                response.setContentType(answer.contentType());
            }
            response.setBody(answer.body());
            TokenResponse parsed = OIDCTokenResponseParser.parse(response);
            if (!parsed.indicatesSuccess()) {
                ErrorObject error = parsed.toErrorResponse().getErrorObject();
                if (error != null && "invalid_grant".equals(error.getCode())) {
                    throw new OAuthException(Reason.CODE_REJECTED, "the provider refused the authorization code");
                }
                throw new OAuthException(Reason.PROVIDER_ERROR, "the provider refused the token request");
            }
            OIDCTokenResponse success = (OIDCTokenResponse) parsed.toSuccessResponse();
            return new Tokens(
                    success.getOIDCTokens().getIDTokenString(),
                    success.getOIDCTokens().getAccessToken().getValue());
        } catch (ParseException | ClassCastException | IllegalArgumentException e) {
            throw new OAuthException(Reason.PROVIDER_ERROR, "the provider's token response is malformed", e);
        }
    }

    /** The userinfo claims (OpenID Connect Core §5.3), or an empty map when the provider has no such endpoint. */
    Map<String, Object> userInfo(ProviderMetadata meta, String accessToken) {
        if (meta.userInfoEndpoint() == null) {
            return Map.of();
        }
        Http.Response answer = http.get(meta.userInfoEndpoint(), "application/json", "Bearer " + accessToken);
        if (answer.status() >= 500) {
            throw Http.unavailable("the userinfo endpoint answered HTTP " + answer.status(), null);
        }
        if (answer.status() != 200) {
            throw new OAuthException(Reason.PROVIDER_ERROR, "the provider refused the userinfo request");
        }
        try {
            return com.nimbusds.jose.util.JSONObjectUtils.parse(answer.body());
        } catch (java.text.ParseException e) {
            throw new OAuthException(Reason.PROVIDER_ERROR, "the provider's userinfo is malformed", e);
        }
    }

    /** Whether the provider's metadata lists S256; {@code true} when it lists nothing (many do not advertise it). */
    static boolean acceptsS256(ProviderMetadata meta) {
        List<String> methods = meta.codeChallengeMethods();
        return methods.isEmpty() || methods.contains("S256");
    }
}
