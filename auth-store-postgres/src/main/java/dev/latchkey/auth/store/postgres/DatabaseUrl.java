package dev.latchkey.auth.store.postgres;

import dev.latchkey.auth.ConfigurationException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A parsed {@code DATABASE_URL}: the JDBC URL to connect to plus credentials kept out of it, so that the URL can be
 * logged by the pool without exposing the password.
 *
 * <p>Accepts the libpq/Heroku form {@code postgresql://user:password@host:5432/db?sslmode=require} (also {@code
 * postgres://}, several hosts separated by commas, IPv6 hosts in brackets, percent-encoded user and password; an
 * unencoded {@code /}, {@code ?}, {@code #} or {@code @} in the password is tolerated where unambiguous) and
 * JDBC URLs {@code jdbc:postgresql://...}, which are used unchanged. Query parameters are passed to pgjdbc, which
 * understands the usual ones ({@code sslmode}, {@code sslrootcert}, {@code options}, ...); libpq's {@code
 * application_name} and {@code connect_timeout} are translated to pgjdbc's names.
 *
 * @param jdbcUrl URL for pgjdbc, without credentials for the libpq form
 * @param user user name, or {@code null} when the URL has none
 * @param password password, or {@code null} when the URL has none
 */
record DatabaseUrl(
        String jdbcUrl, @Nullable String user, @Nullable String password) {

    private static final String JDBC_SCHEME = "jdbc:postgresql:";
    private static final String HOST_ENTRY = "(?:\\[[0-9A-Fa-f:.%\\w]+\\]|[\\w.~%-]+)(?::\\d{1,5})?";
    private static final Pattern HOST_LIST = Pattern.compile(HOST_ENTRY + "(?:," + HOST_ENTRY + ")*");
    private static final Pattern PARAMETER = Pattern.compile("[A-Za-z_][\\w.-]*=[^&]*");

    /**
     * pgjdbc, the driver the pool is built with, loaded by name as the pool loads it (its class files carry
     * annotations of a checker framework that is not on the compile path, which would warn).
     */
    private static final Driver DRIVER = loadDriver();

    private static Driver loadDriver() {
        try {
            return Class.forName("org.postgresql.Driver", true, DatabaseUrl.class.getClassLoader())
                    .asSubclass(Driver.class)
                    .getDeclaredConstructor()
                    .newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the PostgreSQL JDBC driver (org.postgresql:postgresql) is missing", e);
        }
    }

    /** The variable every parse error names. */
    static final String SETTING = "DATABASE_URL";

    /** The accepted forms, for every parse error. */
    static final String EXPECTED =
            "postgresql://user:password@host:5432/db?sslmode=require (or postgres://, or jdbc:postgresql://...),"
                    + " with '/', '?', '#', '@' and ':' in user and password percent-encoded";

    @Override
    public String toString() {
        return "DatabaseUrl[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=" + (password == null ? null : "***")
                + "]";
    }

    /**
     * Parses a DATABASE_URL.
     *
     * @throws ConfigurationException naming {@code DATABASE_URL} if the URL is missing or malformed; the message never
     *     repeats the URL, since it may carry a password
     */
    static DatabaseUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw invalid("is empty");
        }
        String trimmed = url.strip();
        if (trimmed.regionMatches(true, 0, JDBC_SCHEME, 0, JDBC_SCHEME.length())) {
            return new DatabaseUrl(driverAccepted(trimmed), null, null);
        }
        int schemeEnd = trimmed.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : trimmed.substring(0, schemeEnd).toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("postgresql") && !scheme.equals("postgres")) {
            throw invalid("does not start with postgresql://, postgres:// or jdbc:postgresql://");
        }
        String rest = trimmed.substring(schemeEnd + 3);
        int at = userInfoEnd(rest);
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
        int authorityEnd = authorityEnd(rest, at + 1);
        String hosts = rest.substring(at + 1, authorityEnd);
        if (hosts.isEmpty()) {
            throw invalid("has no host");
        }
        int queryStart = rest.indexOf('?', authorityEnd);
        String database = "";
        if (authorityEnd < rest.length() && rest.charAt(authorityEnd) == '/') {
            database = decode(rest.substring(authorityEnd + 1, queryStart < 0 ? rest.length() : queryStart));
        }
        StringBuilder jdbc =
                new StringBuilder("jdbc:postgresql://").append(hosts).append('/');
        jdbc.append(encodePathSegment(database));
        if (queryStart >= 0 && queryStart + 1 < rest.length()) {
            jdbc.append('?').append(translateQuery(rest.substring(queryStart + 1)));
        }
        return new DatabaseUrl(driverAccepted(jdbc.toString()), user, password);
    }

    /**
     * The JDBC URL, if pgjdbc can read it: a port outside 1-65535, a broken percent-encoding in a parameter or a host
     * list the driver cannot split would otherwise pass here and fail only when the pool is built, with the pool's
     * untyped "driver does not accept jdbcUrl" error (found by {@code DatabaseUrlFuzzTest}).
     */
    private static String driverAccepted(String jdbcUrl) {
        boolean accepted;
        try {
            accepted = DRIVER.acceptsURL(jdbcUrl);
        } catch (SQLException | RuntimeException e) {
            accepted = false;
        }
        if (!accepted) {
            throw invalid("is not a URL the PostgreSQL driver can read (check the host list, a port from 1 to 65535"
                    + " and the percent-encoding of parameters)");
        }
        return jdbcUrl;
    }

    /**
     * Where the user info ends: the index of its {@code '@'} in {@code rest} (the URL after {@code ://}), or -1 when
     * there is none.
     *
     * <p>Read strictly (RFC 3986), the authority ends at the first {@code '/'} or {@code '?'}, so a password holding
     * one of them unencoded, as in {@code app:ab/cd@db/prod}, would turn into host {@code app} and port {@code ab}
     * and put the rest of the password into the JDBC URL, which the pool and driver errors print. So the last
     * {@code '@'} of the whole URL is considered as well, and whichever reading yields a well-formed host list wins.
     * When both do, the strict one is kept only if every later {@code '@'} sits in well-formed {@code name=value}
     * parameters (say {@code sslrootcert=/etc/ca@x.pem}); otherwise (say {@code app:5432/x@db/prod}) the URL is
     * rejected rather than guessed.
     */
    private static int userInfoEnd(String rest) {
        int strictEnd = rest.lastIndexOf('@', authorityEnd(rest, 0) - 1);
        int lenientEnd = rest.lastIndexOf('@');
        if (lenientEnd == strictEnd) {
            return strictEnd;
        }
        int strictAuthorityEnd = authorityEnd(rest, strictEnd + 1);
        boolean strictPlausible = isHostList(rest.substring(strictEnd + 1, strictAuthorityEnd));
        boolean lenientPlausible = hasPlainUserName(rest.substring(0, lenientEnd))
                && isHostList(rest.substring(lenientEnd + 1, authorityEnd(rest, lenientEnd + 1)));
        if (strictPlausible && (!lenientPlausible || atSignsOnlyInParameters(rest, strictAuthorityEnd))) {
            return strictEnd;
        }
        if (lenientPlausible && !strictPlausible) {
            return lenientEnd;
        }
        throw new ConfigurationException(
                SETTING,
                "cannot be split into credentials and host unambiguously",
                "'/', '?', '@' and ':' percent-encoded in the user name and password, and '@' after the host"
                        + " (e.g. '/' as %2F, '@' as %40)");
    }

    /** Whether the part after the authority has no {@code '@'} before its query, which is all parameters. */
    private static boolean atSignsOnlyInParameters(String rest, int authorityEnd) {
        int queryStart = rest.indexOf('?', authorityEnd);
        if (queryStart < 0 || rest.substring(authorityEnd, queryStart).indexOf('@') >= 0) {
            return false;
        }
        for (String pair : rest.substring(queryStart + 1).split("&")) {
            if (!pair.isEmpty() && !PARAMETER.matcher(pair).matches()) {
                return false;
            }
        }
        return true;
    }

    /** The end of the authority that starts at {@code from}: the first {@code '/'} or {@code '?'}, else the end. */
    private static int authorityEnd(String rest, int from) {
        for (int i = from; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == '/' || c == '?') {
                return i;
            }
        }
        return rest.length();
    }

    /**
     * Whether {@code userInfo} is a user name and a password, the name free of the characters a host list or path
     * starts with: only a password is read past an unencoded {@code '/'} or {@code '?'}.
     */
    private static boolean hasPlainUserName(String userInfo) {
        int colon = userInfo.indexOf(':');
        return colon >= 0 && userInfo.substring(0, colon).chars().noneMatch(c -> "/?[]".indexOf(c) >= 0);
    }

    /** {@code host[:port]} entries separated by commas; a host is a name, an IPv4 address or an IPv6 one in brackets. */
    private static boolean isHostList(String hosts) {
        return HOST_LIST.matcher(hosts).matches();
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
            // The decoder's own message quotes the input, which may be the password: neither it nor the cause is kept.
            throw invalid("has a malformed percent-encoding");
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

    private static ConfigurationException invalid(String problem) {
        return new ConfigurationException(SETTING, problem, EXPECTED);
    }
}
