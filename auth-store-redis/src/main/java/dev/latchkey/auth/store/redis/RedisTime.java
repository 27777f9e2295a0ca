package dev.latchkey.auth.store.redis;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * How instants are kept in Redis and turned into TTLs.
 *
 * <p>An instant is stored as 26 decimal digits: 17 for the seconds counted from {@link Instant#MIN} and 9 for the
 * nanoseconds. The encoding is exact (a record read back equals the record written, to the nanosecond) and its order
 * is the numeric order, which the Lua scripts compare in two 13-digit halves because Lua numbers are doubles and
 * cannot hold the whole value exactly.
 */
final class RedisTime {
    static final int ENCODED_LENGTH = 26;

    /**
     * Added to every TTL. Contract decisions compare the stored expiry with the {@code now} the core passes; the TTL
     * only reclaims memory, so it errs on the late side to absorb network delay and clock drift between the
     * application and the server.
     */
    static final Duration RETENTION_SLACK = Duration.ofSeconds(1);

    /** Upper bound for a TTL (about 100 years), far inside what Redis accepts for PEXPIRE. */
    private static final long MAX_TTL_MILLIS = Duration.ofDays(36_525).toMillis();

    private static final long SECONDS_OFFSET = -Instant.MIN.getEpochSecond();
    private static final int NANO_DIGITS = 9;

    /**
     * Lua helper shared by every script: {@code before(a, b)} is true when encoded instant {@code a} is earlier than
     * {@code b}; {@code same(a, b)} compares two strings in time independent of where they differ.
     */
    static final String LUA_HELPERS = """
            local function before(a, b)
              local ah, bh = tonumber(string.sub(a, 1, 13)), tonumber(string.sub(b, 1, 13))
              if ah ~= bh then return ah < bh end
              return tonumber(string.sub(a, 14)) < tonumber(string.sub(b, 14))
            end
            local function same(a, b)
              if #a ~= #b then return false end
              local diff = 0
              for i = 1, #a do
                diff = bit.bor(diff, bit.bxor(string.byte(a, i), string.byte(b, i)))
              end
              return diff == 0
            end
            """;

    private RedisTime() {}

    static String encode(Instant instant) {
        char[] digits = new char[ENCODED_LENGTH];
        long nanos = instant.getNano();
        for (int i = ENCODED_LENGTH - 1; i >= ENCODED_LENGTH - NANO_DIGITS; i--) {
            digits[i] = (char) ('0' + nanos % 10);
            nanos /= 10;
        }
        long seconds = instant.getEpochSecond() + SECONDS_OFFSET;
        for (int i = ENCODED_LENGTH - NANO_DIGITS - 1; i >= 0; i--) {
            digits[i] = (char) ('0' + seconds % 10);
            seconds /= 10;
        }
        return new String(digits);
    }

    static Instant decode(@Nullable String encoded) {
        if (encoded == null || encoded.length() != ENCODED_LENGTH) {
            throw new IllegalStateException("malformed instant in Redis");
        }
        int split = ENCODED_LENGTH - NANO_DIGITS;
        long seconds = Long.parseLong(encoded, 0, split, 10) - SECONDS_OFFSET;
        long nanos = Long.parseLong(encoded, split, ENCODED_LENGTH, 10);
        return Instant.ofEpochSecond(seconds, nanos);
    }

    /**
     * The TTL in milliseconds for an entry that stops mattering at {@code expiresAt}, measured from {@code reference}
     * (the {@code now} of the call), never from the server's clock: in tests the passed time may be years away from
     * it, so an absolute PEXPIREAT would delete entries at the wrong moment.
     */
    static long ttlMillis(Instant reference, Instant expiresAt) {
        long remaining;
        if (!expiresAt.isAfter(reference)) {
            remaining = 0;
        } else {
            try {
                remaining = Duration.between(reference, expiresAt).toMillis();
            } catch (ArithmeticException tooFar) {
                remaining = MAX_TTL_MILLIS;
            }
        }
        return Math.min(remaining, MAX_TTL_MILLIS) + RETENTION_SLACK.toMillis();
    }

    /** Milliseconds since the epoch, clamped to the range a double holds exactly (a sorted-set score). */
    static long scoreMillis(Instant instant) {
        long limit = 1L << 53;
        if (instant.isAfter(Instant.ofEpochMilli(limit))) {
            return limit;
        }
        if (instant.isBefore(Instant.ofEpochMilli(-limit))) {
            return -limit;
        }
        return instant.toEpochMilli();
    }
}
