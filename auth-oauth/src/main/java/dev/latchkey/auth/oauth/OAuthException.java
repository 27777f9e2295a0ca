package dev.latchkey.auth.oauth;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A refused or failed external sign-in. {@link #errorCode()} is {@link ErrorCode#OAUTH_FAILED} for every protocol
 * refusal and {@link ErrorCode#UNAVAILABLE} when the provider could not be reached; {@link #reason()} says which
 * check failed, for logs, tests and the host's error page. Messages are fixed texts: nothing the provider or the
 * browser sent is ever echoed.
 */
public final class OAuthException extends AuthException {
    private static final long serialVersionUID = 1L;

    /** Which check refused the sign-in. */
    public enum Reason {
        /** The callback path names no configured provider. */
        UNKNOWN_PROVIDER,
        /** The return path is not on the allow-list (open-redirect defence, RFC 9700 §4.11). */
        RETURN_PATH_REFUSED,
        /** The callback carries no {@code state}. */
        STATE_MISSING,
        /**
         * The callback's {@code state} does not belong to a flow this browser started: no transaction cookie for it,
         * or one that does not decrypt or does not hold that state (CSRF defence, RFC 9700 §4.7).
         */
        STATE_MISMATCH,
        /** The transaction is older than its lifetime. */
        TRANSACTION_EXPIRED,
        /** The callback of this flow was already processed once (replay). */
        REPLAYED,
        /** The flow was started for another provider than the callback path's (mix-up defence, RFC 9700 §4.4). */
        PROVIDER_MISMATCH,
        /** The authorization response's {@code iss} is absent though advertised, or not the expected issuer (RFC 9207). */
        ISSUER_MISMATCH,
        /** The user declined at the provider ({@code error=access_denied}). */
        ACCESS_DENIED,
        /** The provider answered with another error, or a malformed callback or token response. */
        PROVIDER_ERROR,
        /** The token endpoint refused the code ({@code invalid_grant}: a used, foreign or PKCE-mismatched code). */
        CODE_REJECTED,
        /** The ID token is unsigned, signed with a disallowed algorithm or an unknown key, or its signature is bad. */
        ID_TOKEN_SIGNATURE,
        /** The ID token's issuer, audience or authorized party is not the expected one. */
        ID_TOKEN_CLAIMS,
        /** The ID token has expired or was issued in the future. */
        ID_TOKEN_EXPIRED,
        /** The ID token's nonce is missing or not the one of this flow (OpenID Connect Core §3.1.3.7). */
        NONCE_MISMATCH,
        /** The account's organisation (Google {@code hd}, Entra ID {@code tid}) is not on the provider's allow-list. */
        ORGANISATION_NOT_ALLOWED,
        /** The link intent's access token is not a live session of the tenant. */
        LINK_NOT_AUTHENTICATED,
        /**
         * The provider's discovery, key set or token endpoint could not be reached in time, or its metadata cannot be
         * used (another issuer, a required endpoint missing, a {@code response_modes_supported} without the
         * configured response mode).
         */
        PROVIDER_UNAVAILABLE
    }

    private final Reason reason;

    OAuthException(Reason reason, String message) {
        this(reason, message, null);
    }

    OAuthException(Reason reason, String message, @Nullable Throwable cause) {
        super(
                reason == Reason.PROVIDER_UNAVAILABLE ? ErrorCode.UNAVAILABLE : ErrorCode.OAUTH_FAILED,
                message,
                null,
                cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Which check refused the sign-in. */
    public Reason reason() {
        return reason;
    }
}
