package dev.latchkey.auth;

/**
 * Stable, machine-readable reason for an {@link AuthException}. The {@link #code()} strings are part of the public
 * contract: hosts may put them in HTTP responses and clients may branch on them.
 */
public enum ErrorCode {
    /** The input was malformed, too long or otherwise unacceptable. Nothing was changed. */
    INVALID_REQUEST("invalid_request", 400),
    /** The one-time code was wrong, expired or already used: deliberately indistinguishable. */
    INVALID_CODE("invalid_code", 401),
    /** Too many failed verifications for this destination; retry after the given delay. */
    TOO_MANY_ATTEMPTS("too_many_attempts", 429),
    /** Too many codes requested; retry after the given delay. */
    RATE_LIMITED("rate_limited", 429),
    /** The access or refresh token is missing, malformed, expired, revoked or otherwise not acceptable. */
    INVALID_TOKEN("invalid_token", 401),
    /** The caller is authenticated but lacks the required role or permission. */
    FORBIDDEN("forbidden", 403),
    /** The user exists but has been disabled. */
    USER_DISABLED("user_disabled", 403),
    /** The change would violate a uniqueness rule (for example an email already used in the tenant). */
    CONFLICT("conflict", 409),
    /**
     * A sign-in with an external provider (OAuth 2.0 / OpenID Connect) failed a protocol check (state, issuer, ID
     * token, replay, return path) or the provider refused or reported an error. The {@code auth-oauth} module's
     * exception names which check failed.
     */
    OAUTH_FAILED("oauth_failed", 401),
    /**
     * The external identity is new and its email belongs to an existing user, but it may not be linked automatically
     * (the provider or Latchkey has not verified the email, or the provider's policy forbids it): the user signs in
     * as before and links the provider explicitly. Refusing protects that user from pre-account takeover.
     */
    ACCOUNT_LINK_REQUIRED("account_link_required", 409),
    /**
     * The external identity is new and the provider asserted no verified email, so no account can be created for it:
     * an account under an unproven address could later be taken over by, or from, the address's real owner.
     */
    EMAIL_NOT_VERIFIED("email_not_verified", 403),
    /** The external identity is new and sign-up is {@link SignupMode#INVITE_ONLY}. */
    SIGNUP_CLOSED("signup_closed", 403),
    /** A store, or the host's code sender, could not be reached. Never turned into a success. */
    UNAVAILABLE("unavailable", 503),
    /**
     * A setting or a backend's connection configuration is missing or invalid: a deployment error, raised at
     * start-up, never caused by a client's request. Thrown as {@link ConfigurationException}.
     */
    INVALID_CONFIGURATION("invalid_configuration", 500);

    private final String code;
    private final int httpStatus;

    ErrorCode(String code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    /** The stable wire name, for example {@code invalid_code}. */
    public String code() {
        return code;
    }

    /** The HTTP status a host should answer with. */
    public int httpStatus() {
        return httpStatus;
    }
}
