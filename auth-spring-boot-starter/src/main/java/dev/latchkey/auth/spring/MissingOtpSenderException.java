package dev.latchkey.auth.spring;

/** Start-up stops with this when the application has no {@code OtpSender} bean: Latchkey cannot deliver codes. */
public final class MissingOtpSenderException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    MissingOtpSenderException() {
        super("Latchkey needs a bean of type dev.latchkey.auth.spi.OtpSender to deliver one-time codes (by SMS or"
                + " email through your provider)");
    }
}
