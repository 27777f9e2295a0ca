package dev.latchkey.auth;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import dev.latchkey.auth.AuthSettings.Limit;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every setting of {@link AuthSettings}, described once, in the order of the README's configuration table. Ranges
 * live here and nowhere else.
 */
final class SettingsCatalog {
    private static final String SECRET_FORM = "at least 32 random bytes (openssl rand -base64 48 makes one)";

    static final Setting<byte[]> OTP_HASH_SECRET = new Setting<>(
            "OTP_HASH_SECRET",
            "hashSecret",
            true,
            true,
            null,
            "**required**",
            SECRET_FORM + ", the same on every instance",
            text -> text.getBytes(StandardCharsets.UTF_8),
            JwtKey.Secrets::weakness,
            secret -> "");
    static final Setting<byte[]> JWT_SECRET = new Setting<>(
            "JWT_SECRET",
            null,
            true,
            false,
            null,
            "**required** unless `JWT_PRIVATE_JWK` is set",
            "an HS256 secret of " + SECRET_FORM,
            text -> text.getBytes(StandardCharsets.UTF_8),
            JwtKey.Secrets::weakness,
            secret -> "");
    static final Setting<JwtKey> JWT_PRIVATE_JWK = new Setting<>(
            "JWT_PRIVATE_JWK",
            null,
            true,
            false,
            null,
            "none",
            "a private JWK with a kid: EC P-256 (ES256), OKP Ed25519 (EdDSA) or RSA of at least 2048 bits (RS256)",
            SettingsCatalog::jwk,
            key -> key.canSign() ? Optional.empty() : Optional.of("holds only a public key"),
            JwtKey::kid);
    static final Setting<String> JWT_KEY_ID = keyId("JWT_KEY_ID", "k1");
    static final Setting<byte[]> JWT_PREVIOUS_SECRET = new Setting<>(
            "JWT_PREVIOUS_SECRET",
            null,
            true,
            false,
            null,
            "none",
            "an HS256 secret of " + SECRET_FORM,
            text -> text.getBytes(StandardCharsets.UTF_8),
            JwtKey.Secrets::weakness,
            secret -> "");
    static final Setting<String> JWT_PREVIOUS_KEY_ID = keyId("JWT_PREVIOUS_KEY_ID", "k0");
    static final Setting<JwtKey> JWT_PREVIOUS_JWK = new Setting<>(
            "JWT_PREVIOUS_JWK",
            null,
            true,
            false,
            null,
            "none",
            "a JWK with a kid: EC P-256, OKP Ed25519 or RSA of at least 2048 bits; the public part is enough",
            SettingsCatalog::jwk,
            key -> Optional.empty(),
            JwtKey::kid);
    static final Setting<Duration> JWT_EXPIRES_IN = duration(
            "JWT_EXPIRES_IN",
            "accessTokenTtl",
            Duration.ofMinutes(15),
            "15m",
            Duration.ofMinutes(1),
            Duration.ofHours(24));
    static final Setting<String> JWT_ISSUER = text("JWT_ISSUER", "issuer", "latchkey", 256);
    static final Setting<String> JWT_AUDIENCE = text("JWT_AUDIENCE", "audience", "latchkey", 256);
    static final Setting<String> JWT_CLIENT_ID = text("JWT_CLIENT_ID", "clientId", "latchkey", 256);
    // RFC 8725 §3.10 / ASVS 9.2.1: keep the tolerated skew small.
    static final Setting<Duration> JWT_CLOCK_SKEW = duration(
            "JWT_CLOCK_SKEW", "clockSkew", Duration.ofSeconds(30), "30s", Duration.ZERO, Duration.ofSeconds(60));
    static final Setting<Integer> JWT_CACHE_SIZE = integer("JWT_CACHE_SIZE", "tokenCacheSize", 4096, 0, 1 << 20);
    static final Setting<Duration> REFRESH_EXPIRES_IN = duration(
            "REFRESH_EXPIRES_IN",
            "refreshAbsoluteTtl",
            Duration.ofDays(30),
            "30d",
            Duration.ofMinutes(5),
            Duration.ofDays(365));
    static final Setting<Duration> REFRESH_IDLE_TIMEOUT = duration(
            "REFRESH_IDLE_TIMEOUT",
            "refreshIdleTtl",
            Duration.ofDays(7),
            "7d",
            Duration.ofMinutes(5),
            Duration.ofDays(365));
    static final Setting<Duration> REFRESH_REUSE_GRACE = duration(
            "REFRESH_REUSE_GRACE",
            "refreshReuseGrace",
            Duration.ofSeconds(10),
            "10s",
            Duration.ZERO,
            Duration.ofSeconds(60));
    // NIST SP 800-63B-4 §3.1.3: at least 6 digits, short validity.
    static final Setting<Integer> OTP_LENGTH = integer("OTP_LENGTH", "otpLength", 6, 6, 10);
    static final Setting<Duration> OTP_EXPIRES_IN = duration(
            "OTP_EXPIRES_IN", "otpTtl", Duration.ofMinutes(5), "5m", Duration.ofSeconds(30), Duration.ofMinutes(10));
    static final Setting<Integer> OTP_MAX_ATTEMPTS = integer("OTP_MAX_ATTEMPTS", "otpMaxAttempts", 5, 1, 10);
    // NIST SP 800-63B-4 §3.2.2: at most 100 consecutive failures per account before stronger measures.
    static final Setting<Limit> OTP_FAILURE_LIMIT =
            limit("OTP_FAILURE_LIMIT", "otpFailureLimit", new Limit(100, Duration.ofHours(24)), "100/24h");
    static final Setting<Limit> OTP_FAILURE_LIMIT_PER_CLIENT = limit(
            "OTP_FAILURE_LIMIT_PER_CLIENT",
            "otpFailureLimitPerClient",
            new Limit(10, Duration.ofMinutes(15)),
            "10/15m");
    static final Setting<Duration> OTP_RESEND_COOLDOWN = duration(
            "OTP_RESEND_COOLDOWN",
            "resendCooldown",
            Duration.ofSeconds(60),
            "60s",
            Duration.ZERO,
            Duration.ofMinutes(10));
    static final Setting<Limit> OTP_SEND_LIMIT_PER_DESTINATION = limit(
            "OTP_SEND_LIMIT_PER_DESTINATION", "sendLimitPerDestination", new Limit(5, Duration.ofHours(1)), "5/1h");
    static final Setting<Limit> OTP_SEND_LIMIT_PER_ADDRESS =
            limit("OTP_SEND_LIMIT_PER_ADDRESS", "sendLimitPerAddress", new Limit(15, Duration.ofHours(1)), "15/1h");
    static final Setting<Limit> OTP_SEND_LIMIT_PER_IP =
            limit("OTP_SEND_LIMIT_PER_IP", "sendLimitPerIp", new Limit(30, Duration.ofHours(1)), "30/1h");
    static final Setting<Limit> OTP_SEND_LIMIT_PER_TENANT = new Setting<>(
            "OTP_SEND_LIMIT_PER_TENANT",
            "sendLimitPerTenant",
            false,
            false,
            null,
            "off",
            "COUNT/DURATION with a count of at least 1, such as 1000/1h",
            SettingsCatalog::parseLimit,
            SettingsCatalog::limitProblem,
            SettingsCatalog::formatLimit);
    static final Setting<Limit> OTP_SEND_LIMIT_GLOBAL = new Setting<>(
            "OTP_SEND_LIMIT_GLOBAL",
            "sendLimitGlobal",
            false,
            false,
            null,
            "off",
            "COUNT/DURATION with a count of at least 1, such as 10000/1h",
            SettingsCatalog::parseLimit,
            SettingsCatalog::limitProblem,
            SettingsCatalog::formatLimit);
    static final Setting<Set<String>> ALLOWED_TENANTS = new Setting<>(
            "ALLOWED_TENANTS",
            "allowedTenants",
            false,
            true,
            Set.of(),
            "any",
            "comma-separated tenant ids (letters, digits, '-', '_', '.'; case-insensitive), such as acme,globex",
            text -> commaSeparated(text, tenant -> tenant.toLowerCase(Locale.ROOT)),
            tenants -> tenants.stream()
                    .filter(tenant -> !Inputs.isTenantId(tenant))
                    .findFirst()
                    .map(tenant -> "contains an invalid tenant id"),
            tenants -> String.join(",", tenants));
    static final Setting<SignupMode> SIGNUP_MODE = new Setting<>(
            "SIGNUP_MODE",
            "signupMode",
            false,
            true,
            SignupMode.OPEN,
            "`open`",
            "open or invite_only",
            SettingsCatalog::parseSignupMode,
            mode -> Optional.empty(),
            mode -> mode.name().toLowerCase(Locale.ROOT));
    static final Setting<String> DEFAULT_ROLE = text("DEFAULT_ROLE", "defaultRole", "member", 64);
    static final Setting<Set<String>> DEFAULT_PERMISSIONS = new Setting<>(
            "DEFAULT_PERMISSIONS",
            "defaultPermissions",
            false,
            true,
            Set.of(),
            "none",
            "comma-separated permissions of 1 to 128 characters each, such as reports:read,profile:write",
            text -> commaSeparated(text, Function.identity()),
            permissions -> permissions.stream()
                    .filter(permission -> textProblem(permission, 128).isPresent())
                    .findFirst()
                    .map(permission -> "contains a blank permission or one longer than 128 characters"),
            permissions -> String.join(",", permissions));
    static final Setting<Set<String>> PHONE_ALLOWED_REGIONS = new Setting<>(
            "PHONE_ALLOWED_REGIONS",
            "allowedPhoneRegions",
            false,
            true,
            Set.of(),
            "all",
            "comma-separated ISO 3166 region codes, such as US,GB",
            text -> commaSeparated(text, SettingsCatalog::region),
            regions -> regions.stream()
                    .filter(region -> !isKnownRegion(region))
                    .findFirst()
                    .map(region -> "contains the unknown region " + region),
            regions -> String.join(",", regions));
    static final Setting<String> PHONE_DEFAULT_REGION = new Setting<>(
            "PHONE_DEFAULT_REGION",
            "defaultPhoneRegion",
            false,
            false,
            null,
            "none",
            "an ISO 3166 region code, such as US",
            SettingsCatalog::region,
            region -> isKnownRegion(region) ? Optional.empty() : Optional.of("is not a known region"),
            Function.identity());
    static final Setting<Duration> HEALTH_DEGRADED_THRESHOLD = duration(
            "HEALTH_DEGRADED_THRESHOLD",
            "healthDegradedThreshold",
            Duration.ofMillis(500),
            "500ms",
            Duration.ZERO,
            Duration.ofMinutes(1));

