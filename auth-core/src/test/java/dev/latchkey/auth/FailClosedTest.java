package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.spi.BudgetedCheck;
import dev.latchkey.auth.spi.ChallengeIssue;
import dev.latchkey.auth.spi.CodeCheck;
import dev.latchkey.auth.spi.Counter;
import dev.latchkey.auth.spi.ExternalIdentity;
import dev.latchkey.auth.spi.ExternalIdentityStore;
import dev.latchkey.auth.spi.OTPStore;
import dev.latchkey.auth.spi.RevocationList;
import dev.latchkey.auth.spi.SessionStore;
import dev.latchkey.auth.spi.UpsertResult;
import dev.latchkey.auth.spi.UserDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every wrapped store, method by method: a call reaches the store and returns exactly its answer; a store failure is
 * {@code UNAVAILABLE} naming the store; a store's own {@link AuthException} passes unchanged; and a probe sees the
 * store's real failure, unwrapped, so the health report can name its cause.
 */
class FailClosedTest {
    private static final User USER = new User(
            UUID.fromString("00000000-0000-0000-0000-000000000001"),
            "acme",
            "ada@example.com",
            null,
            null,
            "user",
            Set.of(),
            true,
            null,
            TestKeys.T0,
            TestKeys.T0);
    private static final Counter COUNTER = new Counter(1, TestKeys.T0);

    /** One wrapper: its name in the failure's message, the store type, and how the facade wraps it. */
    record Wrapper(String component, Class<?> type, Function<Object, Object> wrap) {
        @Override
        public String toString() {
            return type.getSimpleName();
        }
    }

    static Stream<Wrapper> wrappers() {
        return Stream.of(
                new Wrapper("user store", UserDatabase.class, d -> FailClosed.users((UserDatabase) d)),
                new Wrapper(
                        "external identity store",
                        ExternalIdentityStore.class,
                        d -> FailClosed.externalIdentities((ExternalIdentityStore) d)),
                new Wrapper("otp store", OTPStore.class, d -> FailClosed.otp((OTPStore) d)),
                new Wrapper("session store", SessionStore.class, d -> FailClosed.sessions((SessionStore) d)),
                new Wrapper("revocation list", RevocationList.class, d -> FailClosed.revocations((RevocationList) d)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrappers")
    void everyCallReachesTheStoreAndReturnsExactlyItsAnswer(Wrapper wrapper) throws Throwable {
        for (Method method : wrapped(wrapper)) {
            for (Object answer : answers(method.getReturnType())) {
                List<String> calls = new ArrayList<>();
                Object store = store(wrapper.type(), (called, args) -> {
                    calls.add(called.getName() + Arrays.asList(args == null ? new Object[0] : args));
                    return answer;
                });
                Object[] args = arguments(method);

                Object returned = invoke(method, wrapper.wrap().apply(store), args);

                assertThat(calls).as(method.getName()).containsExactly(method.getName() + Arrays.asList(args));
                if (method.getReturnType() != void.class) {
                    assertThat(returned).as(method.getName()).isEqualTo(answer);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrappers")
    void everyStoreFailureIsUnavailableAndNamesTheStore(Wrapper wrapper) throws Throwable {
        IllegalStateException failure = new IllegalStateException("connection reset");
        Object wrapped = wrapper.wrap().apply(store(wrapper.type(), (called, args) -> {
            throw failure;
        }));
        for (Method method : wrapped(wrapper)) {
            if (method.getName().equals("ping")) {
                assertThatThrownBy(() -> invoke(method, wrapped, arguments(method)))
                        .as("a probe sees the real failure")
                        .isSameAs(failure);
                continue;
            }
            assertThatThrownBy(() -> invoke(method, wrapped, arguments(method)))
                    .as(method.getName())
                    .isInstanceOfSatisfying(AuthException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE);
                        assertThat(e).hasMessageContaining(wrapper.component() + " unavailable");
                        assertThat(e.getCause()).isSameAs(failure);
                    });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrappers")
    void aStoresOwnRefusalPassesUnchanged(Wrapper wrapper) throws Throwable {
        AuthException conflict = new AuthException(ErrorCode.CONFLICT, "already linked");
        Object wrapped = wrapper.wrap().apply(store(wrapper.type(), (called, args) -> {
            throw conflict;
        }));
        for (Method method : wrapped(wrapper)) {
            assertThatThrownBy(() -> invoke(method, wrapped, arguments(method)))
                    .as(method.getName())
                    .isSameAs(conflict);
        }
    }

    /** The methods the wrapper itself implements. */
    private static List<Method> wrapped(Wrapper wrapper) {
        Object sample = wrapper.wrap().apply(store(wrapper.type(), (m, a) -> null));
        List<Method> methods = Arrays.stream(sample.getClass().getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !m.isSynthetic())
                .toList();
        assertThat(methods).isNotEmpty();
        return methods;
    }

    @FunctionalInterface
    private interface Handler {
        Object handle(Method method, Object[] args) throws Throwable;
    }

    private static Object store(Class<?> type, Handler handler) {
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return method.getName().equals("hashCode")
                        ? 0
                        : method.getName().equals("equals") ? false : "store";
            }
            return handler.handle(method, args);
        });
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        method.setAccessible(true);
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Distinct arguments, so a call that reached the store with other ones would show. */
    private static Object[] arguments(Method method) {
        Class<?>[] types = method.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            Class<?> type = types[i];
            if (type == String.class) {
                args[i] = "arg" + i;
            } else if (type == boolean.class) {
                args[i] = true;
            } else if (type == UUID.class) {
                args[i] = USER.id();
            } else if (type == java.time.Instant.class) {
                args[i] = TestKeys.T0.plusSeconds(i);
            } else if (type == User.class) {
                args[i] = USER;
            } else {
                args[i] = null; // passed through untouched; the store here never reads it
            }
        }
        return args;
    }

    /** A store's possible answers of the type, none of them null or empty, so a wrapper that loses one shows. */
    private static List<Object> answers(Class<?> type) {
        if (type == void.class) {
            return Arrays.asList((Object) null);
        }
        if (type == boolean.class) {
            return List.of(true, false);
        }
        if (type == int.class) {
            return List.of(7);
        }
        if (type == Optional.class) {
            return List.of(Optional.of(USER));
        }
        if (type == List.class) {
            return List.of(List.of(USER));
        }
        if (type == UpsertResult.class) {
            return List.of(new UpsertResult(USER, true));
        }
        if (type == CodeCheck.class) {
            return List.of(CodeCheck.MATCHED, CodeCheck.ABSENT);
        }
        if (type == ChallengeIssue.class) {
            return List.of(ChallengeIssue.issued(COUNTER));
        }
        if (type == BudgetedCheck.class) {
            return List.of(new BudgetedCheck(BudgetedCheck.Verdict.MATCHED, COUNTER, COUNTER));
        }
        if (type == ExternalIdentity.class) {
            return List.of(new ExternalIdentity(
                    "acme",
                    "google",
                    "https://accounts.google.com",
                    "sub",
                    USER.id(),
                    null,
                    false,
                    TestKeys.T0,
                    TestKeys.T0));
        }
        if (type == Map.class) {
            return List.of(Map.of("keys", List.of()));
        }
        throw new AssertionError("no sample answer of type " + type + "; add one");
    }
}
