package dev.latchkey.examples;

import java.util.HashMap;
import java.util.Map;

/** Environments for servers started inside the tests. */
final class TestServers {
    private TestServers() {}

    /** Memory stores on a free port, a short shutdown grace, plus the given NAME, value pairs. */
    static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("PORT", "0");
        env.put("SHUTDOWN_GRACE_SECONDS", "5");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }
}
