package dev.latchkey.auth.reliability;

import static dev.latchkey.auth.reliability.FailureWorld.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.AuthEvent;
import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.ExternalSignIn;
import dev.latchkey.auth.LoginResult;
import dev.latchkey.auth.OtpDispatch;
import dev.latchkey.auth.SignOutScope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every cell of the README's table "When a store is down", run against the real PostgreSQL and Redis cut through
 * {@link FaultProxy}: the table is read from the README, so the documentation and this test cannot drift apart. A cell's
 * first {@code `token`} is the outcome: {@code ok}, an {@link ErrorCode} name, or a health status.
 */
class FailureTableTest {
    private static final Path README = Path.of("..", "README.md");
    private static final String HEADING = "## When a store is down";
    private static final Pattern FIRST_TOKEN = Pattern.compile("`([^`]+)`");

    /** Which servers a column cuts. */
    enum Failure {
        REDIS(false, true),
        POSTGRES(true, false),
        BOTH(true, true);

        final boolean postgres;
        final boolean redis;

        Failure(boolean postgres, boolean redis) {
            this.postgres = postgres;
            this.redis = redis;
        }
    }

    /** A column: the failure and whether the opt-ins are on; "PostgreSQL down" holds for both settings. */
    private record Column(Failure failure, List<Boolean> optIn) {}

    private static final Map<String, Column> COLUMNS = Map.of(
            "Redis down", new Column(Failure.REDIS, List.of(false)),
            "Redis down, opt-in", new Column(Failure.REDIS, List.of(true)),
            "PostgreSQL down", new Column(Failure.POSTGRES, List.of(false, true)),
            "both down", new Column(Failure.BOTH, List.of(false)),
            "both down, opt-in", new Column(Failure.BOTH, List.of(true)));

    /** What a row does once the failure is in place: returns the outcome token. */
    @FunctionalInterface
    private interface Operation {
        String run(FailureWorld world, Prepared before, Failure failure);
    }

    /** State made while every server answered. */
    private record Prepared(LoginResult login, OtpDispatch pending, String pendingCode) {}

    private static final Map<String, Operation> OPERATIONS = operations();

    private static Map<String, Operation> operations() {
        Map<String, Operation> ops = new LinkedHashMap<>();
        ops.put("sendOtp", (w, p, f) -> outcome(() -> w.auth.sendOtp(TENANT, FailureWorld.email())));
        ops.put(
                "verifyOtp, code sent meanwhile",
                (w, p, f) -> outcome(() -> {
                    OtpDispatch dispatch = w.auth.sendOtp(TENANT, FailureWorld.email());
                    return w.auth.verifyOtp(
                            TENANT, dispatch.destination().value(), dispatch.challengeId(), w.lastCode());
                }));
        ops.put(
                "verifyOtp, code sent before",
                (w, p, f) -> outcome(() -> w.auth.verifyOtp(
                        TENANT, p.pending().destination().value(), p.pending().challengeId(), p.pendingCode())));
        ops.put(
                "external sign-in",
                (w, p, f) -> outcome(() -> w.auth.signInWithExternalIdentity(new ExternalSignIn(
                        TENANT,
                        "oidc",
                        "https://idp.example.com",
                        UUID.randomUUID().toString(),
                        FailureWorld.email(),
                        true,
                        false,
                        null))));
        ops.put("refresh", FailureTableTest::refresh);
        ops.put(
                "session",
                (w, p, f) -> outcome(() -> w.auth.session(p.login().tokens().accessToken())));
        ops.put(
                "authenticate, no revocation list",
                (w, p, f) -> outcome(() -> w.guardWithoutList.authenticate(bearer(p))));
        ops.put("authenticate, revocation list", (w, p, f) -> outcome(() -> w.auth.authenticate(bearer(p))));
        ops.put("signOut", FailureTableTest::signOut);
        ops.put("health", (w, p, f) -> w.auth.health().status().name());
        return ops;
    }

    /**
     * Refresh rotation never runs without its store: refused while PostgreSQL is down, and afterwards the family has
     * exactly one live session, whose token still rotates (nothing was forked or half rotated).
     */
    private static String refresh(FailureWorld w, Prepared p, Failure failure) {
        String result = outcome(() -> w.auth.refresh(p.login().tokens().refreshToken()));
        if (failure.postgres) {
            w.healAndAwait();
            LoginResult after = w.auth.refresh(p.login().tokens().refreshToken());
            assertThat(after.session().id()).isEqualTo(p.login().session().id());
            assertThat(w.auth.listSessions(TENANT, p.login().user().id())).hasSize(1);
        }
        return result;
    }

