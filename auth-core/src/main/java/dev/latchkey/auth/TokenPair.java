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

    /** Seconds until the access token expires, measured from {@code now}, as OAuth's {@code expires_in}. */
    public long expiresInSeconds(Instant now) {
        return Math.max(0, Duration.between(now, accessTokenExpiresAt).toSeconds());
    }

    @Override
    public String toString() {
        return "TokenPair[accessTokenExpiresAt=" + accessTokenExpiresAt + ", sessionExpiresAt=" + sessionExpiresAt
                + "]";
    }
}