    static final Setting<StoreFallback> STORE_FALLBACK = new Setting<>(
            "STORE_FALLBACK",
            "storeFallback",
            false,
            true,
            StoreFallback.NONE,
            "`none`",
            "none or memory",
            text -> parseEnum(text, StoreFallback.class, "is not a fallback"),
            value -> Optional.empty(),
            SettingsCatalog::formatEnum);
    static final Setting<Integer> FALLBACK_INSTANCES = integer("FALLBACK_INSTANCES", "fallbackInstances", 1, 1, 10_000);
    static final Setting<Integer> FALLBACK_MAX_ENTRIES =
            integer("FALLBACK_MAX_ENTRIES", "fallbackMaxEntries", 100_000, 1, 10_000_000);
    static final Setting<Duration> FALLBACK_PROBE_INTERVAL = duration(
            "FALLBACK_PROBE_INTERVAL",
            "fallbackProbeInterval",
            Duration.ofSeconds(1),
            "1s",
            Duration.ofMillis(10),
            Duration.ofMinutes(1));
    static final Setting<Integer> FALLBACK_ENGAGE_AFTER =
            integer("FALLBACK_ENGAGE_AFTER", "fallbackEngageAfter", 3, 1, 100);
    static final Setting<Integer> FALLBACK_RECOVER_AFTER =
            integer("FALLBACK_RECOVER_AFTER", "fallbackRecoverAfter", 3, 1, 100);
    static final Setting<RevocationOutagePolicy> REVOCATION_OUTAGE_POLICY = new Setting<>(
            "REVOCATION_OUTAGE_POLICY",
            "revocationOutagePolicy",
            false,
            true,
            RevocationOutagePolicy.FAIL_CLOSED,
            "`fail_closed`",
            "fail_closed or accept_signed",
            text -> parseEnum(text, RevocationOutagePolicy.class, "is not a revocation outage policy"),
            value -> Optional.empty(),
            SettingsCatalog::formatEnum);

