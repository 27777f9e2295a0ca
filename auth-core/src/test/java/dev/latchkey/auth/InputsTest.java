package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    private static void assertInvalidRequest(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOf(AuthException.class)
                .satisfies(e -> assertThat(((AuthException) e).errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST));
    }
}
