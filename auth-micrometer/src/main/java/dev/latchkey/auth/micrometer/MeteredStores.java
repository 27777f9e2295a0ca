package dev.latchkey.auth.micrometer;

import dev.latchkey.auth.spi.AuthStores;
import dev.latchkey.auth.spi.ExternalIdentityStore;
import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.RateLimitStore;
import dev.latchkey.auth.spi.RevocationList;
import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.spi.UserDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A store bundle whose every call is timed: {@value #STORE_CALLS}, tagged {@code store} [users, otp, rate_limits,
 * sessions, revocations], {@code method} [the SPI method, such as {@code verify} or {@code rotate}] and {@code outcome}
 * [success, error]. Arguments and results are never looked at, so no tag carries personal data.
 *
 * <pre>{@code
 * AuthFacade auth = AuthFacade.builder()
 *         .stores(MeteredStores.wrap(PostgresStores.builder().dataSource(ds).build(), meterRegistry))
 *         ...
 * }</pre>
 *
 * <p>Each store is wrapped once, when the bundle is; the bundle's behaviour, exceptions included, is unchanged.
 */
public final class MeteredStores implements AuthStores {
    /** Timer: store calls, by store, method and outcome. */
    public static final String STORE_CALLS = "latchkey.store.calls";

    private final UserDatabase users;
    private final OTPStore otp;
    private final RateLimitStore rateLimits;
    private final SessionStore sessions;
    private final Optional<RevocationList> revocations;
    private final Optional<ExternalIdentityStore> externalIdentities;

    private MeteredStores(AuthStores stores, MeterRegistry registry) {
        this.users = timed(UserDatabase.class, "users", stores.users(), registry);
        this.otp = timed(OTPStore.class, "otp", stores.otp(), registry);
        this.rateLimits = timed(RateLimitStore.class, "rate_limits", stores.rateLimits(), registry);
        this.sessions = timed(SessionStore.class, "sessions", stores.sessions(), registry);
        this.revocations = stores.revocations().map(list -> timed(RevocationList.class, "revocations", list, registry));
        this.externalIdentities = stores.externalIdentities()
                .map(links -> timed(ExternalIdentityStore.class, "external_identities", links, registry));
    }

    /** The bundle's stores, each call timed on {@code registry}. */
    public static AuthStores wrap(AuthStores stores, MeterRegistry registry) {
        return new MeteredStores(
                Objects.requireNonNull(stores, "stores"), Objects.requireNonNull(registry, "registry"));
    }

    @Override
    public UserDatabase users() {
        return users;
    }

    @Override
    public OTPStore otp() {
        return otp;
    }

    @Override
    public RateLimitStore rateLimits() {
        return rateLimits;
    }

    @Override
    public SessionStore sessions() {
        return sessions;
    }

    @Override
    public Optional<RevocationList> revocations() {
        return revocations;
    }

    @Override
    public Optional<ExternalIdentityStore> externalIdentities() {
        return externalIdentities;
    }

    /**
     * A proxy rather than one hand-written decorator per store: every SPI method, including ones added later, is
     * timed the same way, and none can be forgotten.
     */
    private static <S> S timed(Class<S> spi, String storeName, S store, MeterRegistry registry) {
        Objects.requireNonNull(store, storeName);
        InvocationHandler handler = new TimingHandler(store, storeName, registry);
        return spi.cast(Proxy.newProxyInstance(spi.getClassLoader(), new Class<?>[] {spi}, handler));
    }

    private record TimingHandler(Object store, String storeName, MeterRegistry registry) implements InvocationHandler {
        @Override
        public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return objectMethod(proxy, method, args);
            }
            long start = System.nanoTime();
            String outcome = LatchkeyMetrics.ERROR;
            try {
                Object result = method.invoke(store, unwrapped(args));
                outcome = LatchkeyMetrics.SUCCESS;
                return result;
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                Timer.builder(STORE_CALLS)
                        .description("Latchkey store calls")
                        .tag("store", storeName)
                        .tag("method", method.getName())
                        .tag("outcome", outcome)
                        .register(registry)
                        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        }

        /**
         * Stores passed as arguments (such as the user database to {@code SessionStore.findWithUser}) reach the store
         * unwrapped, so that a store still recognises its own bundle's stores and keeps its one-round-trip paths.
         */
        private static @Nullable Object @Nullable [] unwrapped(@Nullable Object @Nullable [] args) {
            if (args == null) {
                return null;
            }
            Object[] plain = args.clone();
            for (int i = 0; i < plain.length; i++) {
                Object arg = plain[i];
                if (arg != null
                        && Proxy.isProxyClass(arg.getClass())
                        && Proxy.getInvocationHandler(arg) instanceof TimingHandler timing) {
                    plain[i] = timing.store();
                }
            }
            return plain;
        }

        /** Identity for equality, the store's own text otherwise; never timed. */
        private Object objectMethod(Object proxy, Method method, @Nullable Object[] args) {
            return switch (method.getName()) {
                case "equals" -> args != null && proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "Metered[" + store + "]";
            };
        }
    }
}