    /** Every setting, in the order of the README's configuration table. */
    static final List<Setting<?>> ALL = List.of(
            OTP_HASH_SECRET,
            JWT_SECRET,
            JWT_PRIVATE_JWK,
            JWT_KEY_ID,
            JWT_PREVIOUS_SECRET,
            JWT_PREVIOUS_KEY_ID,
            JWT_PREVIOUS_JWK,
            JWT_EXPIRES_IN,
            JWT_ISSUER,
            JWT_AUDIENCE,
            JWT_CLIENT_ID,
            JWT_CLOCK_SKEW,
            JWT_CACHE_SIZE,
            REFRESH_EXPIRES_IN,
            REFRESH_IDLE_TIMEOUT,
            REFRESH_REUSE_GRACE,
            OTP_LENGTH,
            OTP_EXPIRES_IN,
            OTP_MAX_ATTEMPTS,
            OTP_FAILURE_LIMIT,
            OTP_FAILURE_LIMIT_PER_CLIENT,
            OTP_RESEND_COOLDOWN,
            OTP_SEND_LIMIT_PER_DESTINATION,
            OTP_SEND_LIMIT_PER_ADDRESS,
            OTP_SEND_LIMIT_PER_IP,
            OTP_SEND_LIMIT_PER_TENANT,
            OTP_SEND_LIMIT_GLOBAL,
            ALLOWED_TENANTS,
            SIGNUP_MODE,
            DEFAULT_ROLE,
            DEFAULT_PERMISSIONS,
            PHONE_ALLOWED_REGIONS,
            PHONE_DEFAULT_REGION,
            HEALTH_DEGRADED_THRESHOLD,
            STORE_FALLBACK,
            FALLBACK_INSTANCES,
            FALLBACK_MAX_ENTRIES,
            FALLBACK_PROBE_INTERVAL,
            FALLBACK_ENGAGE_AFTER,
            FALLBACK_RECOVER_AFTER,
            REVOCATION_OUTAGE_POLICY);

