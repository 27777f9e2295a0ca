package dev.latchkey.auth;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Every policy and key setting of a facade, immutable. Build one with {@link #builder()} or from environment-style
 * variables with {@link #fromEnv(Map)}; every setting has a secure default except the two secrets, which the host
 * must provide: the hashing secret for codes and refresh tokens, and the token signing key.
 *
 * <p>Invalid or unsafe values fail {@link Builder#build()} with an {@link IllegalArgumentException} naming the
 * setting (and, from {@code fromEnv}, the variable).
 */
public final class AuthSettings {
    private final byte[] hashSecret;
    private final JwtKey signingKey;
    private final List<JwtKey> verificationKeys;
    private final String issuer;
    private final String audience;
    private final String clientId;
    private final Duration accessTokenTtl;
    private final Duration refreshIdleTtl;
    private final Duration refreshAbsoluteTtl;
    private final Duration refreshReuseGrace;
    private final Duration clockSkew;
    private final int tokenCacheSize;
    private final int otpLength;
    private final Duration otpTtl;
    private final int otpMaxAttempts;
    private final Limit otpFailureLimit;
    private final Duration resendCooldown;
    private final Limit sendLimitPerDestination;
    private final Limit sendLimitPerIp;
    private final @Nullable Limit sendLimitPerTenant;
    private final SignupMode signupMode;
    private final String defaultRole;
    private final Set<String> defaultPermissions;
    private final Set<String> allowedPhoneRegions;
    private final @Nullable String defaultPhoneRegion;
    private final Duration healthDegradedThreshold;

    private AuthSettings(Builder b) {
        // build() has checked these are set.
        this.hashSecret = Objects.requireNonNull(b.hashSecret, "hashSecret").clone();
        this.signingKey = Objects.requireNonNull(b.signingKey, "signingKey");
        this.verificationKeys = List.copyOf(b.verificationKeys);
        this.issuer = b.issuer;
        this.audience = b.audience;
        this.clientId = b.clientId;
        this.accessTokenTtl = b.accessTokenTtl;
        this.refreshIdleTtl = b.refreshIdleTtl;
        this.refreshAbsoluteTtl = b.refreshAbsoluteTtl;
        this.refreshReuseGrace = b.refreshReuseGrace;
        this.clockSkew = b.clockSkew;
        this.tokenCacheSize = b.tokenCacheSize;
        this.otpLength = b.otpLength;
        this.otpTtl = b.otpTtl;
        this.otpMaxAttempts = b.otpMaxAttempts;
        this.otpFailureLimit = b.otpFailureLimit;
        this.resendCooldown = b.resendCooldown;
        this.sendLimitPerDestination = b.sendLimitPerDestination;
        this.sendLimitPerIp = b.sendLimitPerIp;
        this.sendLimitPerTenant = b.sendLimitPerTenant;
        this.signupMode = b.signupMode;
        this.defaultRole = b.defaultRole;
        this.defaultPermissions = Set.copyOf(b.defaultPermissions);
        this.allowedPhoneRegions = Set.copyOf(b.allowedPhoneRegions);
        this.defaultPhoneRegion = b.defaultPhoneRegion;
        this.healthDegradedThreshold = b.healthDegradedThreshold;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to derive changed settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.hashSecret = hashSecret.clone();
        b.signingKey = signingKey;
        b.verificationKeys = new ArrayList<>(verificationKeys);
        b.issuer = issuer;
        b.audience = audience;
        b.clientId = clientId;
        b.accessTokenTtl = accessTokenTtl;
        b.refreshIdleTtl = refreshIdleTtl;
        b.refreshAbsoluteTtl = refreshAbsoluteTtl;
        b.refreshReuseGrace = refreshReuseGrace;
        b.clockSkew = clockSkew;
        b.tokenCacheSize = tokenCacheSize;
        b.otpLength = otpLength;
        b.otpTtl = otpTtl;
        b.otpMaxAttempts = otpMaxAttempts;
        b.otpFailureLimit = otpFailureLimit;
        b.resendCooldown = resendCooldown;
        b.sendLimitPerDestination = sendLimitPerDestination;
        b.sendLimitPerIp = sendLimitPerIp;
        b.sendLimitPerTenant = sendLimitPerTenant;
        b.signupMode = signupMode;
        b.defaultRole = defaultRole;
        b.defaultPermissions = new LinkedHashSet<>(defaultPermissions);
        b.allowedPhoneRegions = new LinkedHashSet<>(allowedPhoneRegions);
        b.defaultPhoneRegion = defaultPhoneRegion;
        b.healthDegradedThreshold = healthDegradedThreshold;
        return b;
    }

    /**
     * Reads settings from environment-style variables. Core never reads the process environment itself: pass {@code
     * System.getenv()}, or a map in tests. Unset variables keep their defaults; see the README's configuration
     * reference for the full list.
     *
     * @throws IllegalArgumentException naming the variable, for a missing required or an invalid value
     */
    public static AuthSettings fromEnv(Map<String, String> env) {
        return EnvReader.read(env);
    }

    /**
     * A count allowed per window, for example 5 per hour.
     *
     * @param max how many are allowed in one window
     * @param window the window's length
     */
    public record Limit(int max, Duration window) {
        public Limit {
            Objects.requireNonNull(window, "window");
            if (max < 1) {
                throw new IllegalArgumentException("a limit must allow at least 1");
            }
            if (window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("a limit window must be positive");
            }
        }

        /** Parses {@code 5/1h} style values: a count, a slash, a duration. */
        public static Limit parse(String text) {
            int slash = text.indexOf('/');
            if (slash < 1) {
                throw new IllegalArgumentException("expected COUNT/DURATION, for example 5/1h");
            }
            try {
                return new Limit(
                        Integer.parseInt(text.substring(0, slash).trim()),
                        Durations.parse(text.substring(slash + 1).trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected COUNT/DURATION, for example 5/1h", e);
            }
        }
    }

    public byte[] hashSecret() {
        return hashSecret.clone();
    }

    public JwtKey signingKey() {
        return signingKey;
    }

    public List<JwtKey> verificationKeys() {
        return verificationKeys;
    }

    public String issuer() {
        return issuer;
    }

    public String audience() {
        return audience;
    }

    public String clientId() {
        return clientId;
    }

    public Duration accessTokenTtl() {
        return accessTokenTtl;
    }

    public Duration refreshIdleTtl() {
        return refreshIdleTtl;
    }

    public Duration refreshAbsoluteTtl() {
        return refreshAbsoluteTtl;
    }

    public Duration refreshReuseGrace() {
        return refreshReuseGrace;
    }

    public Duration clockSkew() {
        return clockSkew;
    }

    public int tokenCacheSize() {
        return tokenCacheSize;
    }

    public int otpLength() {
        return otpLength;
    }

    public Duration otpTtl() {
        return otpTtl;
    }

    public int otpMaxAttempts() {
        return otpMaxAttempts;
    }

    public Limit otpFailureLimit() {
        return otpFailureLimit;
    }

    public Duration resendCooldown() {
        return resendCooldown;
    }

    public Limit sendLimitPerDestination() {
        return sendLimitPerDestination;
    }

    public Limit sendLimitPerIp() {
        return sendLimitPerIp;
    }

    /** The cap on codes sent per tenant, if one is set. */
    public Optional<Limit> sendLimitPerTenant() {
        return Optional.ofNullable(sendLimitPerTenant);
    }

    public SignupMode signupMode() {
        return signupMode;
    }

    public String defaultRole() {
        return defaultRole;
    }

    public Set<String> defaultPermissions() {
        return defaultPermissions;
    }

    public Set<String> allowedPhoneRegions() {
        return allowedPhoneRegions;
    }

    public Optional<String> defaultPhoneRegion() {
        return Optional.ofNullable(defaultPhoneRegion);
    }

    public Duration healthDegradedThreshold() {
        return healthDegradedThreshold;
    }

    /**
     * Validates and normalises a destination exactly as {@code sendOtp} and {@code verifyOtp} do under these
     * settings: a lower-case email with an ASCII domain, or an E.164 mobile number that passes the number-type and
     * country rules. Use it to compare a configured address with the ones users log in with.
     *
     * @throws AuthException {@code INVALID_REQUEST} for an unacceptable destination
     */
    public Destination normaliseDestination(String destination) {
        return new Inputs(this).destination(destination);
    }

    @Override
    public String toString() {
        return "AuthSettings[issuer=" + issuer + ", audience=" + audience + ", signingKey=" + signingKey
                + ", accessTokenTtl=" + accessTokenTtl + ", refreshIdleTtl=" + refreshIdleTtl + ", refreshAbsoluteTtl="
                + refreshAbsoluteTtl + ", otpLength=" + otpLength + ", otpTtl=" + otpTtl + ", signupMode=" + signupMode
                + "]";
    }

    /** Collects settings; {@link #build()} validates them all. */
    public static final class Builder {
        private byte @Nullable [] hashSecret;
        private @Nullable JwtKey signingKey;
        private List<JwtKey> verificationKeys = new ArrayList<>();
        private String issuer = "latchkey";
        private String audience = "latchkey";
        private String clientId = "latchkey";
        private Duration accessTokenTtl = Duration.ofMinutes(15);
        private Duration refreshIdleTtl = Duration.ofDays(7);
        private Duration refreshAbsoluteTtl = Duration.ofDays(30);
        private Duration refreshReuseGrace = Duration.ofSeconds(10);
        private Duration clockSkew = Duration.ofSeconds(30);
        private int tokenCacheSize = 4096;
        private int otpLength = 6;
        private Duration otpTtl = Duration.ofMinutes(5);
        private int otpMaxAttempts = 5;
        private Limit otpFailureLimit = new Limit(20, Duration.ofHours(24));
        private Duration resendCooldown = Duration.ofSeconds(60);
        private Limit sendLimitPerDestination = new Limit(5, Duration.ofHours(1));
        private Limit sendLimitPerIp = new Limit(30, Duration.ofHours(1));
        private @Nullable Limit sendLimitPerTenant;
        private SignupMode signupMode = SignupMode.OPEN;
        private String defaultRole = "member";
        private Set<String> defaultPermissions = new LinkedHashSet<>();
        private Set<String> allowedPhoneRegions = new LinkedHashSet<>();
        private @Nullable String defaultPhoneRegion;
        private Duration healthDegradedThreshold = Duration.ofMillis(500);

        private Builder() {}

        /**
         * Required. The server-side secret (at least 32 random bytes) from which the keys that hash one-time codes
         * and derive refresh tokens are made. Every instance of the application must share it.
         */
        public Builder hashSecret(byte[] secret) {
            this.hashSecret = Objects.requireNonNull(secret, "hashSecret").clone();
            return this;
        }

        /** Required. The key that signs access tokens; it also verifies them. */
        public Builder signingKey(JwtKey key) {
            this.signingKey = Objects.requireNonNull(key, "signingKey");
            return this;
        }

        /** Extra keys accepted for verification only, typically the previous signing key during a rotation. */
        public Builder verificationKeys(List<JwtKey> keys) {
            this.verificationKeys = new ArrayList<>(keys);
            return this;
        }

        /** The {@code iss} of issued tokens, required exactly on verification. Default {@code latchkey}. */
        public Builder issuer(String value) {
            this.issuer = value;
            return this;
        }

        /** The {@code aud} of issued tokens, required exactly on verification. Default {@code latchkey}. */
        public Builder audience(String value) {
            this.audience = value;
            return this;
        }

        /** The {@code client_id} claim (RFC 9068 §2.2). Default {@code latchkey}. */
        public Builder clientId(String value) {
            this.clientId = value;
            return this;
        }

        /** Access token lifetime, 1 minute to 24 hours. Default 15 minutes. */
        public Builder accessTokenTtl(Duration value) {
            this.accessTokenTtl = value;
            return this;
        }

        /** A session ends if not refreshed for this long. Default 7 days. */
        public Builder refreshIdleTtl(Duration value) {
            this.refreshIdleTtl = value;
            return this;
        }

        /** A session ends this long after login whatever its use. Default 30 days. */
        public Builder refreshAbsoluteTtl(Duration value) {
            this.refreshAbsoluteTtl = value;
            return this;
        }

        /**
         * How long the just-rotated refresh token may be presented again and receive the same successor, so that
         * concurrent refreshes from one client do not log it out. 0 to 60 seconds; default 10 seconds.
         */
        public Builder refreshReuseGrace(Duration value) {
            this.refreshReuseGrace = value;
            return this;
        }

        /** Tolerated clock difference when checking {@code exp} and {@code iat}, 0 to 60 seconds. Default 30 s. */
        public Builder clockSkew(Duration value) {
            this.clockSkew = value;
            return this;
        }

        /** Entries of the verified-token cache; 0 disables it. Default 4096. */
        public Builder tokenCacheSize(int value) {
            this.tokenCacheSize = value;
            return this;
        }

        /** Digits per one-time code, 6 to 10. Default 6. */
        public Builder otpLength(int value) {
            this.otpLength = value;
            return this;
        }

        /** How long a code is accepted, 30 seconds to 10 minutes. Default 5 minutes. */
        public Builder otpTtl(Duration value) {
            this.otpTtl = value;
            return this;
        }

        /** Wrong codes accepted per code before it locks, 1 to 10. Default 5. */
        public Builder otpMaxAttempts(int value) {
            this.otpMaxAttempts = value;
            return this;
        }

        /**
         * Failed verifications per destination per window, whatever the number of codes sent; past it,
         * verification is refused. Default 20 per 24 hours.
         */
        public Builder otpFailureLimit(Limit value) {
            this.otpFailureLimit = value;
            return this;
        }

        /** Minimum time between two codes for one destination; zero disables. Default 60 seconds. */
        public Builder resendCooldown(Duration value) {
            this.resendCooldown = value;
            return this;
        }

        /** Codes per destination per window. Default 5 per hour. */
        public Builder sendLimitPerDestination(Limit value) {
            this.sendLimitPerDestination = value;
            return this;
        }

        /** Codes per client IP per window, when the host passes the IP. Default 30 per hour. */
        public Builder sendLimitPerIp(Limit value) {
            this.sendLimitPerIp = value;
            return this;
        }

        /**
         * Codes per tenant per window, across all destinations: a ceiling on what SMS pumping through many numbers can
         * cost. Off by default ({@code null}); size it well above the tenant's normal peak.
         */
        public Builder sendLimitPerTenant(Limit value) {
            this.sendLimitPerTenant = value;
            return this;
        }

        /** Open sign-up (default) or invite-only. */
        public Builder signupMode(SignupMode value) {
            this.signupMode = value;
            return this;
        }

        /** Role of users created at first login. Default {@code member}. */
        public Builder defaultRole(String value) {
            this.defaultRole = value;
            return this;
        }

        /** Permissions of users created at first login. Default none. */
        public Builder defaultPermissions(Set<String> value) {
            this.defaultPermissions = new LinkedHashSet<>(value);
            return this;
        }

        /** ISO 3166 regions whose mobile numbers are accepted; empty (default) accepts every region. */
        public Builder allowedPhoneRegions(Set<String> regions) {
            Set<String> upper = new LinkedHashSet<>();
            for (String region : regions) {
                upper.add(region.trim().toUpperCase(Locale.ROOT));
            }
            this.allowedPhoneRegions = upper;
            return this;
        }

        /** Region for numbers given without {@code +country}; none by default, so numbers must be international. */
        public Builder defaultPhoneRegion(String region) {
            this.defaultPhoneRegion = region == null ? null : region.trim().toUpperCase(Locale.ROOT);
            return this;
        }

        /** A store whose health probe takes longer than this is reported DEGRADED. Default 500 ms. */
        public Builder healthDegradedThreshold(Duration value) {
            this.healthDegradedThreshold = value;
            return this;
        }

        /**
         * Validates and freezes the settings.
         *
         * @throws IllegalArgumentException naming the first missing or unsafe setting
         */
        public AuthSettings build() {
            if (hashSecret == null) {
                throw new IllegalArgumentException("hashSecret is required (at least 32 random bytes)");
            }
            JwtKey.Secrets.requireStrong("hashSecret", hashSecret);
            if (signingKey == null) {
                throw new IllegalArgumentException("signingKey is required");
            }
            if (!signingKey.canSign()) {
                throw new IllegalArgumentException("signingKey holds only a public key; it cannot sign");
            }
            Set<String> kids = new LinkedHashSet<>();
            kids.add(signingKey.kid());
            for (JwtKey key : verificationKeys) {
                if (!kids.add(key.kid())) {
                    throw new IllegalArgumentException("verificationKeys: duplicate key id " + key.kid());
                }
            }
            requireText("issuer", issuer, 256);
            requireText("audience", audience, 256);
            requireText("clientId", clientId, 256);
            requireText("defaultRole", defaultRole, 64);
            for (String permission : defaultPermissions) {
                requireText("defaultPermissions", permission, 128);
            }
            requireBetween("accessTokenTtl", accessTokenTtl, Duration.ofMinutes(1), Duration.ofHours(24));
            requireBetween("refreshIdleTtl", refreshIdleTtl, Duration.ofMinutes(5), Duration.ofDays(365));
            requireBetween("refreshAbsoluteTtl", refreshAbsoluteTtl, Duration.ofMinutes(5), Duration.ofDays(365));
            // An access token must not outlive the idle session it belongs to, or authenticate() would keep
            // accepting it after the session ended (ASVS 5.0 V7.3).
            if (accessTokenTtl.compareTo(refreshIdleTtl) > 0) {
                throw new IllegalArgumentException("refreshIdleTtl must not be shorter than accessTokenTtl");
            }
            if (refreshIdleTtl.compareTo(refreshAbsoluteTtl) > 0) {
                throw new IllegalArgumentException("refreshIdleTtl must not exceed refreshAbsoluteTtl");
            }
            requireBetween("refreshReuseGrace", refreshReuseGrace, Duration.ZERO, Duration.ofSeconds(60));
            // RFC 8725 §3.10 / ASVS 9.2.1: keep the tolerated skew small.
            requireBetween("clockSkew", clockSkew, Duration.ZERO, Duration.ofSeconds(60));
            if (tokenCacheSize < 0 || tokenCacheSize > 1 << 20) {
                throw new IllegalArgumentException("tokenCacheSize must be between 0 and 1048576");
            }
            // NIST SP 800-63B-4 §3.1.3: at least 6 digits, short validity.
            if (otpLength < 6 || otpLength > 10) {
                throw new IllegalArgumentException("otpLength must be between 6 and 10");
            }
            requireBetween("otpTtl", otpTtl, Duration.ofSeconds(30), Duration.ofMinutes(10));
            if (otpMaxAttempts < 1 || otpMaxAttempts > 10) {
                throw new IllegalArgumentException("otpMaxAttempts must be between 1 and 10");
            }
            Objects.requireNonNull(otpFailureLimit, "otpFailureLimit");
            Objects.requireNonNull(sendLimitPerDestination, "sendLimitPerDestination");
            Objects.requireNonNull(sendLimitPerIp, "sendLimitPerIp");
            Objects.requireNonNull(signupMode, "signupMode");
            requireBetween("resendCooldown", resendCooldown, Duration.ZERO, Duration.ofMinutes(10));
            requireBetween("healthDegradedThreshold", healthDegradedThreshold, Duration.ZERO, Duration.ofMinutes(1));
            for (String region : allowedPhoneRegions) {
                requireRegion("allowedPhoneRegions", region);
            }
            if (defaultPhoneRegion != null) {
                requireRegion("defaultPhoneRegion", defaultPhoneRegion);
            }
            return new AuthSettings(this);
        }

        private static void requireText(String name, String value, int maxLength) {
            if (value == null || value.isBlank() || value.length() > maxLength) {
                throw new IllegalArgumentException(name + " must be non-blank and at most " + maxLength + " chars");
            }
        }

        private static void requireBetween(String name, Duration value, Duration min, Duration max) {
            if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
            }
        }

        private static void requireRegion(String name, String region) {
            if (!com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance()
                    .getSupportedRegions()
                    .contains(region)) {
                throw new IllegalArgumentException(name + ": unknown region " + region);
            }
        }
    }

    /** Duration syntax shared by settings: {@code 90s}, {@code 15m}, {@code 24h}, {@code 7d}, or ISO-8601. */
    static final class Durations {
        private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

        private Durations() {}

        static Duration parse(String text) {
            Matcher m = SHORT.matcher(text.trim().toLowerCase(Locale.ROOT));
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            try {
                return Duration.parse(text.trim());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("expected a duration like 15m, 24h, 7d or PT15M", e);
            }
        }
    }

    /** Maps environment variables onto a builder; each failure names its variable. */
    static final class EnvReader {
        private final Map<String, String> env;
        private final Builder builder = builder();

        private EnvReader(Map<String, String> env) {
            this.env = env;
        }

        static AuthSettings read(Map<String, String> env) {
            Objects.requireNonNull(env, "env");
            return new EnvReader(env).apply();
        }

        private AuthSettings apply() {
            String hashSecret = value("OTP_HASH_SECRET")
                    .orElseThrow(() -> new IllegalArgumentException(
                            "OTP_HASH_SECRET is required: at least 32 random bytes, shared by all instances"));
            with("OTP_HASH_SECRET", () -> builder.hashSecret(hashSecret.getBytes(StandardCharsets.UTF_8)));
            with(
                    "OTP_HASH_SECRET",
                    () -> JwtKey.Secrets.requireStrong("OTP_HASH_SECRET", hashSecret.getBytes(StandardCharsets.UTF_8)));

            String kid = value("JWT_KEY_ID").orElse("k1");
            Optional<String> secret = value("JWT_SECRET");
            Optional<String> jwk = value("JWT_PRIVATE_JWK");
            if (secret.isPresent() && jwk.isPresent()) {
                throw new IllegalArgumentException("JWT_SECRET and JWT_PRIVATE_JWK are exclusive: set one");
            }
            if (secret.isPresent()) {
                with(
                        "JWT_SECRET",
                        () -> builder.signingKey(JwtKey.hs256(kid, secret.get().getBytes(StandardCharsets.UTF_8))));
            } else if (jwk.isPresent()) {
                with("JWT_PRIVATE_JWK", () -> builder.signingKey(JwtKey.fromJwk(jwk.get())));
            } else {
                throw new IllegalArgumentException(
                        "JWT_SECRET (HS256) or JWT_PRIVATE_JWK (ES256/EdDSA/RS256) is required");
            }
            List<JwtKey> previous = new ArrayList<>();
            value("JWT_PREVIOUS_SECRET")
                    .ifPresent(s -> with(
                            "JWT_PREVIOUS_SECRET",
                            () -> previous.add(JwtKey.hs256(
                                    value("JWT_PREVIOUS_KEY_ID").orElse("k0"), s.getBytes(StandardCharsets.UTF_8)))));
            value("JWT_PREVIOUS_JWK").ifPresent(s -> with("JWT_PREVIOUS_JWK", () -> previous.add(JwtKey.fromJwk(s))));
            builder.verificationKeys(previous);

            value("JWT_ISSUER").ifPresent(builder::issuer);
            value("JWT_AUDIENCE").ifPresent(builder::audience);
            value("JWT_CLIENT_ID").ifPresent(builder::clientId);
            duration("JWT_EXPIRES_IN", builder::accessTokenTtl);
            duration("JWT_CLOCK_SKEW", builder::clockSkew);
            integer("JWT_CACHE_SIZE", builder::tokenCacheSize);
            duration("REFRESH_EXPIRES_IN", builder::refreshAbsoluteTtl);
            duration("REFRESH_IDLE_TIMEOUT", builder::refreshIdleTtl);
            duration("REFRESH_REUSE_GRACE", builder::refreshReuseGrace);
            integer("OTP_LENGTH", builder::otpLength);
            duration("OTP_EXPIRES_IN", builder::otpTtl);
            integer("OTP_MAX_ATTEMPTS", builder::otpMaxAttempts);
            limit("OTP_FAILURE_LIMIT", builder::otpFailureLimit);
            duration("OTP_RESEND_COOLDOWN", builder::resendCooldown);
            limit("OTP_SEND_LIMIT_PER_DESTINATION", builder::sendLimitPerDestination);
            limit("OTP_SEND_LIMIT_PER_IP", builder::sendLimitPerIp);
            limit("OTP_SEND_LIMIT_PER_TENANT", builder::sendLimitPerTenant);
            value("SIGNUP_MODE")
                    .ifPresent(v -> with(
                            "SIGNUP_MODE",
                            () -> builder.signupMode(
                                    switch (v.toLowerCase(Locale.ROOT)) {
                                        case "open" -> SignupMode.OPEN;
                                        case "invite_only", "invite-only" -> SignupMode.INVITE_ONLY;
                                        default -> throw new IllegalArgumentException("expected open or invite_only");
                                    })));
            value("DEFAULT_ROLE").ifPresent(builder::defaultRole);
            value("DEFAULT_PERMISSIONS").ifPresent(v -> builder.defaultPermissions(csv(v)));
            value("PHONE_ALLOWED_REGIONS").ifPresent(v -> builder.allowedPhoneRegions(csv(v)));
            value("PHONE_DEFAULT_REGION").ifPresent(builder::defaultPhoneRegion);
            duration("HEALTH_DEGRADED_THRESHOLD", builder::healthDegradedThreshold);
            try {
                return builder.build();
            } catch (IllegalArgumentException e) {
                String message = Objects.requireNonNullElse(e.getMessage(), "");
                for (Map.Entry<String, String> entry : VARIABLE_OF_SETTING.entrySet()) {
                    if (message.startsWith(entry.getKey() + " ")) {
                        throw new IllegalArgumentException(entry.getValue() + ": " + message, e);
                    }
                }
                throw new IllegalArgumentException("invalid settings: " + message, e);
            }
        }

        private static final Map<String, String> VARIABLE_OF_SETTING = Map.ofEntries(
                Map.entry("issuer", "JWT_ISSUER"),
                Map.entry("audience", "JWT_AUDIENCE"),
                Map.entry("clientId", "JWT_CLIENT_ID"),
                Map.entry("accessTokenTtl", "JWT_EXPIRES_IN"),
                Map.entry("clockSkew", "JWT_CLOCK_SKEW"),
                Map.entry("tokenCacheSize", "JWT_CACHE_SIZE"),
                Map.entry("refreshAbsoluteTtl", "REFRESH_EXPIRES_IN"),
                Map.entry("refreshIdleTtl", "REFRESH_IDLE_TIMEOUT"),
                Map.entry("refreshReuseGrace", "REFRESH_REUSE_GRACE"),
                Map.entry("otpLength", "OTP_LENGTH"),
                Map.entry("otpTtl", "OTP_EXPIRES_IN"),
                Map.entry("otpMaxAttempts", "OTP_MAX_ATTEMPTS"),
                Map.entry("resendCooldown", "OTP_RESEND_COOLDOWN"),
                Map.entry("defaultRole", "DEFAULT_ROLE"),
                Map.entry("defaultPermissions", "DEFAULT_PERMISSIONS"),
                Map.entry("allowedPhoneRegions:", "PHONE_ALLOWED_REGIONS"),
                Map.entry("defaultPhoneRegion:", "PHONE_DEFAULT_REGION"),
                Map.entry("healthDegradedThreshold", "HEALTH_DEGRADED_THRESHOLD"),
                Map.entry("verificationKeys:", "JWT_PREVIOUS_KEY_ID"));

        private Optional<String> value(String name) {
            String v = env.get(name);
            return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
        }

        private void duration(String name, java.util.function.Consumer<Duration> setter) {
            value(name).ifPresent(v -> with(name, () -> setter.accept(Durations.parse(v))));
        }

        private void integer(String name, java.util.function.IntConsumer setter) {
            value(name)
                    .ifPresent(v -> with(name, () -> {
                        try {
                            setter.accept(Integer.parseInt(v));
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("expected a whole number", e);
                        }
                    }));
        }

        private void limit(String name, java.util.function.Consumer<Limit> setter) {
            value(name).ifPresent(v -> with(name, () -> setter.accept(Limit.parse(v))));
        }

        private static Set<String> csv(String v) {
            Set<String> out = new LinkedHashSet<>();
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
            return out;
        }

        private static void with(String variable, Runnable action) {
            try {
                action.run();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(variable + ": " + e.getMessage(), e);
            }
        }
    }
}
