package dev.latchkey.auth.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LayoutTest {

    @Test
    void tableNamesQuoteTheSchemaAndPrefixTheTable() {
        Layout layout = new Layout("auth", "lk_");

        assertThat(layout.table("users")).isEqualTo("\"auth\".lk_users");
        assertThat(layout.render("CREATE TABLE ${schema}.${prefix}users; CREATE INDEX ${prefix}users_idx"))
                .isEqualTo("CREATE TABLE \"auth\".lk_users; CREATE INDEX lk_users_idx");
    }

    @Test
    void reservedWordsAreFineAsSchemaBecauseItIsQuoted() {
        assertThat(new Layout("user", "").table("users")).isEqualTo("\"user\".users");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "Auth",
                "1auth",
                "auth-x",
                "auth\"; DROP TABLE users; --",
                "a b",
                "pg_catalog",
                "information_schema",
                "sch\u0000ema",
                "схема",
                "a234567890123456789012345678901234567890123456789012345678901234"
            })
    void unsafeOrReservedSchemaNamesAreRejected(String schema) {
        assertThatThrownBy(() -> new Layout(schema, ""))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo("DATABASE_SCHEMA"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Lk_", "lk-", "x\"y", "9lk", "lk_; --", "a2345678901234567890123456"})
    void unsafePrefixesAreRejected(String prefix) {
        assertThatThrownBy(() -> new Layout("latchkey", prefix))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                        .isEqualTo("tablePrefix"));
    }

    @Test
    void nullNamesAreRejected() {
        assertThatThrownBy(() -> new Layout(null, "")).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> new Layout("latchkey", null)).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void migrationScriptUsesOnlyTheTwoPlaceholders() {
        String script = Migrator.read(Migrator.SCRIPTS.get(0).resource());

        assertThat(script.replace("${schema}", "").replace("${prefix}", "")).doesNotContain("${");
    }
}