    /**
     * Sign-out denies the session's access tokens (Redis) before it ends the session (PostgreSQL), so with either
     * down it answers UNAVAILABLE having ended nothing, and a retry after the outage can still end it.
     */
    private static String signOut(FailureWorld w, Prepared p, Failure failure) {
        String result = outcome(() -> w.auth.signOut(p.login().tokens().accessToken(), SignOutScope.LOCAL));
        w.healAndAwait();
        String sessionAfter = outcome(() -> w.auth.session(p.login().tokens().accessToken()));
        assertThat(sessionAfter)
                .as("a sign-out that answered UNAVAILABLE ended nothing")
                .isEqualTo("ok");
        assertThat(outcome(() -> w.auth.signOut(p.login().tokens().accessToken(), SignOutScope.LOCAL)))
                .as("the retry after the outage signs out")
                .isEqualTo("ok");
        assertThat(outcome(() -> w.auth.authenticate(bearer(p))))
                .as("and the access token is refused at the guard")
                .isEqualTo(ErrorCode.INVALID_TOKEN.name());
        return result;
    }

    private static String bearer(Prepared p) {
        return "Bearer " + p.login().tokens().accessToken();
    }

    private static String outcome(java.util.function.Supplier<?> call) {
        try {
            call.get();
            return "ok";
        } catch (AuthException e) {
            return e.errorCode().name();
        }
    }

    static Stream<Arguments> cells() throws IOException {
        List<List<String>> table = tableAfter(HEADING, Files.readAllLines(README, StandardCharsets.UTF_8));
        List<String> header = table.get(0);
        assertThat(header.subList(1, header.size())).containsExactlyInAnyOrderElementsOf(COLUMNS.keySet());
        List<Arguments> cells = new ArrayList<>();
        List<String> rows = new ArrayList<>();
        for (List<String> row : table.subList(1, table.size())) {
            String operation = row.get(0).replace("`", "");
            rows.add(operation);
            for (int i = 1; i < header.size(); i++) {
                Column column = COLUMNS.get(header.get(i));
                for (boolean optIn : column.optIn()) {
                    cells.add(Arguments.of(operation, column.failure(), optIn, token(row.get(i))));
                }
            }
        }
        assertThat(rows).as("the README table's rows").containsExactlyElementsOf(OPERATIONS.keySet());
        return cells.stream();
    }

    @ParameterizedTest(name = "{0} | {1} down | opt-in {2} -> {3}")
    @MethodSource("cells")
    void eachOperationDoesWhatTheReadmeTableSays(String operation, Failure failure, boolean optIn, String expected) {
        try (FailureWorld world = new FailureWorld(optIn)) {
            Prepared before = prepare(world);
            if (failure.postgres) {
                world.postgresProxy.cut();
            }
            if (failure.redis) {
                world.redisProxy.cut();
                if (optIn) {
                    world.awaitFallback(true);
                }
            }

            String actual = OPERATIONS.get(operation).run(world, before, failure);

            assertThat(actual)
                    .as("%s with %s down, opt-in %s", operation, failure, optIn)
                    .isEqualTo(expected);
        }
    }

    private static Prepared prepare(FailureWorld world) {
        LoginResult login = world.login();
        OtpDispatch pending = world.auth.sendOtp(TENANT, FailureWorld.email());
        // Its health is checked only after the cut: a report is reused for a second.
        return new Prepared(login, pending, world.lastCode());
    }

    /**
     * Back from the outage: codes issued in fallback stay verifiable on this instance until they expire, new codes go to
     * Redis again, and each switch was one audit event.
     */
    @Test
    void aCodeIssuedDuringARedisOutageIsVerifiableAfterRedisIsBack() {
        try (FailureWorld world = new FailureWorld(true)) {
            world.login();
            world.redisProxy.cut();
            world.awaitFallback(true);
            OtpDispatch during = world.auth.sendOtp(TENANT, FailureWorld.email());
            String code = world.lastCode();

            world.redisProxy.heal();
            world.awaitFallback(false);

            LoginResult login =
                    world.auth.verifyOtp(TENANT, during.destination().value(), during.challengeId(), code);
            assertThat(login.newUser()).isTrue();
            assertThat(world.events.stream().filter(e -> e instanceof AuthEvent.FallbackEngaged))
                    .hasSize(1);
            assertThat(world.events.stream().filter(e -> e instanceof AuthEvent.FallbackEnded))
                    .hasSize(1);
            world.redisProxy.cut();
            assertThat(outcome(() -> world.auth.sendOtp(TENANT, FailureWorld.email())))
                    .as("new codes are in Redis again, so its next outage fails closed until the fallback engages")
                    .isEqualTo(ErrorCode.UNAVAILABLE.name());
        }
    }

    private static String token(String cell) {
        Matcher m = FIRST_TOKEN.matcher(cell);
        assertThat(m.find()).as("a `token` in the cell '%s'", cell).isTrue();
        return m.group(1);
    }

    /** The cells of the first Markdown table after the heading, the header row first. */
    private static List<List<String>> tableAfter(String heading, List<String> lines) {
        int start = lines.indexOf(heading);
        assertThat(start).as("the heading '%s' in %s", heading, README).isNotNegative();
        List<List<String>> table = new ArrayList<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("|")) {
                if (!line.startsWith("|---")) {
                    table.add(Arrays.stream(line.substring(1, line.length() - 1).split("\\|"))
                            .map(String::trim)
                            .toList());
                }
            } else if (!table.isEmpty()) {
                break;
            }
        }
        assertThat(table).as("a table under '%s'", heading).isNotEmpty();
        return table;
    }
}
