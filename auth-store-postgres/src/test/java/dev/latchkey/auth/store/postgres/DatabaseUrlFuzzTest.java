package dev.latchkey.auth.store.postgres;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.auth.ConfigurationException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.postgresql.Driver;

/**
 * Fuzz targets for {@code DATABASE_URL} (and {@code DATABASE_SCHEMA}). The invariant: any value ends in stores (or a
 * parsed URL) or a {@link ConfigurationException}, never another exception, a hang or an out-of-memory; and a URL the
 * parser accepts is one pgjdbc accepts too, since otherwise the pool fails later with an untyped error.
 *
 * <p>Without {@code JAZZER_FUZZ=1} each target replays its corpus ({@code src/test/resources/dev/latchkey/auth/store/
 * postgres/DatabaseUrlFuzzTestInputs/<method>/}) as a regression test; with it, it fuzzes (see the README).
 */
class DatabaseUrlFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void databaseUrlParsingEndsInAJdbcUrlPgjdbcAcceptsOrAConfigurationException(FuzzedDataProvider data) {
        String raw = data.consumeRemainingAsString();
        DatabaseUrl url;
        try {
            url = DatabaseUrl.parse(raw);
        } catch (ConfigurationException expected) {
            return;
        }
        Properties parsed = Driver.parseURL(url.jdbcUrl(), null);
        if (parsed == null) {
            throw new AssertionError("pgjdbc refuses the JDBC URL made of an accepted DATABASE_URL: " + url.jdbcUrl());
        }
    }

    @FuzzTest(maxDuration = "10m")
    void postgresStoresFromEnvEndInStoresOrAConfigurationException(FuzzedDataProvider data) {
        Map<String, String> env = new HashMap<>();
        if (data.consumeBoolean()) {
            env.put(Layout.SCHEMA_SETTING, data.consumeString(80));
        }
        env.put(DatabaseUrl.SETTING, data.consumeRemainingAsString());
        // The pool starts without the database and is closed at once, but its housekeeper may begin filling it first
        // (a long run found one such attempt). DATABASE_URL is the operator's configuration, not untrusted input: the
        // host it names is the one to connect to, so Jazzer's SSRF detector is told connections are expected here.
        BugDetectors.allowNetworkConnections();
        try (PostgresStores stores = PostgresStores.fromEnv(env)) {
            stores.poolUsage();
        } catch (ConfigurationException expected) {
            // the typed refusal the invariant allows
        }
    }
}
