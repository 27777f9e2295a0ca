package dev.latchkey.auth.spi;

/**
 * Delivers one-time codes; supplied by the host (its SMS or email provider). Latchkey sends nothing itself.
 *
 * <p>Called on the thread of {@code sendOtp}. Throwing makes {@code sendOtp} fail with {@code UNAVAILABLE}; the
 * code already stored stays valid until it expires or is replaced. Implementations must not log the code.
 */
@FunctionalInterface
public interface OtpSender {
    void send(OtpMessage message);
}
