package dev.latchkey.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * An access token (a signed JWT, sent as {@code Authorization: Bearer ...}) and the opaque refresh token that
 * obtains the next pair. {@link #toString()} never shows either token.
 *
 * @param accessToken the JWT access token
 * @param refreshToken the opaque refresh token; single use, rotated on every refresh
 * @param accessTokenExpiresAt when the access token stops being accepted
 * @param sessionExpiresAt when the session ends at the latest (absolute lifetime of the refresh family)
 */
public record TokenPair(
        String accessToken, String refreshToken, Instant accessTokenExpiresAt, Instant sessionExpiresAt) {

    public TokenPair {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(refreshToken, "refreshToken");
        Objects.requireNonNull(accessTokenExpiresAt, "accessTokenExpiresAt");
        Objects.requireNonNull(sessionExpiresAt, "sessionExpiresAt");
    }

    /** Always {@code Bearer}. */
    public String tokenType() {
        return "Bearer";
    }

    /**
     * Whole seconds until the access token expires, measured from {@code now} and rounded up, as OAuth's {@code
     * expires_in} (so a 15-minute token issued this instant reports 900).
     */
    public long expiresInSeconds(Instant now) {
        Duration left = Duration.between(now, accessTokenExpiresAt);
        if (left.isNegative() || left.isZero()) {
            return 0;
        }
        return left.toSeconds() + (left.toNanosPart() > 0 ? 1 : 0);
    }

    @Override
    public String toString() {
        return "TokenPair[accessTokenExpiresAt=" + accessTokenExpiresAt + ", sessionExpiresAt=" + sessionExpiresAt
                + "]";
    }
}
