package dev.latchkey.auth.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    @Test
    void libpqFormBecomesJdbcUrlWithCredentialsKeptOut() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://app:s3cret@db.example.com:5433/auth?sslmode=require");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:5433/auth?sslmode=require");
        assertThat(url.user()).isEqualTo("app");
        assertThat(url.password()).isEqualTo("s3cret");
    }

    @Test
    void postgresSchemeIsAcceptedAndPortIsOptional() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://app:pw@localhost/auth");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/auth");
        assertThat(url.user()).isEqualTo("app");
    }

    @Test
    void percentEncodedCredentialsAreDecodedAndPlusStaysPlus() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://us%40er:p%3Aw%2Fd+x@h:5432/db");

        assertThat(url.user()).isEqualTo("us@er");
        assertThat(url.password()).isEqualTo("p:w/d+x");
    }

    @Test
    void unencodedAtSignInPasswordStillParses() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://app:p@ss@h:5432/db");

        assertThat(url.user()).isEqualTo("app");
        assertThat(url.password()).isEqualTo("p@ss");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/db");
    }

    @Test
    void userWithoutPasswordAndUrlWithoutUserInfo() {
        assertThat(DatabaseUrl.parse("postgresql://postgres@127.0.0.1:5432/test"))
                .isEqualTo(new DatabaseUrl("jdbc:postgresql://127.0.0.1:5432/test", "postgres", null));
        assertThat(DatabaseUrl.parse("postgresql://127.0.0.1/test"))
                .isEqualTo(new DatabaseUrl("jdbc:postgresql://127.0.0.1/test", null, null));
    }

    @Test
    void ipv6AndSeveralHostsArePassedThrough() {
        assertThat(DatabaseUrl.parse("postgresql://u:p@[::1]:5432/db").jdbcUrl())
                .isEqualTo("jdbc:postgresql://[::1]:5432/db");
        assertThat(DatabaseUrl.parse("postgresql://u:p@h1:5432,h2:5433/db?targetServerType=primary")
                        .jdbcUrl())
                .isEqualTo("jdbc:postgresql://h1:5432,h2:5433/db?targetServerType=primary");
    }

    @Test
    void libpqParameterNamesAreTranslatedOthersKept() {
        DatabaseUrl url = DatabaseUrl.parse(
                "postgresql://u:p@h/db?application_name=shop&connect_timeout=3&sslmode=verify-full&sslrootcert=/ca.pem");

        assertThat(url.jdbcUrl())
                .isEqualTo(
                        "jdbc:postgresql://h/db?ApplicationName=shop&connectTimeout=3&sslmode=verify-full&sslrootcert=/ca.pem");
    }

    @Test
    void queryWithoutDatabaseAndDatabaseNameIsEncoded() {
        assertThat(DatabaseUrl.parse("postgresql://u@h?sslmode=disable").jdbcUrl())
                .isEqualTo("jdbc:postgresql://h/?sslmode=disable");
        assertThat(DatabaseUrl.parse("postgresql://u@h/my%20db").jdbcUrl()).isEqualTo("jdbc:postgresql://h/my%20db");
    }

    @Test
    void jdbcUrlIsUsedUnchanged() {
        String jdbc = "jdbc:postgresql://h:5432/db?user=u&password=p&sslmode=require";

        assertThat(DatabaseUrl.parse(jdbc)).isEqualTo(new DatabaseUrl(jdbc, null, null));
    }

    @Test
    void malformedUrlsAreRejectedWithoutEchoingThePassword() {
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://u:topsecret@h/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u:topsecret@/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no host")
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u:top%ZZsecret@h/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> DatabaseUrl.parse("  ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringMasksThePassword() {
        assertThat(DatabaseUrl.parse("postgresql://u:topsecret@h/db").toString())
                .doesNotContain("topsecret")
                .contains("***");
    }
}
