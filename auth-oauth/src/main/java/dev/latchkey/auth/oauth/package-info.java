/**
 * Sign-in with OpenID Connect providers: {@link dev.latchkey.auth.oauth.OAuthLogin} (start and finish a flow), {@link
 * dev.latchkey.auth.oauth.OAuthProvider} (a provider's configuration, with presets for Google, Microsoft Entra ID,
 * LinkedIn and any issuer) and {@link dev.latchkey.auth.oauth.OAuthException} (every refusal, with its reason).
 */
@NullMarked
package dev.latchkey.auth.oauth;

import org.jspecify.annotations.NullMarked;
