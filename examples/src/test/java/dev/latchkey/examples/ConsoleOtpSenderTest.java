package dev.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.Destination;
import dev.latchkey.auth.spi.OtpMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConsoleOtpSenderTest {
    @Test
    void printsExactlyOneLinePerCode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleOtpSender sender = new ConsoleOtpSender(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        sender.send(new OtpMessage(
                "acme", new Destination(Destination.Channel.SMS, "+14155550123"), "042917", Instant.EPOCH));
        sender.send(new OtpMessage(
                "acme", new Destination(Destination.Channel.EMAIL, "ada@example.com"), "730001", Instant.EPOCH));

        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .isEqualTo("OTP +14155550123 042917" + System.lineSeparator() + "OTP ada@example.com 730001"
                        + System.lineSeparator());
    }
}
