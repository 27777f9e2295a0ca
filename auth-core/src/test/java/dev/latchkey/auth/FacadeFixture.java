package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.spi.OtpMessage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What most facade tests set up: a clock the test moves (starting at {@link TestKeys#T0}), the codes sent, the audit
 * events, the in-memory stores, and a facade builder wired to all four. A test overrides single stores on the builder
 * (they replace the bundle's, as they are set after it).
 */
final class FacadeFixture {
    final MovableClock clock = new MovableClock(TestKeys.T0);
    /** Every code message the facade sent, oldest first. */
    final List<OtpMessage> sent = new CopyOnWriteArrayList<>();
    /** Every audit event the facade emitted, oldest first. */
    final List<AuthEvent> events = new CopyOnWriteArrayList<>();

    final TestStores stores = new TestStores();

    /** A builder with these settings, the stores, the code sender, the clock and the event listener. */
    AuthFacade.Builder builder(AuthSettings.Builder settings) {
        return AuthFacade.builder()
                .settings(settings.build())
                .stores(stores)
                .otpSender(sent::add)
                .clock(clock)
                .eventListener(events::add);
    }

    /** The code of the last message sent. */
    String lastCode() {
        assertThat(sent).as("codes sent").isNotEmpty();
        return sent.get(sent.size() - 1).code();
    }

    /** Sends a code to {@code destination} and verifies it at once. */
    LoginResult login(AuthFacade auth, String tenant, String destination) {
        OtpDispatch dispatch = auth.sendOtp(tenant, destination);
        return auth.verifyOtp(tenant, destination, dispatch.challengeId(), lastCode());
    }
}
