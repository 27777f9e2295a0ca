package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class InputsTest {
    private final Inputs inputs = new Inputs(Set.of(), null);

    @ParameterizedTest
    @CsvSource({
        "'+1 (415) 555-0123', +14155550123",
        "+14155550123, +14155550123",
        "'+44 7911 123456', +447911123456",
        "+49 151 12345678, +4915112345678",
        "'  +33 6 12 34 56 78 ', +33612345678"
    })
    void normalisesMobileNumbersToE164(String raw, String e164) {
        Destination d = inputs.destination(raw);
        assertThat(d.channel()).isEqualTo(Destination.Channel.SMS);
        assertThat(d.value()).isEqualTo(e164);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "+19005550123", // US premium rate
                "+18005550123", // US toll free
                "+442079460123", // GB fixed line
                "+1415555012", // too short
                "+999123456789", // no such country
                "4155550123", // not international, no default region
                "+1415555O123", // letter O
                "+1 415 555 0123 ext 4"
            })
    void rejectsInvalidAndNonMobileNumbers(String raw) {
        assertInvalidRequest(() -> inputs.destination(raw));
    }

    @Test
    void countryAllowlistRestrictsNumbers() {
        Inputs usOnly = new Inputs(Set.of("US"), null);
        assertThat(usOnly.destination("+14155550123").value()).isEqualTo("+14155550123");
        assertInvalidRequest(() -> usOnly.destination("+4915112345678"));
    }

    @Test
    void defaultRegionAllowsNationalFormat() {
        Inputs us = new Inputs(Set.of(), "US");
        assertThat(us.destination("(415) 555-0123").value()).isEqualTo("+14155550123");
    }

    @ParameterizedTest
    @CsvSource({
        "Ada@Example.COM, ada@example.com",
        "'  ada.lovelace+tag@example.com ', ada.lovelace+tag@example.com",
        "user@bücher.example, user@xn--bcher-kva.example"
    })
    void normalisesEmails(String raw, String normalised) {
        Destination d = inputs.destination(raw);
        assertThat(d.channel()).isEqualTo(Destination.Channel.EMAIL);
        assertThat(d.value()).isEqualTo(normalised);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "@example.com",
                "ada@",
                "ada@@example.com",
                "ada@example",
                "a da@example.com",
                "ada@exa mple.com",
                ".ada@example.com",
                "ada..l@example.com",
                "ada@-example.com",
                "\"quoted\"@example.com",
                "ada@example.com\u0000",
                "ädä@example.com"
            })
    void rejectsMalformedEmails(String raw) {
        assertInvalidRequest(() -> inputs.destination(raw));
    }

    @Test
    void boundsEmailLength() {
        String local64 = "a".repeat(64);
        String domain = "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(58) + ".com";
        assertThat((local64 + "@" + domain).length()).isGreaterThan(254);
        assertInvalidRequest(() -> inputs.destination(local64 + "@" + domain));
        assertInvalidRequest(() -> inputs.destination("a".repeat(65) + "@example.com"));
        assertInvalidRequest(() -> inputs.destination("x".repeat(100_000)));
        assertThat(inputs.destination(local64 + "@example.com").value()).startsWith(local64);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-acme", "ac me", "acme/1", "ac\u0000me", "tenänt"})
    void rejectsBadTenants(String tenant) {
        assertInvalidRequest(() -> Inputs.tenant(tenant));
    }

    @Test
    void boundsTenantLength() {
        assertThat(Inputs.tenant("a".repeat(64))).hasSize(64);
        assertInvalidRequest(() -> Inputs.tenant("a".repeat(65)));
        assertInvalidRequest(() -> Inputs.tenant(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"12345", "12345678901", "12a456", "１２３４５６", "123 456", ""})
    void rejectsMalformedCodes(String code) {
        assertInvalidRequest(() -> Inputs.code(code));
    }

    @Test
    void acceptsClientIpsAndRejectsJunk() {
        assertThat(Inputs.clientIp("203.0.113.9")).isEqualTo("203.0.113.9");
        assertThat(Inputs.clientIp("2001:DB8::1")).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(Inputs.clientIp("[2001:db8::1%eth0]")).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(Inputs.clientIp("::ffff:203.0.113.9")).isEqualTo("203.0.113.9");
        assertThat(Inputs.clientIp("010.0.0.1")).isEqualTo("10.0.0.1");
        assertThat(Inputs.clientIp(null)).isNull();
        assertInvalidRequest(() -> Inputs.clientIp("evil.example.com"));
        assertInvalidRequest(() -> Inputs.clientIp("1".repeat(65)));
        // Looks like hex but is a host name: refused without any DNS lookup.
        assertInvalidRequest(() -> Inputs.clientIp("deadbeef.cafe"));
        assertInvalidRequest(() -> Inputs.clientIp("256.1.1.1"));
        assertInvalidRequest(() -> Inputs.clientIp("1.2.3"));
        assertInvalidRequest(() -> Inputs.clientIp("2001:db8::g"));
    }

    @Test
    void ipv6AddressesShareABucketPerSlash64() {
        String a = Inputs.clientIp("2001:db8:1:2:aaaa::1");
        String b = Inputs.clientIp("2001:db8:1:2:ffff:ffff:ffff:ffff");
        String other = Inputs.clientIp("2001:db8:1:3::1");
        assertThat(Inputs.ipBucket(a)).isEqualTo(Inputs.ipBucket(b)).isEqualTo("2001:db8:1:2::/64");
        assertThat(Inputs.ipBucket(other)).isNotEqualTo(Inputs.ipBucket(a));
        assertThat(Inputs.ipBucket("203.0.113.9")).isEqualTo("203.0.113.9");
    }

    @Test
    void destinationsPrintMasked() {
        assertThat(inputs.destination("+14155550123").toString()).isEqualTo("+1******0123");
        assertThat(inputs.destination("jane@example.com").toString()).isEqualTo("j***@example.com");
    }

    @Test
    void errorsDoNotEchoTheInput() {
        assertThatThrownBy(() -> inputs.destination("secret-looking-input@"))
                .hasMessageNotContaining("secret-looking-input");
    }

    // ---------------------------------------------------------------- edges of every accepted range

    @ParameterizedTest
    @ValueSource(strings = {"a", "z", "A", "Z", "0", "9", "a-b_c.d", "Z9"})
    void tenantIdsAcceptEveryLetterAndDigitUpToTheEndsOfTheirRanges(String tenant) {
        assertThat(Inputs.tenant(tenant)).isEqualTo(tenant.toLowerCase(java.util.Locale.ROOT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"`", "{", "@", "[", "/", ":", "a`", "a{", "a@", "a[", "a/", "a:", "_a", ".a"})
    void tenantIdsRefuseTheCharactersJustOutsideTheirRanges(String tenant) {
        assertInvalidRequest(() -> Inputs.tenant(tenant));
    }

    @Test
    void aMissingOrBlankDestinationIsNamedAsMissing() {
        assertInvalidRequest(() -> inputs.destination(null), "a mobile number or an email address is required");
        assertInvalidRequest(() -> inputs.destination(" \t "), "a mobile number or an email address is required");
        assertInvalidRequest(() -> Inputs.email(null), "email is required");
        assertInvalidRequest(() -> inputs.mobile(null), "mobile is required");
        assertInvalidRequest(() -> Inputs.email("  "), "email must be 1 to 254 characters");
        assertInvalidRequest(() -> inputs.mobile("  "), "mobile number must be 1 to 32 characters");
    }

    @Test
    void aDestinationMayCarryTwoCharactersOfSurroundingSpaceBeyondTheLongestEmail() {
        String longest = "a".repeat(64) + "@" + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(57) + ".com";
        assertThat(longest).hasSize(254);
        assertThat(inputs.destination(" " + longest + " ").value()).isEqualTo(longest);
        assertInvalidRequest(() -> inputs.destination("  " + longest + " "), "destination is too long");
        assertInvalidRequest(() -> Inputs.email(longest + "x"), "email must be 1 to 254 characters");
    }

    @Test
    void anAtSignAnywhereMakesTheDestinationAnEmail() {
        assertInvalidRequest(() -> inputs.destination("@example.com"), "email address is not valid");
        assertInvalidRequest(() -> inputs.destination("ada@"), "email address is not valid");
        assertInvalidRequest(() -> inputs.destination("ada@b@example.com"), "email address is not valid");
        assertThat(inputs.destination("a@example.com").value()).isEqualTo("a@example.com");
    }

    @Test
    void anInternationalisedDomainIsMeasuredAfterItsAsciiForm() {
        String prefix = "a".repeat(64) + "@bücher." + "c".repeat(60) + "." + "d".repeat(60) + ".";
        String fits = prefix + "e".repeat(49) + ".com";
        String overflows = prefix + "e".repeat(50) + ".com";
        assertThat(inputs.destination(fits).value()).hasSize(254).contains("xn--bcher-kva");
        assertInvalidRequest(() -> inputs.destination(overflows), "email must be at most 254 characters");
        // A domain only its ASCII form makes longer than 253 characters is refused as a domain.
        String longDomain =
                "bücher." + "c".repeat(63) + "." + "d".repeat(63) + "." + "e".repeat(63) + "." + "f".repeat(47);
        assertThat(java.net.IDN.toASCII(longDomain)).hasSize(253);
        assertInvalidRequest(() -> inputs.destination("a@" + longDomain), "email must be at most 254 characters");
        String longerDomain = longDomain + "f";
        assertInvalidRequest(() -> inputs.destination("a@" + longerDomain), "email domain is not valid");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "az@example.com",
                "AZ09@example.com",
                "!ada@example.com",
                "~ada@example.com",
                "`{}|ada/@example.com",
                "a.b@example.com",
                "ada@z9-0a.example.com",
                "ada@bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.com"
            })
    void emailsAcceptEveryAllowedCharacterUpToTheEndsOfTheirRanges(String email) {
        assertThat(inputs.destination(email).value()).isEqualTo(email.toLowerCase(java.util.Locale.ROOT));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "a[@example.com",
                "a:@example.com",
                "a\"@example.com",
                "a(@example.com",
                "ada.@example.com",
                "ada@example.com.",
                "ada@example-.com",
                "ada@bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.com"
            })
    void emailsRefuseTheCharactersAndLabelsJustOutsideTheirRanges(String email) {
        assertInvalidRequest(() -> inputs.destination(email));
    }

    @Test
    void aMobileNumberMayBeThirtyTwoCharactersLongWithItsSpacing() {
        String spaced = "+1" + " ".repeat(16) + "(415) 555-0123";
        assertThat(spaced).hasSize(32);
        assertThat(inputs.destination(spaced).value()).isEqualTo("+14155550123");
        assertInvalidRequest(
                () -> inputs.destination(spaced.replace("+1 ", "+1  ")), "mobile number must be 1 to 32 characters");
    }

    @Test
    void eachMobileNumberRefusalSaysWhatIsWrong() {
        assertInvalidRequest(
                () -> inputs.destination("4155550123"),
                "mobile number must be in international format, starting with +");
        assertInvalidRequest(() -> inputs.destination("+1415555012"), "mobile number is not valid");
        assertInvalidRequest(() -> inputs.destination("+19005550123"), "only mobile numbers are accepted");
        assertInvalidRequest(
                () -> new Inputs(Set.of("US"), null).destination("+4915112345678"),
                "mobile numbers from this country are not accepted");
        assertInvalidRequest(
                () -> inputs.destination("+1 415 555 0123 x"),
                "mobile number may contain only digits, spaces, '+', '-', '(', ')'");
        assertThat(new Inputs(Set.of(), "US").destination("+4915112345678").value())
                .isEqualTo("+4915112345678");
    }

    @Test
    void everyRegionsExampleNumbersAreJudgedAsLibphonenumbersIsValidNumberJudgesThem() {
        PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
        List<PhoneNumber> numbers = new ArrayList<>();
        for (String region : phones.getSupportedRegions()) {
            for (PhoneNumberType type : PhoneNumberType.values()) {
                Optional.ofNullable(phones.getExampleNumberForType(region, type))
                        .ifPresent(numbers::add);
            }
            Optional.ofNullable(phones.getInvalidExampleNumber(region)).ifPresent(numbers::add);
        }
        assertThat(numbers).hasSizeGreaterThan(1_000);
        int accepted = 0;
        for (PhoneNumber number : numbers) {
            String e164 = phones.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
            PhoneNumber parsed = parse(phones, e164);
            if (!phones.isValidNumber(parsed)) {
                assertInvalidRequest(() -> inputs.destination(e164), "mobile number is not valid");
            } else if (!Set.of(PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
                    .contains(phones.getNumberType(parsed))) {
                assertInvalidRequest(() -> inputs.destination(e164), "only mobile numbers are accepted");
            } else {
                assertThat(inputs.destination(e164).value()).as(e164).isEqualTo(e164);
                accepted++;
            }
        }
        assertThat(accepted).isGreaterThan(200);
    }

    private static PhoneNumber parse(PhoneNumberUtil phones, String e164) {
        try {
            return phones.parse(e164, null);
        } catch (NumberParseException e) {
            throw new AssertionError(e164, e);
        }
    }

    @Test
    void clientIpsAreCheckedForLengthBeforeForm() {
        assertThat(Inputs.clientIp(" \t ")).isNull();
        assertInvalidRequest(() -> Inputs.clientIp("1".repeat(64)), "clientIp is not an IP address");
        assertInvalidRequest(() -> Inputs.clientIp("1".repeat(65)), "clientIp is too long");
    }

    @Test
    void ipv6LiteralsAcceptEveryHexDigitAndRefuseLookalikes() {
        assertThat(Inputs.clientIp("A:F:a:f:0:9::1")).isEqualTo("a:f:a:f:0:9:0:1");
        // Non-ASCII digits are refused, whichever check meets them first.
        assertInvalidRequest(() -> Inputs.clientIp("２００１:db8::1"), "clientIp is not an IP address");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1..2.3", "1a.2.3.4", "1.2.3.4.", "1234.1.1.1", "1.2.3.-4"})
    void ipv4LiteralsMustBeFourDecimalOctets(String ip) {
        assertInvalidRequest(() -> Inputs.clientIp(ip), "clientIp is not an IP address");
    }

    @Test
    void theHighestOctetIs255() {
        assertThat(Inputs.clientIp("255.255.255.255")).isEqualTo("255.255.255.255");
        assertInvalidRequest(() -> Inputs.clientIp("255.255.255.256"), "clientIp is not an IP address");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "azAZ09-_azAZ09-_azAZ09",
                "zzzzzzzzzzzzzzzzzzzzzz",
                "ZZZZZZZZZZZZZZZZZZZZZZ",
                "9999999999999999999999"
            })
    void challengeIdsAreTwentyTwoBase64UrlCharacters(String id) {
        assertThat(Inputs.challengeId(id)).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"`", "{", "@", "[", "/", ":", "+", "="})
    void challengeIdsRefuseTheCharactersJustOutsideBase64Url(String bad) {
        String id = "a".repeat(21) + bad;
        assertInvalidRequest(() -> Inputs.challengeId(id), "challengeId must be the id sendOtp returned");
    }

    @ParameterizedTest
    @CsvSource({"123456, 123456", "' 1234567890 ', 1234567890", "0000009, 0000009"})
    void codesOfSixToTenDigitsAreAcceptedWithoutSurroundingSpace(String raw, String code) {
        assertThat(Inputs.code(raw)).isEqualTo(code);
    }

    @Test
    void freeTextIsBoundedAndFreeOfControlCharacters() {
        assertThat(Inputs.text("name", "Ada", 3)).isEqualTo("Ada");
        assertInvalidRequest(() -> Inputs.text("name", "Adam", 3), "name must be 1 to 3 characters");
        assertInvalidRequest(() -> Inputs.text("name", null, 3), "name must be 1 to 3 characters");
        assertInvalidRequest(() -> Inputs.text("name", "  ", 3), "name must be 1 to 3 characters");
        assertInvalidRequest(() -> Inputs.text("name", "A\u0000a", 3), "name must not contain control characters");
        assertInvalidRequest(() -> Inputs.text("name", "Ad\n", 3), "name must not contain control characters");
    }

    private static void assertInvalidRequest(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call)
                .isInstanceOf(AuthException.class)
                .hasMessage(message)
                .satisfies(e -> assertThat(((AuthException) e).errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST));
    }

    private static void assertInvalidRequest(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOf(AuthException.class)
                .satisfies(e -> assertThat(((AuthException) e).errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST));
    }
}
