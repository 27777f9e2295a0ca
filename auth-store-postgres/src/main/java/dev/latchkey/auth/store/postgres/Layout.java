package dev.latchkey.auth.store.postgres;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where the tables live: a schema and a table-name prefix. Both end up in SQL text (identifiers cannot be bound as
 * parameters), so both are validated against a strict pattern before any SQL is built from them.
 */
record Layout(String schema, String prefix) {

    /** Lower-case only, so the unquoted prefix and the quoted schema mean exactly what the user typed. */
    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** The longest derived name, an index of external_identities, must still fit PostgreSQL's 63-byte limit. */
    private static final Pattern PREFIX = Pattern.compile("([a-z_][a-z0-9_]{0,23})?");

    private static final Set<String> RESERVED_SCHEMAS = Set.of("information_schema");

    /** Declared after the patterns, which the constructor needs during class initialisation. */
    static final Layout DEFAULT = new Layout("latchkey", "");

    Layout {
        if (schema == null || !SCHEMA_NAME.matcher(schema).matches()) {
            throw new IllegalArgumentException(
                    "PostgreSQL schema name must match [a-z_][a-z0-9_]* and be at most 63 characters");
        }
        if (schema.startsWith("pg_") || RESERVED_SCHEMAS.contains(schema)) {
            throw new IllegalArgumentException("PostgreSQL schema name is reserved for the system: " + schema);
        }
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException(
                    "table prefix must be empty or match [a-z_][a-z0-9_]* and be at most 24 characters");
        }
    }

    /** The qualified name of one of our tables, for example {@code "latchkey".users}. */
    String table(String name) {
        return quotedSchema() + "." + prefix + name;
    }

    String quotedSchema() {
        return '"' + schema + '"';
    }

    /** Fills the {@code ${schema}} and {@code ${prefix}} placeholders of a migration script (Flyway's syntax). */
    String render(String script) {
        return script.replace("${schema}", quotedSchema()).replace("${prefix}", prefix);
    }

    /**
     * Second key of the migration advisory lock. Per schema rather than per layout, because two layouts sharing a
     * schema may both need to create it and must not race on that.
     */
    int lockKey() {
        int hash = 0;
        for (byte b : schema.getBytes(StandardCharsets.US_ASCII)) {
            hash = 31 * hash + b;
        }
        return hash;
    }
}