    /** The settings a builder holds directly, as opposed to the key material {@code fromEnv} turns into keys. */
    static final List<Setting<?>> ON_BUILDER =
            ALL.stream().filter(setting -> setting.builderMethod() != null).toList();

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private SettingsCatalog() {}

    /** Parses {@code 90s}, {@code 15m}, {@code 24h}, {@code 7d}, {@code 250ms} or ISO-8601 ({@code PT15M}). */
    static Duration parseDuration(String text) {
        Matcher m = SHORT_DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
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
            throw new Setting.InvalidValue("is not a duration");
        }
    }

    /**
     * A duration in the largest unit that divides it exactly, as {@link #parseDuration} reads it back; a day is
     * written {@code 24h}, the way people think of it.
     */
    static String formatDuration(Duration value) {
        if (value.isNegative() || value.getNano() % 1_000_000 != 0 || value.getSeconds() > Long.MAX_VALUE / 1000) {
            return value.toString();
        }
        long millis = value.toMillis();
        if (millis == 0) {
            return "0s";
        }
        if (millis % Duration.ofDays(1).toMillis() == 0
                && millis != Duration.ofDays(1).toMillis()) {
            return millis / Duration.ofDays(1).toMillis() + "d";
        }
        if (millis % Duration.ofHours(1).toMillis() == 0) {
            return millis / Duration.ofHours(1).toMillis() + "h";
        }
        if (millis % Duration.ofMinutes(1).toMillis() == 0) {
            return millis / Duration.ofMinutes(1).toMillis() + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }

    /** Upper-cases a region code the way both the builder and {@code fromEnv} store it. */
    static String region(String code) {
        return code.trim().toUpperCase(Locale.ROOT);
    }

    private static Setting<Duration> duration(
            String variable,
            String builderMethod,
            Duration defaultValue,
            String defaultText,
            Duration min,
            Duration max) {
        return new Setting<>(
                variable,
                builderMethod,
                false,
                true,
                defaultValue,
                "`" + defaultText + "`",
                "a duration from " + formatDuration(min) + " to " + formatDuration(max) + ", such as " + defaultText,
                SettingsCatalog::parseDuration,
                value -> value.compareTo(min) < 0
                        ? Optional.of("is below the minimum")
                        : value.compareTo(max) > 0 ? Optional.of("is above the maximum") : Optional.empty(),
                SettingsCatalog::formatDuration);
    }

    private static Setting<Integer> integer(String variable, String builderMethod, int defaultValue, int min, int max) {
        return new Setting<>(
                variable,
                builderMethod,
                false,
                true,
                defaultValue,
                "`" + defaultValue + "`",
                "a whole number from " + min + " to " + max + ", such as " + defaultValue,
                text -> {
                    try {
                        return Integer.parseInt(text.trim());
                    } catch (NumberFormatException e) {
                        throw new Setting.InvalidValue("is not a whole number");
                    }
                },
                value -> value < min
                        ? Optional.of("is below the minimum")
                        : value > max ? Optional.of("is above the maximum") : Optional.empty(),
                String::valueOf);
    }

    private static Setting<Limit> limit(String variable, String builderMethod, Limit defaultValue, String defaultText) {
        return new Setting<>(
                variable,
                builderMethod,
                false,
                true,
                defaultValue,
                "`" + defaultText + "`",
                "COUNT/DURATION with a count of at least 1, such as " + defaultText,
                SettingsCatalog::parseLimit,
                SettingsCatalog::limitProblem,
                SettingsCatalog::formatLimit);
    }

    private static Setting<String> text(String variable, String builderMethod, String defaultValue, int maxLength) {
        return new Setting<>(
                variable,
                builderMethod,
                false,
                true,
                defaultValue,
                "`" + defaultValue + "`",
                "1 to " + maxLength + " characters, such as " + defaultValue,
                Function.identity(),
                value -> textProblem(value, maxLength),
                Function.identity());
    }

    private static Setting<String> keyId(String variable, String defaultValue) {
        return new Setting<>(
                variable,
                null,
                false,
                true,
                defaultValue,
                "`" + defaultValue + "`",
                "1 to 64 letters, digits, '.', '_', ':' or '-', such as " + defaultValue,
                Function.identity(),
                kid -> JwtKey.isValidKid(kid) ? Optional.empty() : Optional.of("is not a valid key id"),
                Function.identity());
    }

    private static Optional<String> textProblem(String value, int maxLength) {
        if (value.isBlank()) {
            return Optional.of("is blank");
        }
        if (value.length() > maxLength) {
            return Optional.of("is longer than " + maxLength + " characters");
        }
        return Optional.empty();
    }

    private static Limit parseLimit(String text) {
        int slash = text.indexOf('/');
        if (slash < 1) {
            throw new Setting.InvalidValue("is not COUNT/DURATION");
        }
        int count;
        try {
            count = Integer.parseInt(text.substring(0, slash).trim());
        } catch (NumberFormatException e) {
            throw new Setting.InvalidValue("is not COUNT/DURATION");
        }
        return new Limit(count, parseDuration(text.substring(slash + 1)));
    }

    private static Optional<String> limitProblem(Limit limit) {
        if (limit.max() < 1) {
            return Optional.of("allows nothing");
        }
        if (limit.window().isNegative() || limit.window().isZero()) {
            return Optional.of("has a window that is not positive");
        }
        return Optional.empty();
    }

    private static String formatLimit(Limit limit) {
        return limit.max() + "/" + formatDuration(limit.window());
    }

    private static SignupMode parseSignupMode(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "open" -> SignupMode.OPEN;
            case "invite_only", "invite-only" -> SignupMode.INVITE_ONLY;
            default -> throw new Setting.InvalidValue("is not a sign-up mode");
        };
    }

    /** Reads an enum constant by its name, case-insensitive, with '-' for '_'. */
    private static <E extends Enum<E>> E parseEnum(String text, Class<E> type, String problem) {
        String name = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(name)) {
                return constant;
            }
        }
        throw new Setting.InvalidValue(problem);
    }

    private static String formatEnum(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** The JWK's own messages are not passed on: parts of a private key could appear in them. */
    private static JwtKey jwk(String json) {
        try {
            return JwtKey.fromJwk(json);
        } catch (IllegalArgumentException e) {
            throw new Setting.InvalidValue("is not a usable JWK");
        }
    }

    private static Set<String> commaSeparated(String text, Function<String, String> normaliser) {
        Set<String> values = new LinkedHashSet<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                values.add(normaliser.apply(part.trim()));
            }
        }
        return Set.copyOf(values);
    }

    private static boolean isKnownRegion(String region) {
        return PhoneNumberUtil.getInstance().getSupportedRegions().contains(region);
    }
}
