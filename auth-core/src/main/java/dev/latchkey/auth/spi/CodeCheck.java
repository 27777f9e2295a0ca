package dev.latchkey.auth.spi;

/** Result of the atomic {@link OTPStore#verify} step. */
public enum CodeCheck {
    /** The hash matched; the challenge has been consumed and will never match again. */
    MATCHED,
    /** The hash did not match; the attempt has been counted. */
    MISMATCHED,
    /** The challenge had used up its attempts; nothing was compared or counted. */
    LOCKED,
    /** There is no live challenge for the key (never issued, expired, consumed or replaced). */
    ABSENT
}
