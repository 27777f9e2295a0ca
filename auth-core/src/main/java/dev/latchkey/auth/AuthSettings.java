package dev.latchkey.auth;

import static dev.latchkey.auth.SettingsCatalog.ALLOWED_TENANTS;
import static dev.latchkey.auth.SettingsCatalog.DEFAULT_PERMISSIONS;
import static dev.latchkey.auth.SettingsCatalog.DEFAULT_ROLE;
import static dev.latchkey.auth.SettingsCatalog.FALLBACK_ENGAGE_AFTER;
import static dev.latchkey.auth.SettingsCatalog.FALLBACK_INSTANCES;
import static dev.latchkey.auth.SettingsCatalog.FALLBACK_MAX_ENTRIES;
import static dev.latchkey.auth.SettingsCatalog.FALLBACK_PROBE_INTERVAL;
import static dev.latchkey.auth.SettingsCatalog.FALLBACK_RECOVER_AFTER;
import static dev.latchkey.auth.SettingsCatalog.HEALTH_DEGRADED_THRESHOLD;
import static dev.latchkey.auth.SettingsCatalog.JWT_AUDIENCE;
import static dev.latchkey.auth.SettingsCatalog.JWT_CACHE_SIZE;
import static dev.latchkey.auth.SettingsCatalog.JWT_CLIENT_ID;
import static dev.latchkey.auth.SettingsCatalog.JWT_CLOCK_SKEW;
import static dev.latchkey.auth.SettingsCatalog.JWT_EXPIRES_IN;
import static dev.latchkey.auth.SettingsCatalog.JWT_ISSUER;
import static dev.latchkey.auth.SettingsCatalog.JWT_KEY_ID;
import static dev.latchkey.auth.SettingsCatalog.JWT_PREVIOUS_JWK;
import static dev.latchkey.auth.SettingsCatalog.JWT_PREVIOUS_KEY_ID;
import static dev.latchkey.auth.SettingsCatalog.JWT_PREVIOUS_SECRET;
import static dev.latchkey.auth.SettingsCatalog.JWT_PRIVATE_JWK;
import static dev.latchkey.auth.SettingsCatalog.JWT_SECRET;
import static dev.latchkey.auth.SettingsCatalog.OTP_EXPIRES_IN;
import static dev.latchkey.auth.SettingsCatalog.OTP_FAILURE_LIMIT;
import static dev.latchkey.auth.SettingsCatalog.OTP_FAILURE_LIMIT_PER_CLIENT;
import static dev.latchkey.auth.SettingsCatalog.OTP_HASH_SECRET;
import static dev.latchkey.auth.SettingsCatalog.OTP_LENGTH;
import static dev.latchkey.auth.SettingsCatalog.OTP_MAX_ATTEMPTS;
import static dev.latchkey.auth.SettingsCatalog.OTP_RESEND_COOLDOWN;
import static dev.latchkey.auth.SettingsCatalog.OTP_SEND_LIMIT_GLOBAL;
import static dev.latchkey.auth.SettingsCatalog.OTP_SEND_LIMIT_PER_ADDRESS;
import static dev.latchkey.auth.SettingsCatalog.OTP_SEND_LIMIT_PER_DESTINATION;
import static dev.latchkey.auth.SettingsCatalog.OTP_SEND_LIMIT_PER_IP;
import static dev.latchkey.auth.SettingsCatalog.OTP_SEND_LIMIT_PER_TENANT;
import static dev.latchkey.auth.SettingsCatalog.PHONE_ALLOWED_REGIONS;
import static dev.latchkey.auth.SettingsCatalog.PHONE_DEFAULT_REGION;
import static dev.latchkey.auth.SettingsCatalog.REFRESH_EXPIRES_IN;
import static dev.latchkey.auth.SettingsCatalog.REFRESH_IDLE_TIMEOUT;
import static dev.latchkey.auth.SettingsCatalog.REFRESH_REUSE_GRACE;
import static dev.latchkey.auth.SettingsCatalog.REVOCATION_OUTAGE_POLICY;
import static dev.latchkey.auth.SettingsCatalog.SIGNUP_MODE;
import static dev.latchkey.auth.SettingsCatalog.STORE_FALLBACK;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Every policy and key setting of a facade, immutable. Build one with {@link #builder()} or from environment-style
 * variables with {@link #fromEnv(Map)}; every setting has a secure default except the two secrets, which the host
 * must provide: the hashing secret for codes and refresh tokens, and the token signing key.
 *
 * <p>Every missing, invalid or unsafe value fails with a {@link ConfigurationException}, from the builder and from
 * {@code fromEnv} alike. Its {@link ConfigurationException#setting() setting} is always the setting's environment
 * variable, even when the value came through the builder ({@code accessTokenTtl} is reported as {@code
 * JWT_EXPIRES_IN}), so one name identifies a setting in logs, documentation and code; only {@code signingKey} and
 * {@code verificationKeys}, which no single variable holds, are named by their builder method. A value is quoted in
 * the message only when it is not secret, and then shortened.
 */
public final class AuthSettings {
    private static final String SIGNING_KEY_FORM = "a key that can sign, such as JwtKey.hs256(kid, secret)";

    private final Map<Setting<?>, Object> values;
    private final JwtKey signingKey;
    private final List<JwtKey> verificationKeys;

    private AuthSettings(Builder b) {
        this.values = Map.copyOf(b.values);
        this.signingKey = Objects.requireNonNull(b.signingKey, "signingKey");
        this.verificationKeys = b.verificationKeys;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to derive changed settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.values.clear();
        b.values.putAll(values);
        b.signingKey = signingKey;
        b.verificationKeys = verificationKeys;
        return b;
    }

    /**
     * Reads settings from environment-style variables. Core never reads the process environment itself: pass {@code
     * System.getenv()}, or a map in tests. Unset or blank variables keep their defaults; see the README's
     * configuration reference for the full list.
     *
     * @throws ConfigurationException naming the variable, for a missing required or an invalid value
     */
    public static AuthSettings fromEnv(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        Builder builder = builder();
        for (Setting<?> setting : SettingsCatalog.ON_BUILDER) {
            readInto(builder, setting, env);
        }
        JwtKey signing = signingKeyFromEnv(env);
        return builder.signingKey(signing)
                .verificationKeys(previousKeysFromEnv(env, signing))
                .build();
    }

    private static <T> void readInto(Builder builder, Setting<T> setting, Map<String, String> env) {
        setting.read(env).ifPresent(value -> builder.set(setting, value));
    }

    private static JwtKey signingKeyFromEnv(Map<String, String> env) {
        Optional<byte[]> secret = JWT_SECRET.read(env);
        Optional<JwtKey> jwk = JWT_PRIVATE_JWK.read(env);
        String eitherKey = JWT_SECRET.expected() + "; or JWT_PRIVATE_JWK, " + JWT_PRIVATE_JWK.expected();
        if (secret.isPresent() && jwk.isPresent()) {
            throw new ConfigurationException(
                    JWT_SECRET.variable(), "is set together with JWT_PRIVATE_JWK", "only one of them: " + eitherKey);
        }
        if (secret.isPresent()) {
            return JwtKey.hs256(JWT_KEY_ID.read(env).orElse(JWT_KEY_ID.requiredDefault()), secret.get());
        }
        return jwk.orElseThrow(() ->
                new ConfigurationException(JWT_SECRET.variable(), "is not set, nor is JWT_PRIVATE_JWK", eitherKey));
    }

    /** The previous keys, each with an id of its own, so that a token's {@code kid} picks exactly one key. */
    private static List<JwtKey> previousKeysFromEnv(Map<String, String> env, JwtKey signing) {
        Set<String> kids = new HashSet<>(Set.of(signing.kid()));
        List<JwtKey> keys = new ArrayList<>();
        Optional<byte[]> previousSecret = JWT_PREVIOUS_SECRET.read(env);
        if (previousSecret.isPresent()) {
            JwtKey key = JwtKey.hs256(
                    JWT_PREVIOUS_KEY_ID.read(env).orElse(JWT_PREVIOUS_KEY_ID.requiredDefault()), previousSecret.get());
            keys.add(requireOwnKid(JWT_PREVIOUS_KEY_ID, key, kids));
        }
        JWT_PREVIOUS_JWK.read(env).ifPresent(key -> keys.add(requireOwnKid(JWT_PREVIOUS_JWK, key, kids)));
        return keys;
    }

    private static JwtKey requireOwnKid(Setting<?> setting, JwtKey key, Set<String> kidsInUse) {
        if (!kidsInUse.add(key.kid())) {
            throw new ConfigurationException(
                    setting.variable(),
                    "gives the key id " + key.kid() + ", which another key already has",
                    "a key id no other key has");
        }
        return key;
    }

    /**
     * The environment variables {@link #fromEnv} reads, in the order of the README's configuration table, with their
     * defaults and accepted forms: a read-only view of the one description that also drives validation, for
     * integrations that offer the same settings under other names (such as Spring properties) without a second copy.
     */
    public static List<Variable> variables() {
        return SettingsCatalog.ALL.stream()
                .map(setting -> new Variable(
                        setting.variable(),
                        setting.secret(),
                        // Required and without a default: the host must give it.
                        setting.required() && setting.defaultValue() == null,
                        // The README's table is Markdown; this view is plain text.
                        setting.defaultText().replace("**", "").replace("`", ""),
                        setting.expected()))
                .toList();
    }

    /**
     * One environment variable of {@link #fromEnv}, as described in the README's configuration table.
     *
     * @param name the variable, for example {@code JWT_EXPIRES_IN}
     * @param secret whether its value is secret (never logged, never quoted in errors)
     * @param required whether it has no default and must be given ({@code JWT_SECRET} is not, as {@code
     *     JWT_PRIVATE_JWK} may replace it)
     * @param defaultText the default as {@code fromEnv} spells it, or what unset means, for example {@code 15m}
     * @param expected the accepted form, for example {@code a duration from 1m to 24h, such as 15m}
     */
    public record Variable(String name, boolean secret, boolean required, String defaultText, String expected) {
        public Variable {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(defaultText, "defaultText");
            Objects.requireNonNull(expected, "expected");
        }
    }

    /**
     * A count allowed per window, for example 5 per hour. The settings that hold one check that it allows at least
     * one in a positive window.
     *
     * @param max how many are allowed in one window
     * @param window the window's length
     */
    public record Limit(int max, Duration window) {
        public Limit {
            Objects.requireNonNull(window, "window");
        }
    }

    @SuppressWarnings("unchecked") // every value was stored through set(Setting<T>, T)
    private <T> @Nullable T optional(Setting<T> setting) {
        return (T) values.get(setting);
    }

    /** A setting with a default or required: {@code build()} made sure it has a value. */
    private <T> T get(Setting<T> setting) {
        return Objects.requireNonNull(optional(setting), setting.variable());
    }

    public byte[] hashSecret() {
        return get(OTP_HASH_SECRET).clone();
    }

    public JwtKey signingKey() {
        return signingKey;
    }

    public List<JwtKey> verificationKeys() {
        return verificationKeys;
    }

    public String issuer() {
        return get(JWT_ISSUER);
    }

    public String audience() {
        return get(JWT_AUDIENCE);
    }

    public String clientId() {
        return get(JWT_CLIENT_ID);
    }

    public Duration accessTokenTtl() {
        return get(JWT_EXPIRES_IN);
    }

    public Duration refreshIdleTtl() {
        return get(REFRESH_IDLE_TIMEOUT);
    }

    public Duration refreshAbsoluteTtl() {
        return get(REFRESH_EXPIRES_IN);
    }

    public Duration refreshReuseGrace() {
        return get(REFRESH_REUSE_GRACE);
    }

    public Duration clockSkew() {
        return get(JWT_CLOCK_SKEW);
    }

    public int tokenCacheSize() {
        return get(JWT_CACHE_SIZE);
    }

    public int otpLength() {
        return get(OTP_LENGTH);
    }

    public Duration otpTtl() {
        return get(OTP_EXPIRES_IN);
    }

    public int otpMaxAttempts() {
        return get(OTP_MAX_ATTEMPTS);
    }

    public Limit otpFailureLimit() {
        return get(OTP_FAILURE_LIMIT);
    }

    /** Failed verifications per address and client (IP bucket) per window, before that client must wait. */
    public Limit otpFailureLimitPerClient() {
        return get(OTP_FAILURE_LIMIT_PER_CLIENT);
    }

    public Duration resendCooldown() {
        return get(OTP_RESEND_COOLDOWN);
    }

    public Limit sendLimitPerDestination() {
        return get(OTP_SEND_LIMIT_PER_DESTINATION);
    }

    /** Codes per address per window whoever asks: the backstop against bombing one person from many addresses. */
    public Limit sendLimitPerAddress() {
        return get(OTP_SEND_LIMIT_PER_ADDRESS);
    }

    public Limit sendLimitPerIp() {
        return get(OTP_SEND_LIMIT_PER_IP);
    }

    /** The cap on codes sent per tenant, if one is set. */
    public Optional<Limit> sendLimitPerTenant() {
        return Optional.ofNullable(optional(OTP_SEND_LIMIT_PER_TENANT));
    }

    /** The cap on codes sent by the whole deployment, if one is set. */
    public Optional<Limit> sendLimitGlobal() {
        return Optional.ofNullable(optional(OTP_SEND_LIMIT_GLOBAL));
    }

    /** The tenants that exist, lower-case; empty when any well-formed tenant id is accepted. */
    public Set<String> allowedTenants() {
        return get(ALLOWED_TENANTS);
    }

    public SignupMode signupMode() {
        return get(SIGNUP_MODE);
    }

    public String defaultRole() {
        return get(DEFAULT_ROLE);
    }

    public Set<String> defaultPermissions() {
        return get(DEFAULT_PERMISSIONS);
    }

    public Set<String> allowedPhoneRegions() {
        return get(PHONE_ALLOWED_REGIONS);
    }

    public Optional<String> defaultPhoneRegion() {
        return Optional.ofNullable(optional(PHONE_DEFAULT_REGION));
    }

    public Duration healthDegradedThreshold() {
        return get(HEALTH_DEGRADED_THRESHOLD);
    }

    /** What happens to codes and counters while their store is unreachable; {@link StoreFallback#NONE} by default. */
    public StoreFallback storeFallback() {
        return get(STORE_FALLBACK);
    }

    /** How many instances share the limits while each counts alone in fallback; every limit is divided by it. */
    public int fallbackInstances() {
        return get(FALLBACK_INSTANCES);
    }

    /** The bound on entries of each local fallback store (codes, counters); a full store refuses new entries. */
    public int fallbackMaxEntries() {
        return get(FALLBACK_MAX_ENTRIES);
    }

    /** How often the fallback probes the store of codes and counters. */
    public Duration fallbackProbeInterval() {
        return get(FALLBACK_PROBE_INTERVAL);
    }

    /** Consecutive failed probes after which codes and counters move to the local store. */
    public int fallbackEngageAfter() {
        return get(FALLBACK_ENGAGE_AFTER);
    }

    /** Consecutive good probes after which codes and counters move back to their store. */
    public int fallbackRecoverAfter() {
        return get(FALLBACK_RECOVER_AFTER);
    }

    /** What the route guard does when its revocation list is unreachable; fail closed by default. */
    public RevocationOutagePolicy revocationOutagePolicy() {
        return get(REVOCATION_OUTAGE_POLICY);
    }

    @Override
    public String toString() {
        return "AuthSettings[issuer=" + issuer() + ", audience=" + audience() + ", signingKey=" + signingKey
                + ", accessTokenTtl=" + accessTokenTtl() + ", refreshIdleTtl=" + refreshIdleTtl()
                + ", refreshAbsoluteTtl=" + refreshAbsoluteTtl() + ", otpLength=" + otpLength() + ", otpTtl="
                + otpTtl() + ", signupMode=" + signupMode() + "]";
    }

    /** Collects settings; {@link #build()} validates them all. */
    public static final class Builder {
        /** The value of each setting that has one; an absent setting is unset. */
        private final Map<Setting<?>, Object> values = new HashMap<>();

        private @Nullable JwtKey signingKey;
        private List<JwtKey> verificationKeys = List.of();

        private Builder() {
            for (Setting<?> setting : SettingsCatalog.ON_BUILDER) {
                if (setting.defaultValue() != null) {
                    values.put(setting, setting.defaultValue());
                }
            }
        }

        /**
         * Required. The server-side secret (at least 32 random bytes) from which the keys that hash one-time codes
         * and derive refresh tokens are made. Every instance of the application must share it.
         */
        public Builder hashSecret(byte @Nullable [] secret) {
            return set(OTP_HASH_SECRET, secret == null ? null : secret.clone());
        }

        /** Required. The key that signs access tokens; it also verifies them. */
        public Builder signingKey(JwtKey key) {
            this.signingKey = key;
            return this;
        }

        /** Extra keys accepted for verification only, typically the previous signing key during a rotation. */
        public Builder verificationKeys(List<JwtKey> keys) {
            this.verificationKeys = List.copyOf(keys);
            return this;
        }

        /** The {@code iss} of issued tokens, required exactly on verification. Default {@code latchkey}. */
        public Builder issuer(String value) {
            return set(JWT_ISSUER, value);
        }

        /** The {@code aud} of issued tokens, required exactly on verification. Default {@code latchkey}. */
        public Builder audience(String value) {
            return set(JWT_AUDIENCE, value);
        }

        /** The {@code client_id} claim (RFC 9068 §2.2). Default {@code latchkey}. */
        public Builder clientId(String value) {
            return set(JWT_CLIENT_ID, value);
        }

        /** Access token lifetime, 1 minute to 24 hours. Default 15 minutes. */
        public Builder accessTokenTtl(Duration value) {
            return set(JWT_EXPIRES_IN, value);
        }

        /** A session ends if not refreshed for this long. Default 7 days. */
        public Builder refreshIdleTtl(Duration value) {
            return set(REFRESH_IDLE_TIMEOUT, value);
        }

        /** A session ends this long after login whatever its use. Default 30 days. */
        public Builder refreshAbsoluteTtl(Duration value) {
            return set(REFRESH_EXPIRES_IN, value);
        }

        /**
         * How long the just-rotated refresh token may be presented again and receive the same successor, so that
         * concurrent refreshes from one client do not log it out. 0 to 60 seconds; default 10 seconds.
         */
        public Builder refreshReuseGrace(Duration value) {
            return set(REFRESH_REUSE_GRACE, value);
        }

        /** Tolerated clock difference when checking {@code exp} and {@code iat}, 0 to 60 seconds. Default 30 s. */
        public Builder clockSkew(Duration value) {
            return set(JWT_CLOCK_SKEW, value);
        }

        /** Entries of the verified-token cache; 0 disables it. Default 4096. */
        public Builder tokenCacheSize(int value) {
            return set(JWT_CACHE_SIZE, value);
        }

        /** Digits per one-time code, 6 to 10. Default 6. */
        public Builder otpLength(int value) {
            return set(OTP_LENGTH, value);
        }

        /** How long a code is accepted, 30 seconds to 10 minutes. Default 5 minutes. */
        public Builder otpTtl(Duration value) {
            return set(OTP_EXPIRES_IN, value);
        }

        /** Wrong codes accepted per code before it locks, 1 to 10. Default 5. */
        public Builder otpMaxAttempts(int value) {
            return set(OTP_MAX_ATTEMPTS, value);
        }

        /**
         * Failed verifications per address (all clients, all tenants) per window: the backstop of NIST SP 800-63B-4
         * §3.2.2. Once reached, every code of the address allows one attempt only, so a guesser needs a new code per
         * guess while its owner, who types the code received, still gets in. Default 100 per 24 hours.
         */
        public Builder otpFailureLimit(Limit value) {
            return set(OTP_FAILURE_LIMIT, value);
        }

        /** Minimum time between two codes for one destination; zero disables. Default 60 seconds. */
        public Builder resendCooldown(Duration value) {
            return set(OTP_RESEND_COOLDOWN, value);
        }

        /**
         * Codes per address and client (IP bucket) per window, whichever tenant asks. Default 5 per hour. A client
         * that spends it does not spend anyone else's; {@link #sendLimitPerAddress} bounds them all.
         */
        public Builder sendLimitPerDestination(Limit value) {
            return set(OTP_SEND_LIMIT_PER_DESTINATION, value);
        }

        /** Codes per client IP per window, when the host passes the IP. Default 30 per hour. */
        public Builder sendLimitPerIp(Limit value) {
            return set(OTP_SEND_LIMIT_PER_IP, value);
        }

        /**
         * Codes per tenant per window, across all destinations: a ceiling on what SMS pumping through many numbers can
         * cost. Off by default ({@code null}); size it well above the tenant's normal peak.
         */
        public Builder sendLimitPerTenant(Limit value) {
            return set(OTP_SEND_LIMIT_PER_TENANT, value);
        }

        /**
         * Failed verifications per address and client (IP bucket) per window; past it that client gets {@code
         * TOO_MANY_ATTEMPTS} while others, the address's owner among them, are unaffected. Default 10 per 15 minutes.
         */
        public Builder otpFailureLimitPerClient(Limit value) {
            return set(OTP_FAILURE_LIMIT_PER_CLIENT, value);
        }

        /** Codes per address per window, whichever tenant and client ask. Default 15 per hour. */
        public Builder sendLimitPerAddress(Limit value) {
            return set(OTP_SEND_LIMIT_PER_ADDRESS, value);
        }

        /** Codes per window for the whole deployment: the ceiling on what SMS pumping can cost. Off by default. */
        public Builder sendLimitGlobal(Limit value) {
            return set(OTP_SEND_LIMIT_GLOBAL, value);
        }

        /**
         * The tenants that exist (case-insensitive); any other tenant id is refused before any throttle or send.
         * Empty (the default) accepts every well-formed id. For tenants that change at run time, give the facade
         * builder a tenant resolver instead.
         */
        public Builder allowedTenants(Set<String> value) {
            return set(ALLOWED_TENANTS, value);
        }

        /** Open sign-up (default) or invite-only. */
        public Builder signupMode(SignupMode value) {
            return set(SIGNUP_MODE, value);
        }

        /** Role of users created at first login. Default {@code member}. */
        public Builder defaultRole(String value) {
            return set(DEFAULT_ROLE, value);
        }

        /** Permissions of users created at first login. Default none. */
        public Builder defaultPermissions(@Nullable Set<String> value) {
            return set(DEFAULT_PERMISSIONS, value == null ? null : Set.copyOf(value));
        }

        /** ISO 3166 regions whose mobile numbers are accepted; empty (default) accepts every region. */
        public Builder allowedPhoneRegions(@Nullable Set<String> regions) {
            return set(
                    PHONE_ALLOWED_REGIONS,
                    regions == null
                            ? null
                            : regions.stream().map(SettingsCatalog::region).collect(Collectors.toUnmodifiableSet()));
        }

        /** Region for numbers given without {@code +country}; none by default, so numbers must be international. */
        public Builder defaultPhoneRegion(@Nullable String region) {
            return set(PHONE_DEFAULT_REGION, region == null ? null : SettingsCatalog.region(region));
        }

        /** A store whose health probe takes longer than this is reported DEGRADED. Default 500 ms. */
        public Builder healthDegradedThreshold(Duration value) {
            return set(HEALTH_DEGRADED_THRESHOLD, value);
        }

        /**
         * Opt-in: {@link StoreFallback#MEMORY} keeps one-time codes and rate-limit counters in a bounded local memory
         * store while their store is unreachable (see {@code docs/failure-modes.md}). Default {@link
         * StoreFallback#NONE}: every outage is {@code UNAVAILABLE}.
         */
        public Builder storeFallback(StoreFallback value) {
            return set(STORE_FALLBACK, value);
        }

        /**
         * The number of instances of the application: in fallback every limit is divided by it (rounded up, at least
         * 1), because each instance then counts alone. Default 1.
         */
        public Builder fallbackInstances(int value) {
            return set(FALLBACK_INSTANCES, value);
        }

        /** The bound on entries of each local fallback store. Default 100000. */
        public Builder fallbackMaxEntries(int value) {
            return set(FALLBACK_MAX_ENTRIES, value);
        }

        /** How often the fallback probes the store of codes and counters. Default 1 s. */
        public Builder fallbackProbeInterval(Duration value) {
            return set(FALLBACK_PROBE_INTERVAL, value);
        }

        /** Consecutive failed probes before the fallback engages. Default 3. */
        public Builder fallbackEngageAfter(int value) {
            return set(FALLBACK_ENGAGE_AFTER, value);
        }

        /** Consecutive good probes before the fallback ends. Default 3. */
        public Builder fallbackRecoverAfter(int value) {
            return set(FALLBACK_RECOVER_AFTER, value);
        }

        /**
         * What the route guard does when its revocation list is unreachable. Default {@link
         * RevocationOutagePolicy#FAIL_CLOSED}.
         */
        public Builder revocationOutagePolicy(RevocationOutagePolicy value) {
            return set(REVOCATION_OUTAGE_POLICY, value);
        }

        private <T> Builder set(Setting<T> setting, @Nullable T value) {
            if (value == null) {
                values.remove(setting);
            } else {
                values.put(setting, value);
            }
            return this;
        }

        /**
         * Validates and freezes the settings.
         *
         * @throws ConfigurationException naming the first missing or unsafe setting (see the class description)
         */
        public AuthSettings build() {
            for (Setting<?> setting : SettingsCatalog.ON_BUILDER) {
                validate(setting);
            }
            if (signingKey == null) {
                throw new ConfigurationException("signingKey", "is not set", SIGNING_KEY_FORM);
            }
            if (!signingKey.canSign()) {
                throw new ConfigurationException("signingKey", "holds only a public key", SIGNING_KEY_FORM);
            }
            Set<String> kids = new HashSet<>(Set.of(signingKey.kid()));
            for (JwtKey key : verificationKeys) {
                if (!kids.add(key.kid())) {
                    throw new ConfigurationException(
                            "verificationKeys",
                            "repeat the key id " + key.kid(),
                            "keys whose ids differ from each other and from the signing key's");
                }
            }
            requireIdleTimeoutWithinLifetimes();
            return new AuthSettings(this);
        }

        private <T> void validate(Setting<T> setting) {
            @SuppressWarnings("unchecked") // every value was stored through set(Setting<T>, T)
            @Nullable
            T value = (T) values.get(setting);
            setting.validate(value);
        }

        /**
         * An access token must not outlive the idle session it belongs to, or authenticate() would keep accepting it
         * after the session ended (ASVS 5.0 V7.3); an idle timeout beyond the absolute lifetime could never apply.
         */
        private void requireIdleTimeoutWithinLifetimes() {
            // All three have defaults and were validated before this cross-check.
            Duration access = (Duration) Objects.requireNonNull(values.get(JWT_EXPIRES_IN));
            Duration idle = (Duration) Objects.requireNonNull(values.get(REFRESH_IDLE_TIMEOUT));
            Duration absolute = (Duration) Objects.requireNonNull(values.get(REFRESH_EXPIRES_IN));
            String expected = "a duration from JWT_EXPIRES_IN to REFRESH_EXPIRES_IN, such as "
                    + SettingsCatalog.formatDuration(REFRESH_IDLE_TIMEOUT.requiredDefault());
            if (idle.compareTo(access) < 0) {
                throw new ConfigurationException(
                        REFRESH_IDLE_TIMEOUT.variable(),
                        SettingsCatalog.formatDuration(idle) + " is shorter than JWT_EXPIRES_IN ("
                                + SettingsCatalog.formatDuration(access) + ")",
                        expected);
            }
            if (idle.compareTo(absolute) > 0) {
                throw new ConfigurationException(
                        REFRESH_IDLE_TIMEOUT.variable(),
                        SettingsCatalog.formatDuration(idle) + " is longer than REFRESH_EXPIRES_IN ("
                                + SettingsCatalog.formatDuration(absolute) + ")",
                        expected);
            }
        }
    }
}
