package dev.latchkey.auth.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the Redis stores from a named module on the module path, in a JVM of its own, against the real Redis. The test
 * JVM cannot show a missing {@code requires}: Surefire resolves every module of the test path into it. The child JVM
 * gets nothing but {@code --module-path} and the module to run, as an application would, so a dependency of Jedis that
 * no module requires (commons-pool2, once) is missing there and fails the round trip.
 */
class ModulePathTest {
    private static final String MODULE = "latchkey.modulepath.check";
    private static final String MODULE_INFO = """
            module latchkey.modulepath.check {
                requires dev.latchkey.auth.store.redis;
                requires dev.latchkey.auth.store.memory;
            }
            """;
    private static final String MAIN = """
            package check;

            import dev.latchkey.auth.spi.OtpChallenge;
            import dev.latchkey.auth.store.memory.MemoryUserDatabase;
            import dev.latchkey.auth.store.redis.RedisStores;
            import java.time.Duration;
            import java.time.Instant;

            public final class Main {
                public static void main(String[] args) {
                    Instant now = Instant.parse("2030-01-01T00:00:00Z");
                    try (RedisStores stores = RedisStores.builder()
                            .redisUrl(args[0])
                            .keyPrefix(args[1])
                            .users(new MemoryUserDatabase())
                            .userCacheKeySecret(new byte[32])
                            .build()) {
                        stores.otp().saveChallenge(new OtpChallenge("k", "hash", now, now.plusSeconds(300), 0, 5));
                        System.out.println("verify=" + stores.otp().verify("k", "hash", now.plusSeconds(1))
                                + " count=" + stores.rateLimits().increment("k", Duration.ofMinutes(1), now).count()
                                + " module=" + RedisStores.class.getModule().getName());
                    }
                }
            }
            """;

    private final String prefix = RedisTestServers.uniquePrefix(ModulePathTest.class);

    @AfterEach
    void removeTestKeys() {
        RedisTestServers.deleteKeys(RedisTestServers.standalone(), prefix);
    }

    @Test
    void theRedisStoresRunFromANamedModuleOnTheModulePath() throws Exception {
        RedisTestServers.standalone();
        Path dir = Files.createTempDirectory("latchkey-modulepath");
        try {
            Path sources = dir.resolve("src");
            Files.createDirectories(sources.resolve("check"));
            Files.writeString(sources.resolve("module-info.java"), MODULE_INFO);
            Files.writeString(sources.resolve("check/Main.java"), MAIN);
            Path classes = dir.resolve("classes");
            String modulePath = applicationModulePath();

            run(List.of(
                    javaTool("javac"),
                    "--module-path",
                    modulePath,
                    "-d",
                    classes.toString(),
                    sources.resolve("module-info.java").toString(),
                    sources.resolve("check/Main.java").toString()));
            String output = run(List.of(
                    javaTool("java"),
                    "--module-path",
                    classes + File.pathSeparator + modulePath,
                    "--module",
                    MODULE + "/check.Main",
                    RedisTestServers.STANDALONE_URL,
                    prefix));

            assertThat(output)
                    .as("a code round trip and a counter increment through RedisStores on the module path")
                    .contains("verify=MATCHED count=1 module=dev.latchkey.auth.store.redis");
        } finally {
            RedisTestServers.deleteRecursively(dir);
        }
    }

    /**
     * What an application would put on its module path: the Latchkey modules it uses and their runtime dependencies,
     * each found where the test JVM loaded it from (a jar, or a module's {@code target/classes}), and nothing else.
     */
    private static String applicationModulePath() throws ClassNotFoundException, URISyntaxException {
        Set<String> entries = new LinkedHashSet<>();
        for (String className : List.of(
                "dev.latchkey.auth.AuthFacade",
                "dev.latchkey.auth.store.redis.RedisStores",
                "dev.latchkey.auth.store.memory.MemoryUserDatabase",
                "redis.clients.jedis.UnifiedJedis",
                "org.apache.commons.pool2.impl.GenericObjectPoolConfig",
                "org.slf4j.Logger",
                "com.nimbusds.jose.JWSObject",
                "com.fasterxml.jackson.core.JsonFactory",
                "com.google.i18n.phonenumbers.PhoneNumberUtil",
                "com.google.gson.Gson",
                "org.json.JSONObject",
                // Compile-time only (requires static), as for an application compiling against the annotated API.
                "org.jspecify.annotations.Nullable")) {
            Class<?> type = Class.forName(className, false, ModulePathTest.class.getClassLoader());
            entries.add(Path.of(type.getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString());
        }
        return String.join(File.pathSeparator, entries);
    }

    private static String javaTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(command))
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS))
                .as("%s finishes", command.get(0))
                .isTrue();
        assertThat(process.exitValue())
                .as("exit status of %s; its output:%n%s", String.join(" ", command), output)
                .isZero();
        return output;
    }
}
