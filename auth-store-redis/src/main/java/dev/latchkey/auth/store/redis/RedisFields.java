package dev.latchkey.auth.store.redis;

import java.util.Map;

/** Reads the fields of a Redis hash that this module wrote. */
final class RedisFields {
    private RedisFields() {}

    /** The value of a field every entry of this kind has; a missing one means the entry is not ours or is corrupt. */
    static String required(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null) {
            throw new IllegalStateException("malformed entry in Redis: no " + name);
        }
        return value;
    }
}
