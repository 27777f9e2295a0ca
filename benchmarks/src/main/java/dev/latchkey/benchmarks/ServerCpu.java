package dev.latchkey.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * CPU time used by the local PostgreSQL and Redis server processes, read from Linux's {@code /proc}, so that the
 * harness can show where a login's CPU goes: in the JVM, in PostgreSQL or in Redis. On two shared cores the servers'
 * CPU is part of every operation's budget. PostgreSQL's total includes its exited backends (the postmaster's
 * reaped-children time). Unavailable ({@link #available()} false) without {@code /proc} or when the servers are not
 * local processes.
 */
final class ServerCpu {
    private static final Path PROC = Path.of("/proc");
    /** Linux reports process times in clock ticks of 1/100 s on every mainstream architecture. */
    private static final double MICROS_PER_TICK = 10_000;

    /** CPU used so far, in microseconds: {@code postgres} and {@code redis} (negative when not measurable). */
    record Sample(double postgres, double redis) {
        Sample minus(Sample before) {
            return new Sample(
                    postgres < 0 || before.postgres < 0 ? -1 : postgres - before.postgres,
                    redis < 0 || before.redis < 0 ? -1 : redis - before.redis);
        }
    }

    private ServerCpu() {}

    static Sample sample() {
        if (!Files.isDirectory(PROC)) {
            return new Sample(-1, -1);
        }
        double postgres = 0;
        double redis = 0;
        boolean sawPostgres = false;
        boolean sawRedis = false;
        try (Stream<Path> entries = Files.list(PROC)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                    continue;
                }
                String[] stat = stat(entry);
                if (stat == null) {
                    continue;
                }
                String command = stat[0];
                // proc(5) fields 14-17 (utime, stime, cutime, cstime) are entries 12-15 here.
                double own = Long.parseLong(stat[12]) + Long.parseLong(stat[13]);
                if (command.equals("postgres")) {
                    sawPostgres = true;
                    // Every backend is a child of the postmaster, which adds their time when it reaps them.
                    postgres += own + Long.parseLong(stat[14]) + Long.parseLong(stat[15]);
                } else if (command.equals("redis-server")) {
                    sawRedis = true;
                    redis += own;
                }
            }
        } catch (IOException | RuntimeException e) {
            return new Sample(-1, -1);
        }
        return new Sample(sawPostgres ? postgres * MICROS_PER_TICK : -1, sawRedis ? redis * MICROS_PER_TICK : -1);
    }

    /** The command name, then the fields after it, split on spaces; null when the process is gone. */
    private static String @Nullable [] stat(Path process) {
        String line;
        try {
            line = Files.readString(process.resolve("stat"));
        } catch (IOException e) {
            return null;
        }
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 0 || close < open) {
            return null;
        }
        String[] rest = line.substring(close + 2).split(" ");
        String[] fields = new String[rest.length + 1];
        fields[0] = line.substring(open + 1, close);
        System.arraycopy(rest, 0, fields, 1, rest.length);
        return fields;
    }
}
