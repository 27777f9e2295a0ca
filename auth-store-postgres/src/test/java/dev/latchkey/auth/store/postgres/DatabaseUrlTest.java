package dev.latchkey.auth.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.ConfigurationException;
import dev.latchkey.auth.ErrorCode;
import java.util.Map;
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
    void unencodedSlashInPasswordStaysOutOfTheJdbcUrl() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://app:ab/cd@db.example:5432/prod");

        assertThat(url).isEqualTo(new DatabaseUrl("jdbc:postgresql://db.example:5432/prod", "app", "ab/cd"));
    }

    @Test
    void unencodedQuestionMarkInPasswordStaysOutOfTheJdbcUrl() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://app:ab?cd@db.example:5432/prod?sslmode=require");

        assertThat(url)
                .isEqualTo(new DatabaseUrl("jdbc:postgresql://db.example:5432/prod?sslmode=require", "app", "ab?cd"));
    }

    @Test
    void unencodedHashInPasswordStaysOutOfTheJdbcUrl() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://app:ab#cd@db.example:5432/prod");

        assertThat(url).isEqualTo(new DatabaseUrl("jdbc:postgresql://db.example:5432/prod", "app", "ab#cd"));
    }

    @Test
    void unencodedSlashQuestionMarkHashAndAtTogetherInPasswordStillParse() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://app:a/b?c#d@e@[::1]:5432,db2:5433/prod?sslmode=require");

        assertThat(url)
                .isEqualTo(new DatabaseUrl(
                        "jdbc:postgresql://[::1]:5432,db2:5433/prod?sslmode=require", "app", "a/b?c#d@e"));
    }

    @Test
    void percentEncodedSlashQuestionMarkHashAndAtInPasswordAreDecoded() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://app:a%2Fb%3Fc%23d%40e@db.example:5432/prod");

        assertThat(url).isEqualTo(new DatabaseUrl("jdbc:postgresql://db.example:5432/prod", "app", "a/b?c#d@e"));
    }

    @Test
    void atSignsAfterTheHostDoNotMoveTheCredentials() {
        assertThat(DatabaseUrl.parse("postgresql://db.example/prod?application_name=me@home"))
                .isEqualTo(new DatabaseUrl("jdbc:postgresql://db.example/prod?ApplicationName=me@home", null, null));
        assertThat(DatabaseUrl.parse("postgresql://app:pw@db.example/prod?sslrootcert=/etc/ca@x.pem"))
                .isEqualTo(new DatabaseUrl("jdbc:postgresql://db.example/prod?sslrootcert=/etc/ca@x.pem", "app", "pw"));
    }

    @Test
    void urlWithTwoPlausibleReadingsIsRejectedWithoutEchoingThePassword() {
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://app:5432/topsecret@db.example/prod"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("percent-encode")
                .hasMessageNotContaining("topsecret")
                .hasMessageNotContaining("5432");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://app:top@secret?x@db.example/prod"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("percent-encode")
                .hasMessageNotContaining("top")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://app:top@secret/x@db.example/prod"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("percent-encode")
                .hasMessageNotContaining("top")
                .hasMessageNotContaining("secret");
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
                .isInstanceOf(ConfigurationException.class)
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u:topsecret@/db"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no host")
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u:top%ZZsecret@h/db"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> DatabaseUrl.parse("  ")).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void everyParseErrorNamesTheVariableAndTheExpectedForm() {
        for (String url : new String[] {
            null,
            "",
            "mysql://u:topsecret@h/db",
            "postgresql://u:topsecret@/db",
            "postgresql://u:top%ZZsecret@h/db",
            "postgresql://app:5432/topsecret@db.example/prod"
        }) {
            assertThatThrownBy(() -> DatabaseUrl.parse(url))
                    .as("%s", url == null ? "null" : "a malformed URL")
                    .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                        assertThat(e.setting()).isEqualTo("DATABASE_URL");
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_CONFIGURATION);
                        assertThat(e.getMessage()).startsWith("DATABASE_URL: ").contains("; expected ");
                    })
                    .hasMessageNotContaining("topsecret")
                    .hasNoCause();
        }
    }

    /** Found by DatabaseUrlFuzzTest: these passed here, then failed building the pool with an untyped error. */
    @Test
    void urlsThePostgresDriverCannotReadAreConfigurationErrors() {
        for (String url : new String[] {
            "jdbc:postgresql://l://loclocalhost:5432/test?user=postgresgre",
            "jdbc:postgresql:/?loCalhost:5432/test?user=postgres",
            "jdbc:postgresql://h:0/db?password=topsecret",
            "postgresql://u:topsecret@h:99999/db",
            "postgresql://u:topsecret@h:/db",
            "postgresql://u:topsecret@h/db?sslmode=%zz"
        }) {
            assertThatThrownBy(() -> DatabaseUrl.parse(url))
                    .as(url)
                    .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.setting())
                            .isEqualTo("DATABASE_URL"))
                    .hasMessageNotContaining("topsecret");
            assertThatThrownBy(() -> PostgresStores.fromEnv(Map.of("DATABASE_URL", url)))
                    .as(url)
                    .isInstanceOf(ConfigurationException.class);
        }
    }

    @Test
    void toStringMasksThePassword() {
        assertThat(DatabaseUrl.parse("postgresql://u:topsecret@h/db").toString())
                .doesNotContain("topsecret")
                .contains("***");
    }

    @Test
    void toStringOfAUrlWithoutPasswordSaysSoRatherThanMasking() {
        assertThat(DatabaseUrl.parse("postgresql://u@h/db").toString())
                .isEqualTo("DatabaseUrl[jdbcUrl=jdbc:postgresql://h/db, user=u, password=null]");
    }

    @Test
    void databaseNameKeepsUnreservedCharactersAndEncodesTheirNeighbours() {
        assertThat(DatabaseUrl.parse("postgresql://u@h/azAZ09-._~").jdbcUrl())
                .isEqualTo("jdbc:postgresql://h/azAZ09-._~");
        // '`' '{' '@' '[' '/' ':' sit just outside a-z, A-Z and 0-9.
        assertThat(DatabaseUrl.parse("postgresql://u@h/%60%7B%40%5B%2F%3A").jdbcUrl())
                .isEqualTo("jdbc:postgresql://h/%60%7B%40%5B%2F%3A");
    }

    @Test
    void emptyAndValuelessParametersAreDroppedOrKept() {
        assertThat(DatabaseUrl.parse("postgresql://u@h/db?").jdbcUrl()).isEqualTo("jdbc:postgresql://h/db");
        assertThat(DatabaseUrl.parse("postgresql://u@h/db?&ssl&&sslmode=require&")
                        .jdbcUrl())
                .isEqualTo("jdbc:postgresql://h/db?ssl&sslmode=require");
    }

    @Test
    void onlyAPlainUserNameWithAPasswordIsReadPastASlash() {
        // "a/b" is no user name: host a, and the rest is the database.
        DatabaseUrl slashInName = DatabaseUrl.parse("postgresql://a/b:c@h/db");
        assertThat(slashInName.jdbcUrl()).isEqualTo("jdbc:postgresql://a/b%3Ac%40h%2Fdb");
        assertThat(slashInName.user()).isNull();
        // No colon, so no password: the '@' belongs to the database name.
        DatabaseUrl noPassword = DatabaseUrl.parse("postgresql://h1/d@h2/db");
        assertThat(noPassword.jdbcUrl()).isEqualTo("jdbc:postgresql://h1/d%40h2%2Fdb");
        assertThat(noPassword.user()).isNull();
    }

    @Test
    void anAtSignInThePathBeforeTheParametersMakesTheUrlAmbiguous() {
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://app:pw@h/x@y?a=b"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageNotContaining("pw");
    }

    @Test
    void aPasswordEndingInAnUnencodedSlashStillParses() {
        assertThat(DatabaseUrl.parse("postgresql://app:ab/@h/db"))
                .isEqualTo(new DatabaseUrl("jdbc:postgresql://h/db", "app", "ab/"));
    }

    @Test
    void anEmptyUserNameIsNoUserAndItsPasswordHoldingASlashStaysOutOfTheJdbcUrl() {
        assertThat(DatabaseUrl.parse("postgresql://:p/w@h/db"))
                .isEqualTo(new DatabaseUrl("jdbc:postgresql://h/db", null, "p/w"));
    }
}
