package dev.latchkey.auth.store.redis;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.auth.ConfigurationException;
import dev.latchkey.auth.store.memory.MemoryUserDatabase;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.Map;
import redis.clients.jedis.RedisClient;

/**
 * Fuzz targets for {@code REDIS_URL} (and {@code REDIS_KEY_PREFIX}, {@code OTP_HASH_SECRET}). The invariant: any value
 * ends in a client (or stores) or a {@link ConfigurationException}, never another exception, a hang or an
 * out-of-memory; and an accepted URL names a port a client can connect to, since otherwise the mistake would only
 * show as an outage on first use.
 *
 * <p>Neither target connects: building a client opens no connection. Without {@code JAZZER_FUZZ=1} each target
 * replays its corpus ({@code src/test/resources/dev/latchkey/auth/store/redis/RedisUrlFuzzTestInputs/<method>/}) as a
 * regression test; with it, it fuzzes (see the README).
 */
class RedisUrlFuzzTest {
    private static final MemoryUserDatabase USERS = new MemoryUserDatabase();

    @FuzzTest(maxDuration = "10m")
    void redisUrlParsingEndsInAClientOrAConfigurationException(FuzzedDataProvider data) {
        String raw = data.consumeRemainingAsString();
        try (RedisClient client = RedisClients.fromUrl(raw)) {
            java.util.Objects.requireNonNull(client);
            int port = portOf(raw);
            if (port == 0 || port > 65_535) {
                throw new AssertionError("REDIS_URL accepted with port " + port);
            }
        } catch (ConfigurationException expected) {
            // the typed refusal the invariant allows
        }
    }

    @FuzzTest(maxDuration = "10m")
    void redisStoresFromEnvEndInStoresOrAConfigurationException(FuzzedDataProvider data) {
        Map<String, String> env = new HashMap<>();
        if (data.consumeBoolean()) {
            env.put(RedisAccess.KEY_PREFIX_SETTING, data.consumeString(160));
        }
        if (data.consumeBoolean()) {
            env.put("OTP_HASH_SECRET", data.consumeString(80));
        } else {
            env.put("OTP_HASH_SECRET", "a-hash-secret-of-thirty-two-bytes-or-more");
        }
        env.put(RedisClients.URL_SETTING, data.consumeRemainingAsString());
        try (RedisStores stores = RedisStores.fromEnv(env, USERS)) {
            stores.keyPrefix();
        } catch (ConfigurationException expected) {
            // the typed refusal the invariant allows
        }
    }

    /** The port as {@link URI} reads it (what {@link RedisClients} uses), -1 when absent. */
    private static int portOf(String raw) {
        try {
            return new URI(raw.trim()).getPort();
        } catch (URISyntaxException e) {
            throw new AssertionError("REDIS_URL accepted though it is not a URI", e);
        }
    }
}
