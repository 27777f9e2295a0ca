package dev.latchkey.auth.store.postgres;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A parsed {@code DATABASE_URL}: the JDBC URL to connect to plus credentials kept out of it, so that the URL can be
 * logged by the pool without exposing the password.
 *
 * <p>Accepts the libpq/Heroku form {@code postgresql://user:password@host:5432/db?sslmode=require} (also {@code
 * postgres://}, several hosts separated by commas, IPv6 hosts in brackets, percent-encoded user and password) and
 * JDBC URLs {@code jdbc:postgresql://...}, which are used unchanged. Query parameters are passed to pgjdbc, which
 * understands the usual ones ({@code sslmode}, {@code sslrootcert}, {@code options}, ...); libpq's {@code
 * application_name} and {@code connect_timeout} are translated to pgjdbc's names.
 *
 * @param jdbcUrl URL for pgjdbc, without credentials for the libpq form
 * @param user user name, or {@code null} when the URL has none
 * @param password password, or {@code null} when the URL has none
 */
record DatabaseUrl(String jdbcUrl, String user, String password) {

    private static final String JDBC_SCHEME = "jdbc:postgresql:";

    @Override
    public String toString() {
        return "DatabaseUrl[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=" + (password == null ? null : "***")
                + "]";
    }

    /** Parses a DATABASE_URL; error messages never repeat the URL, since it may carry a password. */
    static DatabaseUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("DATABASE_URL is empty");
        }
        String trimmed = url.strip();
        if (trimmed.regionMatches(true, 0, JDBC_SCHEME, 0, JDBC_SCHEME.length())) {
            return new DatabaseUrl(trimmed, null, null);
        }
        int schemeEnd = trimmed.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : trimmed.substring(0, schemeEnd).toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("postgresql") && !scheme.equals("postgres")) {
            throw new IllegalArgumentException(
                    "DATABASE_URL must start with postgresql://, postgres:// or jdbc:postgresql://");
        }
        String rest = trimmed.substring(schemeEnd + 3);
        int pathStart = rest.indexOf('/');
        int queryStart = rest.indexOf('?');
        int authorityEnd = minPositive(pathStart, queryStart, rest.length());
        // The last '@' of the authority ends the user info, so an unencoded '@' in a password still parses.
        int at = rest.lastIndexOf('@', authorityEnd - 1);
        String user = null;
        String password = null;
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
            if (user.isEmpty()) {
                user = null;
            }
        }
        String hosts = rest.substring(at + 1, authorityEnd);
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("DATABASE_URL has no host");
        }
        String database = "";
        if (pathStart >= 0 && (queryStart < 0 || pathStart < queryStart)) {
            database = decode(rest.substring(pathStart + 1, queryStart < 0 ? rest.length() : queryStart));
        }
        StringBuilder jdbc =
                new StringBuilder("jdbc:postgresql://").append(hosts).append('/');
        jdbc.append(encodePathSegment(database));
        if (queryStart >= 0 && queryStart + 1 < rest.length()) {
            jdbc.append('?').append(translateQuery(rest.substring(queryStart + 1)));
        }
        return new DatabaseUrl(jdbc.toString(), user, password);
    }

    private static int minPositive(int a, int b, int otherwise) {
        int result = otherwise;
        if (a >= 0) {
            result = Math.min(result, a);
        }
        if (b >= 0) {
            result = Math.min(result, b);
        }
        return result;
    }

    private static String translateQuery(String query) {
        StringBuilder out = new StringBuilder();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq);
            String jdbcName =
                    switch (name) {
                        case "application_name" -> "ApplicationName";
                        case "connect_timeout" -> "connectTimeout";
                        default -> name;
                    };
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(jdbcName).append(value);
        }
        return out.toString();
    }

    private static String decode(String part) {
        try {
            // URLDecoder would turn '+' into a space; in a URL's user info and path '+' is a literal plus.
            return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("DATABASE_URL has a malformed percent-encoding");
        }
    }

    private static String encodePathSegment(String database) {
        StringBuilder out = new StringBuilder();
        for (byte b : database.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }
}
