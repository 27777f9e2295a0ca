/**
 * Sign-in with external OpenID Connect providers (Google, Microsoft Entra ID, LinkedIn, any provider by its issuer),
 * ending in a Latchkey session through {@code AuthFacade#signInWithExternalIdentity}. Framework-free: the host owns
 * HTTP and makes two calls, {@link dev.latchkey.auth.oauth.OAuthLogin#start} and {@link
 * dev.latchkey.auth.oauth.OAuthLogin#finish}. The nimbus OAuth SDK is an implementation detail: none of its types
 * appear in this module's API.
 */
module dev.latchkey.auth.oauth {
    // Nullness annotations (TYPE_USE, so part of the exported API): needed to compile, not at run time.
    requires static transitive org.jspecify;
    requires transitive dev.latchkey.auth;
    requires oauth2.oidc.sdk;
    requires com.nimbusds.jose.jwt;
    requires java.net.http;
    requires org.slf4j;

    exports dev.latchkey.auth.oauth;
}
