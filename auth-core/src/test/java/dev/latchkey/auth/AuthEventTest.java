package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What events show when printed, and what copying guarantees. */
class AuthEventTest {
    @Test
    void aRefusedExternalSignInPrintsTheEmailMasked() {
        AuthEvent.ExternalSignInRefused refused = new AuthEvent.ExternalSignInRefused(
                TestKeys.T0, "acme", "google", "sub-1", "ada@example.com", "forbidden");

        assertThat(refused)
                .hasToString("ExternalSignInRefused[at=2030-01-01T00:00:00Z, tenantId=acme, provider=google,"
                        + " subject=sub-1, email=a***@example.com, reason=forbidden]");
    }

    @Test
    void theComponentsOfAFallbackEventAreACopy() {
        List<String> components = new ArrayList<>(List.of("otp"));
        AuthEvent.FallbackEngaged engaged =
                new AuthEvent.FallbackEngaged(TestKeys.T0, AuthEvent.ALL_TENANTS, components, "timeout");
        AuthEvent.FallbackEnded ended = new AuthEvent.FallbackEnded(TestKeys.T0, AuthEvent.ALL_TENANTS, components);
        components.add("rateLimits");

        assertThat(engaged.components()).containsExactly("otp");
        assertThat(ended.components()).containsExactly("otp");
    }
}
