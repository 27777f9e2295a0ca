package dev.latchkey.auth;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.net.IDN;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Validates and normalises every input before any store is touched (ASVS 5.0 V2.2: validate input at a trusted
 * layer; bounded lengths everywhere). Failures are {@link ErrorCode#INVALID_REQUEST} with a message that does not
 * echo the input.
 */
final class Inputs {
    static final int MAX_TENANT = 64;
    static final int MAX_EMAIL = 254;
    static final int MAX_LOCAL_PART = 64;
    static final int MAX_PHONE_INPUT = 32;
    static final int MAX_IP = 64;
    static final int MAX_TOKEN = 8192;

    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
    // SMS pumping defence: only numbers that can receive SMS; premium-rate, toll-free, shared-cost and the like are
    // refused (OWASP Authentication Cheat Sheet, "SMS pumping").
    private static final Set<PhoneNumberType> SMS_CAPABLE =
            Set.of(PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE);

    /** How many recently accepted numbers {@link #mobile} remembers; the whole memory is dropped when it is full. */
    static final int RECENT_MOBILES = 4096;

    private final Set<String> allowedRegions;
    private final @Nullable String defaultRegion;
    // A login validates its number twice, at send and at verify, and libphonenumber's regular expressions were a
    // fifth of a login's CPU. Only accepted numbers are kept (a refusal is recomputed, so its message never changes),
    // keyed by the exact trimmed input; the answer depends only on it and this instance's fixed settings.
    private final ConcurrentHashMap<String, Destination> recentMobiles = new ConcurrentHashMap<>();

    /**
     * @param allowedRegions upper-case ISO 3166 regions whose mobile numbers are accepted; empty accepts every region
     * @param defaultRegion region of numbers given without {@code +country}, or {@code null} to require {@code +}
     */
    Inputs(Set<String> allowedRegions, @Nullable String defaultRegion) {
        this.allowedRegions = Set.copyOf(allowedRegions);
        this.defaultRegion = defaultRegion;
    }

    /**
     * A tenant id, lower-cased: tenant ids are case-insensitive, so {@code ACME} and {@code acme} are one tenant and
     * share every limit.
     */
    static String tenant(String tenantId) {
        if (tenantId == null || !isTenantId(tenantId)) {
            throw AuthException.invalidRequest("tenantId must be 1 to " + MAX_TENANT
                    + " letters, digits, '-', '_' and '.', starting with a letter or digit");
        }
        return tenantId.toLowerCase(Locale.ROOT);
    }

    /** Whether the text is a well-formed tenant id (of either case). */
    static boolean isTenantId(String tenantId) {
        if (tenantId.isEmpty() || tenantId.length() > MAX_TENANT) {
            return false;
        }
        for (int i = 0; i < tenantId.length(); i++) {
            char c = tenantId.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || (i > 0 && (c == '-' || c == '_' || c == '.'));
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** An email address if the input contains {@code @}, otherwise a mobile number. */
    Destination destination(String raw) {
        if (raw == null || raw.isBlank()) {
            throw AuthException.invalidRequest("a mobile number or an email address is required");
        }
        if (raw.length() > MAX_EMAIL + 2) {
            throw AuthException.invalidRequest("destination is too long");
        }
        return raw.indexOf('@') >= 0 ? email(raw) : mobile(raw);
    }

    static Destination email(String raw) {
        if (raw == null) {
            throw AuthException.invalidRequest("email is required");
        }
        String email = raw.strip();
        if (email.isEmpty() || email.length() > MAX_EMAIL) {
            throw AuthException.invalidRequest("email must be 1 to " + MAX_EMAIL + " characters");
        }
        int at = email.indexOf('@');
        if (at < 1 || at != email.lastIndexOf('@') || at == email.length() - 1) {
            throw AuthException.invalidRequest("email address is not valid");
        }
        String local = email.substring(0, at);
        String domain = email.substring(at + 1);
        if (local.length() > MAX_LOCAL_PART || !validLocalPart(local)) {
            throw AuthException.invalidRequest("email address is not valid");
        }
        String asciiDomain;
        try {
            asciiDomain = IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw AuthException.invalidRequest("email domain is not valid");
        }
        if (!validDomain(asciiDomain)) {
            throw AuthException.invalidRequest("email domain is not valid");
        }
        String normalised = local.toLowerCase(Locale.ROOT) + "@" + asciiDomain;
        if (normalised.length() > MAX_EMAIL) {
            throw AuthException.invalidRequest("email must be at most " + MAX_EMAIL + " characters");
        }
        return new Destination(Destination.Channel.EMAIL, normalised);
    }

    Destination mobile(String raw) {
        if (raw == null) {
            throw AuthException.invalidRequest("mobile is required");
        }
        String trimmed = raw.strip();
        if (trimmed.isEmpty() || trimmed.length() > MAX_PHONE_INPUT) {
            throw AuthException.invalidRequest("mobile number must be 1 to " + MAX_PHONE_INPUT + " characters");
        }
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (!((c >= '0' && c <= '9') || c == '+' || c == ' ' || c == '-' || c == '(' || c == ')' || c == '.')) {
                throw AuthException.invalidRequest("mobile number may contain only digits, spaces, '+', '-', '(', ')'");
            }
        }
        Destination known = recentMobiles.get(trimmed);
        if (known != null) {
            return known;
        }
        Destination parsed = parseMobile(trimmed);
        if (recentMobiles.size() >= RECENT_MOBILES) {
            recentMobiles.clear();
        }
        recentMobiles.put(trimmed, parsed);
        return parsed;
    }

    /** How many accepted numbers are remembered now (for tests of the bound). */
    int rememberedMobiles() {
        return recentMobiles.size();
    }

    private Destination parseMobile(String trimmed) {
        if (!trimmed.startsWith("+") && defaultRegion == null) {
            throw AuthException.invalidRequest("mobile number must be in international format, starting with +");
        }
        PhoneNumber number;
        try {
            number = PHONES.parse(trimmed, defaultRegion);
        } catch (NumberParseException e) {
            throw AuthException.invalidRequest("mobile number is not valid");
        }
        // isValidNumber(number) is isValidNumberForRegion(number, its own region), which is exactly "its type is not
        // UNKNOWN": both match the national number against the same region's patterns, so they are matched once.
        PhoneNumberType type = PHONES.getNumberType(number);
        if (type == PhoneNumberType.UNKNOWN) {
            throw AuthException.invalidRequest("mobile number is not valid");
        }
        if (!SMS_CAPABLE.contains(type)) {
            throw AuthException.invalidRequest("only mobile numbers are accepted");
        }
        String region = PHONES.getRegionCodeForNumber(number);
        if (!allowedRegions.isEmpty() && !allowedRegions.contains(region)) {
            throw AuthException.invalidRequest("mobile numbers from this country are not accepted");
        }
        return new Destination(Destination.Channel.SMS, PHONES.format(number, PhoneNumberUtil.PhoneNumberFormat.E164));
    }

    /**
     * The client IP in canonical form (dotted IPv4, or IPv6 as the JDK prints it; an IPv4-mapped IPv6 address becomes
     * IPv4), or {@code null} when absent. Never resolved: only literals are accepted.
     */
    static @Nullable String clientIp(@Nullable String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String ip = raw.strip();
        if (ip.length() > MAX_IP) {
            throw AuthException.invalidRequest("clientIp is too long");
        }
        if (ip.startsWith("[") && ip.endsWith("]")) {
            ip = ip.substring(1, ip.length() - 1);
        }
        int zone = ip.indexOf('%');
        if (zone >= 0) {
            ip = ip.substring(0, zone);
        }
        if (ip.indexOf(':') < 0) {
            return ipv4(ip);
        }
        for (int i = 0; i < ip.length(); i++) {
            char c = ip.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.')) {
                throw AuthException.invalidRequest("clientIp is not an IP address");
            }
        }
        try {
            // With a ':' present the JDK parses an IPv6 literal and never consults DNS.
            return java.net.InetAddress.getByName(ip).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw AuthException.invalidRequest("clientIp is not an IP address");
        }
    }

    /**
     * The throttling bucket of a canonical client IP: an IPv4 address itself, an IPv6 address by its /64 prefix,
     * since one subscriber or server usually holds a whole /64 and could rotate through it.
     */
    static String ipBucket(String canonicalIp) {
        if (canonicalIp.indexOf(':') < 0) {
            return canonicalIp;
        }
        String[] groups = canonicalIp.split(":", -1);
        return groups[0] + ":" + groups[1] + ":" + groups[2] + ":" + groups[3] + "::/64";
    }

    /** Four dot-separated decimal octets of one to three digits each, leading zeros dropped; on every send and verify. */
    private static String ipv4(String ip) {
        StringBuilder canonical = new StringBuilder(15);
        int octets = 0;
        int digits = 0;
        int octet = 0;
        for (int i = 0; i <= ip.length(); i++) {
            char c = i < ip.length() ? ip.charAt(i) : '.';
            if (c >= '0' && c <= '9' && digits < 3) {
                octet = octet * 10 + (c - '0');
                digits++;
            } else if (c == '.' && digits > 0 && octet <= 255 && octets < 4) {
                if (octets > 0) {
                    canonical.append('.');
                }
                canonical.append(octet);
                octets++;
                digits = 0;
                octet = 0;
            } else {
                throw AuthException.invalidRequest("clientIp is not an IP address");
            }
        }
        if (octets != 4) {
            throw AuthException.invalidRequest("clientIp is not an IP address");
        }
        return canonical.toString();
    }

    /** 6 to 10 ASCII digits; surrounding white space is ignored. */
    /** A challenge id as {@code sendOtp} issues them: 22 base64url characters (128 random bits). */
    static String challengeId(String raw) {
        if (raw == null || raw.length() != 22) {
            throw AuthException.invalidRequest("challengeId must be the id sendOtp returned");
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean ok =
                    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                throw AuthException.invalidRequest("challengeId must be the id sendOtp returned");
            }
        }
        return raw;
    }

    static String code(String raw) {
        if (raw == null) {
            throw AuthException.invalidRequest("code is required");
        }
        String code = raw.strip();
        if (code.length() < 6 || code.length() > 10) {
            throw AuthException.invalidRequest("code must be 6 to 10 digits");
        }
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c < '0' || c > '9') {
                throw AuthException.invalidRequest("code must be 6 to 10 digits");
            }
        }
        return code;
    }

    static String text(String name, String value, int maxLength) {
        if (value == null || value.isBlank() || value.length() > maxLength) {
            throw AuthException.invalidRequest(name + " must be 1 to " + maxLength + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw AuthException.invalidRequest(name + " must not contain control characters");
            }
        }
        return value;
    }

    private static boolean validLocalPart(String local) {
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            return false;
        }
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            boolean atext = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "!#$%&'*+-/=?^_`{|}~.".indexOf(c) >= 0;
            if (!atext) {
                return false;
            }
        }
        return true;
    }

    private static boolean validDomain(String domain) {
        if (domain.length() > 253 || domain.indexOf('.') < 0) {
            return false;
        }
        for (String label : domain.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                    return false;
                }
            }
        }
        return true;
    }
}
