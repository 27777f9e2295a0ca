package dev.latchkey.auth;

/**
 * What the route guard ({@code authenticate}) does when its {@link dev.latchkey.auth.spi.RevocationList} cannot be
 * reached. Set with {@code REVOCATION_OUTAGE_POLICY} or {@link AuthSettings.Builder#revocationOutagePolicy}.
 */
public enum RevocationOutagePolicy {
    /** Default: the token is refused with {@code UNAVAILABLE}, so a signed-out session can never get back in. */
    FAIL_CLOSED,
    /**
     * Opt-in: a token whose signature and claims are valid is accepted while the list is unreachable. A session
     * signed out shortly before or during the outage keeps access until its access token expires ({@code
     * JWT_EXPIRES_IN}); the host accepts that to keep serving reads.
     */
    ACCEPT_SIGNED
}
