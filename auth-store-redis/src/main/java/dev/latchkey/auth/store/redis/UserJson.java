package dev.latchkey.auth.store.redis;

import dev.latchkey.auth.User;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The JSON form of a cached {@link User}: one flat object of strings, booleans, nulls and a string array.
 *
 * <p>Hand-written because the shape is fixed and tiny: a JSON library would be a new dependency for every host (Jedis
 * brings Gson along today, but only as its own implementation detail). The reader accepts exactly what the writer
 * produces plus ordinary JSON whitespace and escapes; anything else is rejected, and the cache treats a rejected
 * entry as a miss.
 */
final class UserJson {
    private UserJson() {}

    static String write(User user) {
        StringBuilder json = new StringBuilder(256).append('{');
        field(json, "id", user.id().toString());
        field(json, "tenantId", user.tenantId());
        field(json, "email", user.email());
        field(json, "mobile", user.mobile());
        field(json, "name", user.name());
        field(json, "role", user.role());
        json.append("\"permissions\":[");
        boolean first = true;
        for (String permission : user.permissions()) {
            if (!first) {
                json.append(',');
            }
            string(json, permission);
            first = false;
        }
        json.append("],\"active\":").append(user.active()).append(',');
        field(
                json,
                "lastLoginAt",
                user.lastLoginAt() == null ? null : user.lastLoginAt().toString());
        field(json, "createdAt", user.createdAt().toString());
        json.append("\"updatedAt\":");
        string(json, user.updatedAt().toString());
        return json.append('}').toString();
    }

    /** @throws IllegalArgumentException if the text is not a user written by {@link #write} */
    static User read(String text) {
        Map<String, Object> fields = new Reader(text).object();
        Object permissions = fields.get("permissions");
        if (!(permissions instanceof Set<?>)) {
            throw new IllegalArgumentException("permissions missing");
        }
        @SuppressWarnings("unchecked")
        Set<String> permissionSet = (Set<String>) permissions;
        Object active = fields.get("active");
        if (!(active instanceof Boolean)) {
            throw new IllegalArgumentException("active missing");
        }
        String lastLogin = text(fields, "lastLoginAt");
        return new User(
                UUID.fromString(required(fields, "id")),
                required(fields, "tenantId"),
                text(fields, "email"),
                text(fields, "mobile"),
                text(fields, "name"),
                required(fields, "role"),
                permissionSet,
                (Boolean) active,
                lastLogin == null ? null : Instant.parse(lastLogin),
                Instant.parse(required(fields, "createdAt")),
                Instant.parse(required(fields, "updatedAt")));
    }

    private static @Nullable String text(Map<String, Object> fields, String name) {
        Object value = fields.get(name);
        if (value != null && !(value instanceof String)) {
            throw new IllegalArgumentException(name + " is not a string");
        }
        return (String) value;
    }

    private static String required(Map<String, Object> fields, String name) {
        String value = text(fields, name);
        if (value == null) {
            throw new IllegalArgumentException(name + " missing");
        }
        return value;
    }

    private static void field(StringBuilder json, String name, @Nullable String value) {
        string(json, name);
        json.append(':');
        if (value == null) {
            json.append("null");
        } else {
            string(json, value);
        }
        json.append(',');
    }

    private static void string(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }

    /** A recursive-descent reader for the one shape {@link #write} produces. */
    private static final class Reader {
        private final String text;
        private int pos;

        Reader(String text) {
            this.text = text;
        }

        Map<String, Object> object() {
            Map<String, Object> fields = new HashMap<>();
            expect('{');
            if (peek() == '}') {
                pos++;
            } else {
                do {
                    String name = string();
                    expect(':');
                    fields.put(name, value());
                } while (next(',', '}') == ',');
            }
            skipWhitespace();
            if (pos != text.length()) {
                throw new IllegalArgumentException("trailing characters");
            }
            return fields;
        }

        private @Nullable Object value() {
            char c = peek();
            if (c == '"') {
                return string();
            }
            if (c == '[') {
                pos++;
                Set<String> items = new LinkedHashSet<>();
                if (peek() == ']') {
                    pos++;
                    return items;
                }
                do {
                    items.add(string());
                } while (next(',', ']') == ',');
                return items;
            }
            for (String literal : new String[] {"true", "false", "null"}) {
                if (text.startsWith(literal, pos)) {
                    pos += literal.length();
                    return literal.equals("null") ? null : Boolean.valueOf(literal);
                }
            }
            throw new IllegalArgumentException("unexpected value at " + pos);
        }

        private String string() {
            expect('"');
            StringBuilder value = new StringBuilder();
            while (true) {
                char c = charAt(pos++);
                if (c == '"') {
                    return value.toString();
                }
                if (c != '\\') {
                    value.append(c);
                    continue;
                }
                char escaped = charAt(pos++);
                switch (escaped) {
                    case '"', '\\', '/' -> value.append(escaped);
                    case 'b' -> value.append('\b');
                    case 'f' -> value.append('\f');
                    case 'n' -> value.append('\n');
                    case 'r' -> value.append('\r');
                    case 't' -> value.append('\t');
                    case 'u' -> {
                        if (pos + 4 > text.length()) {
                            throw new IllegalArgumentException("truncated escape");
                        }
                        value.append((char) Integer.parseInt(text, pos, pos + 4, 16));
                        pos += 4;
                    }
                    default -> throw new IllegalArgumentException("bad escape at " + pos);
                }
            }
        }

        private char next(char either, char or) {
            char c = peek();
            if (c != either && c != or) {
                throw new IllegalArgumentException("expected '" + either + "' or '" + or + "' at " + pos);
            }
            pos++;
            return c;
        }

        private void expect(char expected) {
            if (peek() != expected) {
                throw new IllegalArgumentException("expected '" + expected + "' at " + pos);
            }
            pos++;
        }

        private char peek() {
            skipWhitespace();
            return charAt(pos);
        }

        private char charAt(int index) {
            if (index >= text.length()) {
                throw new IllegalArgumentException("truncated");
            }
            return text.charAt(index);
        }

        private void skipWhitespace() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }
    }
}
