package dev.latchkey.auth.store.postgres;

import dev.latchkey.auth.ConfigurationException;
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

    /** The schema's variable (and the builder's {@code schema}) as errors name it. */
    static final String SCHEMA_SETTING = "DATABASE_SCHEMA";

    /**
     * @throws ConfigurationException naming {@code DATABASE_SCHEMA} or {@code tablePrefix} if either is unsafe
     */
    Layout {
        String schemaForm = "1 to 63 lower-case letters, digits and underscores, not starting with a digit or pg_";
        if (schema == null || !SCHEMA_NAME.matcher(schema).matches()) {
            throw new ConfigurationException(SCHEMA_SETTING, "is not a plain lower-case schema name", schemaForm);
        }
        if (schema.startsWith("pg_") || RESERVED_SCHEMAS.contains(schema)) {
            throw new ConfigurationException(SCHEMA_SETTING, "names a schema reserved for the system", schemaForm);
        }
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new ConfigurationException(
                    "tablePrefix",
                    "is not a plain lower-case prefix",
                    "empty, or 1 to 24 lower-case letters, digits and underscores, not starting with a digit");
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
