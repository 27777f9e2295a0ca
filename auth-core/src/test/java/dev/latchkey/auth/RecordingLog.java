package dev.latchkey.auth;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

/**
 * A logger that records each line as "LEVEL message", its arguments filled in, for the classes that take their logger
 * from the caller. (The core's tests have no logging backend, so nothing else would show what was logged.)
 */
final class RecordingLog {
    final List<String> lines = new CopyOnWriteArrayList<>();
    final Logger logger = (Logger) Proxy.newProxyInstance(
            Logger.class.getClassLoader(), new Class<?>[] {Logger.class}, (proxy, method, args) -> {
                if (method.getDeclaringClass() == Object.class) {
                    return switch (method.getName()) {
                        case "equals" -> proxy == args[0];
                        case "hashCode" -> System.identityHashCode(proxy);
                        default -> "RecordingLog";
                    };
                }
                if (method.getReturnType() == boolean.class) {
                    return Boolean.TRUE; // every level is enabled
                }
                String level = method.getName();
                if (List.of("trace", "debug", "info", "warn", "error").contains(level)
                        && args != null
                        && args[0] instanceof String format) {
                    List<Object> arguments = new ArrayList<>();
                    for (Object arg : Arrays.asList(args).subList(1, args.length)) {
                        if (arg instanceof Object[] array) {
                            arguments.addAll(Arrays.asList(array));
                        } else {
                            arguments.add(arg);
                        }
                    }
                    lines.add(level.toUpperCase(java.util.Locale.ROOT) + " "
                            + MessageFormatter.arrayFormat(format, arguments.toArray())
                                    .getMessage());
                    return null;
                }
                return method.getReturnType() == String.class ? "recording" : null;
            });

    /** The lines at {@code level} (such as "WARN"). */
    List<String> at(String level) {
        return lines.stream().filter(line -> line.startsWith(level + " ")).toList();
    }
}
