package dev.latchkey.auth;

import java.util.Objects;

/**
 * Where a one-time code goes: a normalised email address or an E.164 mobile number. Instances are created by
 * Latchkey after validation, so a {@code Destination} is always well formed.
 *
 * <p>{@link #toString()} is masked ({@code +1******0123}, {@code j***@example.com}) so a destination can be logged
 * without exposing the whole address; {@link #value()} gives the full normalised form.
 */
public record Destination(Channel channel, String value) {

    /** How the code is delivered. */
    public enum Channel {
        EMAIL,
        SMS
    }

    public Destination {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(value, "value");
    }

    /**
     * Validates and normalises a destination exactly as {@code sendOtp} and {@code verifyOtp} do under these
     * settings: a lower-case email with an ASCII domain, or an E.164 mobile number that passes the number-type and
     * country rules. Use it to compare a configured address with the ones users log in with.
     *
     * @param destination an email address (it contains {@code @}) or a mobile number
     * @param settings the facade's settings, for the accepted phone regions
     * @throws AuthException {@code INVALID_REQUEST} for an unacceptable destination
     */
    public static Destination normalise(String destination, AuthSettings settings) {
        return new Inputs(
                        settings.allowedPhoneRegions(),
                        settings.defaultPhoneRegion().orElse(null))
                .destination(destination);
    }

    public boolean isEmail() {
        return channel == Channel.EMAIL;
    }

    /** The destination with most characters replaced by {@code *}, safe for logs. */
    public String masked() {
        return channel == Channel.EMAIL ? Masking.email(value) : Masking.mobile(value);
    }

    @Override
    public String toString() {
        return masked();
    }
}
