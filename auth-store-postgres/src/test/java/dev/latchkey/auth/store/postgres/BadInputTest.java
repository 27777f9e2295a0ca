package dev.latchkey.auth.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.User;
import dev.latchkey.auth.spi.NewUser;
import dev.latchkey.auth.spi.OtpChallenge;
import dev.latchkey.auth.spi.SessionRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Input the core would normally have rejected reaches the store: it is stored verbatim or rejected cleanly. */
class BadInputTest {
    private static final String SCHEMA = TestPostgres.uniqueSchema("input");
    private static final PostgresStores STORES = PostgresStores.builder()
            .dataSource(TestPostgres.sharedDataSource())
            .schema(SCHEMA)
            .build();
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    private final String tenant = "tenant-" + UUID.randomUUID();

    @AfterAll
    static void dropSchema() {
        TestPostgres.dropSchema(SCHEMA);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "O'Brien \"the\" \\ back; DROP TABLE users; --",
                "$1 ? ?? :name %s %% _ * \u00e9\u0301",
                "Zoë 🚀 報告 עברית \u202e",
                "${schema}.${prefix}users",
                "\t\r\n \u00a0"
            })
    void awkwardTextIsStoredVerbatim(String text) {
        NewUser draft = new NewUser(
                UUID.randomUUID(), tenant, text.hashCode() + "@example.com", null, text, text, Set.of(text, "x"));

        User created = STORES.users().upsert(draft, NOW).user();

        assertThat(created.name()).isEqualTo(text);
        assertThat(created.role()).isEqualTo(text);
        assertThat(created.permissions()).containsExactlyInAnyOrder(text, "x");
        assertThat(STORES.users().findById(tenant, draft.id())).contains(created);

        String key = "key:" + text;
        STORES.otp().saveChallenge(new OtpChallenge(key, text, NOW, NOW.plusSeconds(60), 0, 5));
        assertThat(STORES.otp().findChallenge(key, NOW).orElseThrow().codeHash())
                .isEqualTo(text);
        assertThat(STORES.rateLimits()
                        .increment(key, Duration.ofMinutes(1), NOW)
                        .count())
                .isEqualTo(1);
    }

    @Test
    void veryLongValuesOutsideIndexesAreStored() {
        String name = "n".repeat(1_000_000);
        NewUser draft = new NewUser(UUID.randomUUID(), tenant, "long@example.com", null, name, "member", Set.of());

        assertThat(STORES.users().upsert(draft, NOW).user().name()).hasSize(1_000_000);
        assertThat(STORES.users().findById(tenant, draft.id()).orElseThrow().name())
                .isEqualTo(name);
    }

    @Test
    void valuesTooLongForTheirIndexAreInvalidRequests() {
        // Random, so PostgreSQL cannot compress it below the btree limit of about 2.7 kB per entry.
        StringBuilder random = new StringBuilder();
        while (random.length() < 10_000) {
            random.append(UUID.randomUUID());
        }
        String email = random + "@example.com";

        assertInvalidRequest(() -> STORES.users()
                .upsert(new NewUser(UUID.randomUUID(), tenant, email, null, null, "member", Set.of()), NOW));
        assertInvalidRequest(() ->
                STORES.otp().saveChallenge(new OtpChallenge(random.toString(), "h", NOW, NOW.plusSeconds(60), 0, 5)));
        assertThat(STORES.users().findByEmail(tenant, email)).isEmpty();
    }

    @Test
    void nulCharactersAreInvalidRequestsEverywhere() {
        String nul = "bad\u0000value";
        UUID id = UUID.randomUUID();

        assertInvalidRequest(() ->
                STORES.users().upsert(new NewUser(id, tenant, "a@example.com", null, nul, "member", Set.of()), NOW));
        assertInvalidRequest(() -> STORES.users()
                .upsert(new NewUser(id, tenant, "a@example.com", null, null, "member", Set.of(nul)), NOW));
        assertInvalidRequest(() -> STORES.users().findByEmail(tenant, nul));
        assertInvalidRequest(() -> STORES.users().findByMobile(nul, "+441234567890"));
        assertInvalidRequest(() -> STORES.otp().verify(nul, "h", NOW));
        assertInvalidRequest(() -> STORES.rateLimits().increment(nul, Duration.ofMinutes(1), NOW));
        assertInvalidRequest(() -> STORES.sessions().find(nul));
        assertInvalidRequest(() -> STORES.sessions()
                .create(new SessionRecord(
                        "s", tenant, id, nul, null, 0, NOW, NOW, NOW.plusSeconds(60), NOW.plusSeconds(60))));
        assertThat(STORES.users().findById(tenant, id)).isEmpty();
    }

    @Test
    void unpairedSurrogatesAreInvalidRequestsRatherThanSilentlyReplaced() {
        assertInvalidRequest(() -> STORES.users().findByEmail(tenant, "a\ud800@example.com"));
        assertInvalidRequest(() -> STORES.otp().deleteChallenge("\udc00"));
    }

    @Test
    void instantsOutsidePostgresRangeAreInvalidRequests() {
        assertInvalidRequest(() -> STORES.otp()
                .saveChallenge(
                        new OtpChallenge("far-future", "h", NOW, Instant.parse("+300000-01-01T00:00:00Z"), 0, 5)));
    }

    private static void assertInvalidRequest(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AuthException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(e.getMessage()).doesNotContain("\u0000");
        });
    }
}
