package dev.latchkey.auth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import dev.latchkey.auth.internal.Base64Url;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Verification of a compact JWS access token (RFC 7515, RFC 9068) without an object model: the header and the claims
 * are read with jackson-core's streaming parser straight into the principal's fields, the signature is checked by the
 * JDK through the key's own {@link JwtKey#verifySignature}, and nothing else is allocated on the way.
 *
 * <p>What is checked, in this order (RFC 8725 §3.1-3.12); any failure is {@link AccessTokens#invalid()}:
 *
 * <ol>
 *   <li>Three segments, each canonical unpadded base64url (so no token can be re-spelled and still verify).
 *   <li>The header: a JSON object with no duplicate names and nothing after it, {@code kid} naming a configured key,
 *       {@code alg} exactly that key's algorithm (never {@code none}, never another; an HMAC key never verifies a
 *       public-key algorithm or the reverse), {@code typ} {@code at+jwt} or {@code application/at+jwt} (ignoring case,
 *       as a media type), and no {@code crit}, {@code b64} or key-carrying ({@code jku}, {@code jwk}, {@code x5u},
 *       {@code x5c}, {@code x5t}, {@code x5t#S256}) parameter. A header byte-for-byte equal to the one Latchkey writes
 *       for a key is that key without parsing: it passes every one of these checks.
 *   <li>The signature, over the exact header and payload text.
 *   <li>Only then the claims: a JSON object without duplicate names, nesting at most {@value #MAX_DEPTH} deep, and
 *       nothing after it; {@code exp} and {@code iat} required, {@code nbf} optional, all integer seconds; {@code iss}
 *       equal to the issuer; {@code aud} the audience or an array of strings holding it; {@code sub} a UUID; {@code
 *       jti}, {@code tenant_id}, {@code role} and {@code sid} strings; {@code email} a string or null; {@code
 *       permissions} an array of strings or null. A claim of the wrong JSON type is refused, never
 *       converted.
 * </ol>
 */
final class AccessTokenVerifier {
    static final int MAX_DEPTH = 16;

    /** NumericDates above this (year 5138) are refused: no overflow in any comparison with the clock and skew. */
    private static final long MAX_SECONDS = 100_000_000_000L;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(32)
                    .maxStringLength(Inputs.MAX_TOKEN)
                    .maxDocumentLength(Inputs.MAX_TOKEN)
                    .build())
            .build();

    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

    private final Map<String, JwtKey> keysById;
    private final JwtKey[] keys;
    private final String[] headers;
    private final String issuer;
    private final String audience;
    private final long skewSeconds;

    AccessTokenVerifier(Collection<JwtKey> keys, String issuer, String audience, long skewSeconds) {
        this.keys = keys.toArray(new JwtKey[0]);
        this.headers = new String[this.keys.length];
        java.util.HashMap<String, JwtKey> byId = new java.util.HashMap<>();
        for (int i = 0; i < this.keys.length; i++) {
            byId.put(this.keys[i].kid(), this.keys[i]);
            headers[i] = header(this.keys[i]).toBase64URL().toString();
        }
        this.keysById = Map.copyOf(byId);
        this.issuer = issuer;
        this.audience = audience;
        this.skewSeconds = skewSeconds;
    }

    /** The header Latchkey writes for tokens signed with {@code key}. */
    static JWSHeader header(JwtKey key) {
        return new JWSHeader.Builder(key.jwsAlgorithm())
                .type(AT_JWT)
                .keyID(key.kid())
                .build();
    }

    /** The principal of a valid token; any other outcome is an exception (the caller maps it to INVALID_TOKEN). */
    AuthPrincipal verify(String token, long nowSeconds) throws IOException {
        int headerEnd = token.indexOf('.');
        // Without any '.', headerEnd is -1 and this search from 0 finds none either.
        int payloadEnd = token.indexOf('.', headerEnd + 1);
        if (payloadEnd < 0) {
            throw AccessTokens.invalid();
        }
        JwtKey key = key(token, headerEnd);
        byte[] payload = Base64Url.decode(token, headerEnd + 1, payloadEnd);
        // A third '.' is not base64url: refused here.
        byte[] signature = Base64Url.decode(token, payloadEnd + 1, token.length());
        // Every character before payloadEnd is now known to be base64url or '.', so this is the exact ASCII input.
        byte[] signed = token.getBytes(StandardCharsets.ISO_8859_1);
        if (!key.verifySignature(signed, payloadEnd, signature)) {
            throw AccessTokens.invalid();
        }
        return claims(payload, nowSeconds);
    }

    private JwtKey key(String token, int headerEnd) throws IOException {
        for (int i = 0; i < headers.length; i++) {
            if (headers[i].length() == headerEnd && token.startsWith(headers[i])) {
                return keys[i];
            }
        }
        String alg = null;
        String kid = null;
        String typ = null;
        try (JsonParser p = parser(Base64Url.decode(token, 0, headerEnd))) {
            String name;
            while ((name = p.nextFieldName()) != null) {
                JsonToken value = p.nextToken();
                switch (name) {
                    case "alg" -> alg = string(p, value);
                    case "kid" -> kid = string(p, value);
                    case "typ" -> typ = string(p, value);
                    case "cty" -> string(p, value);
                    // Critical extensions are never understood here (RFC 7515 §4.1.11); keys come from configuration
                    // only, never from the token (RFC 8725 §3.10); unencoded payloads (RFC 7797) are not accepted.
                    case "crit", "b64", "jku", "jwk", "x5u", "x5c", "x5t", "x5t#S256" -> throw AccessTokens.invalid();
                    default -> p.skipChildren();
                }
            }
            end(p);
        }
        JwtKey key = kid == null ? null : keysById.get(kid);
        if (key == null
                || !key.algorithm().equals(alg)
                || typ == null
                || !(typ.equalsIgnoreCase("at+jwt") || typ.equalsIgnoreCase("application/at+jwt"))) {
            throw AccessTokens.invalid();
        }
        return key;
    }

    private AuthPrincipal claims(byte[] json, long nowSeconds) throws IOException {
        String iss = null;
        String sub = null;
        String jti = null;
        String tenant = null;
        String role = null;
        String sessionId = null;
        String email = null;
        boolean audienceMatches = false;
        long exp = -1;
        long iat = -1;
        long nbf = -1;
        Set<String> permissions = Set.of();
        try (JsonParser p = parser(json)) {
            String name;
            while ((name = p.nextFieldName()) != null) {
                JsonToken value = p.nextToken();
                switch (name) {
                    case "iss" -> iss = string(p, value);
                    case "sub" -> sub = string(p, value);
                    case "aud" -> audienceMatches = audience(p, value);
                    case "exp" -> exp = numericDate(p, value);
                    case "iat" -> iat = numericDate(p, value);
                    case "nbf" -> nbf = numericDate(p, value);
                    case "jti" -> jti = string(p, value);
                    case AccessTokens.CLAIM_TENANT -> tenant = string(p, value);
                    case AccessTokens.CLAIM_ROLE -> role = string(p, value);
                    case AccessTokens.CLAIM_SESSION -> sessionId = string(p, value);
                    case AccessTokens.CLAIM_EMAIL -> email = value == JsonToken.VALUE_NULL ? null : string(p, value);
                    case AccessTokens.CLAIM_PERMISSIONS -> permissions = permissions(p, value);
                    default -> p.skipChildren();
                }
            }
            end(p);
        }
        if (exp < 0
                || iat < 0
                || nowSeconds >= exp + skewSeconds
                || iat > nowSeconds + skewSeconds
                || nbf > nowSeconds + skewSeconds
                || !issuer.equals(iss)
                || !audienceMatches
                || sub == null
                || tenant == null
                || role == null
                || sessionId == null
                || jti == null) {
            throw AccessTokens.invalid();
        }
        return new AuthPrincipal(
                UUID.fromString(sub),
                tenant,
                email,
                role,
                permissions,
                sessionId,
                jti,
                Instant.ofEpochSecond(iat),
                Instant.ofEpochSecond(exp));
    }

    /**
     * A parser positioned on the opening brace of a JSON object. The first two bytes are checked so that jackson's
     * encoding detection can only ever choose UTF-8 (RFC 8259 §8.1): a leading BOM, whitespace or NUL byte is refused.
     */
    private static JsonParser parser(byte[] json) throws IOException {
        if (json.length < 2 || json[0] != '{' || json[1] == 0) {
            throw AccessTokens.invalid();
        }
        JsonParser p = JSON.createParser(json);
        p.nextToken();
        return p;
    }

    /** After the last member: the object must be closed and be the whole text. */
    private static void end(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
            throw AccessTokens.invalid();
        }
    }

    private static String string(JsonParser p, @Nullable JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw AccessTokens.invalid();
        }
        return p.getText();
    }

    private static long numericDate(JsonParser p, @Nullable JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_NUMBER_INT) {
            throw AccessTokens.invalid();
        }
        JsonParser.NumberType type = p.getNumberType();
        if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
            throw AccessTokens.invalid();
        }
        long seconds = p.getLongValue();
        if (seconds < 0 || seconds > MAX_SECONDS) {
            throw AccessTokens.invalid();
        }
        return seconds;
    }

    /** {@code aud}: a string, or an array of strings; whether it names this audience. */
    private boolean audience(JsonParser p, @Nullable JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return audience.equals(p.getText());
        }
        if (value != JsonToken.START_ARRAY) {
            throw AccessTokens.invalid();
        }
        boolean found = false;
        JsonToken element;
        while ((element = p.nextToken()) != JsonToken.END_ARRAY) {
            found |= audience.equals(string(p, element));
        }
        return found;
    }

    /** {@code permissions}: null, or an array of strings (a repeated one counts once, as before). */
    private static Set<String> permissions(JsonParser p, @Nullable JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return Set.of();
        }
        if (value != JsonToken.START_ARRAY) {
            throw AccessTokens.invalid();
        }
        List<String> list = new ArrayList<>();
        JsonToken element;
        while ((element = p.nextToken()) != JsonToken.END_ARRAY) {
            list.add(string(p, element));
        }
        return Set.copyOf(list);
    }
}
