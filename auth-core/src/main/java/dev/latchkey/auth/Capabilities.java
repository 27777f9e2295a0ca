package dev.latchkey.auth;

import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.spi.RevocationFeed;
import dev.latchkey.auth.spi.RevocationList;
import dev.latchkey.auth.spi.Store;
import dev.latchkey.auth.spi.TokenIssuer;
import dev.latchkey.auth.spi.UserDatabase;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capability classes of one facade, wired once from its builder: every store wrapped by {@link FailClosed}, the
 * shared hashing keys, audit and clock. Keeps {@link AuthFacade} to one method per operation.
 */
final class Capabilities {
    private static final Logger LOG = LoggerFactory.getLogger(Capabilities.class);

    final AuthSettings settings;
    final TokenIssuer tokens;
    final Sessions sessions;
    final UserAccounts accounts;
    final OtpLogin otpLogin;
    final @Nullable ExternalLogins externalLogins;
    final HealthCheck health;
    /** The switch between the host's code stores and the local fallback; {@code null} unless opted in. */
    final @Nullable CodeStoreFallback codeStoreFallback;
    /** The local copy of the revocation list, when the list offers a feed and the host did not opt out. */
    final @Nullable RevocationMirror mirror;

    Capabilities(AuthFacade.Builder b) {

        AuthSettings settings = Objects.requireNonNull(b.settings);
        UserDatabase users = Objects.requireNonNull(b.users);
        this.settings = settings;
        SecureRandom random = new PerThreadRandom();
        Audit audit = new Audit(b.listener);
        KeyedHashes hashes = new KeyedHashes(settings.hashSecret());
        Inputs inputs = new Inputs(
                settings.allowedPhoneRegions(), settings.defaultPhoneRegion().orElse(null));
        this.tokens = FailClosed.tokens(b.tokenIssuer != null ? b.tokenIssuer : new AccessTokens(settings, random));
        UserDatabase guardedUsers = FailClosed.users(users);
        RevocationList revocations = b.revocations == null ? null : FailClosed.revocations(b.revocations);
        RevocationFeed feed = b.revocations == null || !b.mirrorRevocations ? null : feedOf(b.revocations);
        this.mirror = revocations == null || feed == null ? null : new RevocationMirror(revocations, feed, b.clock);
        this.sessions = new Sessions(
                settings,
                FailClosed.sessions(Objects.requireNonNull(b.sessions)),
                users,
                mirror != null ? mirror : revocations,
                tokens,
                new RefreshTokens(hashes, random),
                audit,
                b.clock);
        this.accounts = new UserAccounts(settings, guardedUsers, sessions, inputs, b.newUserCustomizer, audit, b.clock);
        OTPStore otp = Objects.requireNonNull(b.otp);
        RateLimitStore rateLimits = Objects.requireNonNull(b.rateLimits);
        this.codeStoreFallback = settings.storeFallback() == StoreFallback.MEMORY
                ? new CodeStoreFallback(otp, rateLimits, settings, audit, b.clock)
                        .startProbing(b.probeScheduler, settings.fallbackProbeInterval())
                : null;
        CodeStoreFallback fallback = codeStoreFallback;
        Supplier<CodeStores> codeStores;
        if (fallback != null) {
            codeStores = fallback::active;
        } else {
            // The counters unwrapped: the OTP store's login steps receive them and may fuse them with their own work
            // when they are its sibling store; the OTP store's wrapper fails every step closed.
            CodeStores fixed = new CodeStores(FailClosed.otp(otp), rateLimits, 1);
            codeStores = () -> fixed;
        }
        this.otpLogin = new OtpLogin(
                settings,
                inputs,
                hashes,
                codeStores,
                Objects.requireNonNull(b.sender),
                accounts,
                sessions,
                b.tenantResolver != null ? b.tenantResolver : allowedBySettings(settings),
                audit,
                b.clock,
                random);
        this.externalLogins = b.externalIdentities == null
                ? null
                : new ExternalLogins(
                        settings,
                        FailClosed.externalIdentities(b.externalIdentities),
                        accounts,
                        sessions,
                        audit,
                        b.clock);
        Map<String, Store> probed = new LinkedHashMap<>();
        probed.put("users", users);
        probed.put("otp", b.otp);
        probed.put("rateLimits", b.rateLimits);
        probed.put("sessions", b.sessions);
        if (b.revocations != null) {
            probed.put("revocations", b.revocations);
        }
        // A user database that keeps the links too is probed once, as "users".
        if (b.externalIdentities != null && b.externalIdentities != (Object) users) {
            probed.put("externalIdentities", b.externalIdentities);
        }
        RevocationMirror mirrored = mirror;
        this.health = new HealthCheck(
                probed,
                fallbacks(settings, fallback),
                settings.healthDegradedThreshold(),
                mirrored == null ? Map.of() : Map.of("revocations", mirrored::state));
    }

    /**
     * The health report's view of the fallbacks: codes and counters while the switch is engaged; the revocation list
     * while it is down and the host chose to accept signed tokens meanwhile.
     */
    private static HealthCheck.Fallbacks fallbacks(AuthSettings settings, @Nullable CodeStoreFallback codes) {
        boolean acceptSigned = settings.revocationOutagePolicy() == RevocationOutagePolicy.ACCEPT_SIGNED;
        return (name, probed) -> {
            if (codes != null && CodeStoreFallback.COMPONENTS.contains(name)) {
                return codes.servingDetail(name);
            }
            if (acceptSigned && name.equals(RevocationCheck.COMPONENT) && probed.status() == HealthReport.Status.DOWN) {
                return Optional.of(
                        RevocationCheck.acceptingDetail(probed.detailText().orElse("down")));
            }
            return Optional.empty();
        };
    }

    /**
     * The list's feed; a list that fails to say (a broken proxy, a store in trouble) gets no mirror, so every check
     * goes to the store: building never fails because of a store, and that choice is the fail-closed one.
     */
    private static @Nullable RevocationFeed feedOf(RevocationList list) {
        try {
            return list.feed().orElse(null);
        } catch (RuntimeException e) {
            LOG.warn("the revocation list did not say whether it has a feed; authenticate asks it on every call", e);
            return null;
        }
    }

    private static Predicate<String> allowedBySettings(AuthSettings settings) {
        Set<String> allowed = settings.allowedTenants().stream()
                .map(tenant -> tenant.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        return allowed.isEmpty() ? tenant -> true : allowed::contains;
    }
}
