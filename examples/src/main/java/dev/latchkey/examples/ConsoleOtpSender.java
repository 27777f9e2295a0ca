package dev.latchkey.examples;

import dev.latchkey.auth.spi.OtpMessage;
import dev.latchkey.auth.spi.OtpSender;
import java.io.PrintStream;

/**
 * Development stand-in for an SMS or email provider: prints one line per code, {@code OTP <destination> <code>}, to
 * standard output, so a developer can log in with curl. The SPI asks senders not to log codes; this one deliberately
 * shows them, on stdout rather than in the log, and is the thing to replace before real users arrive.
 */
final class ConsoleOtpSender implements OtpSender {
    private final PrintStream out;

    ConsoleOtpSender(PrintStream out) {
        this.out = out;
    }

    @Override
    public void send(OtpMessage message) {
        String line = "OTP " + message.destination().value() + " " + message.code();
        // One println per code: concurrent sends never interleave within a line, and the line is flushed at once.
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
