package dev.latchkey.auth;

/** Whether a first login with an unknown destination creates a user. */
public enum SignupMode {
    /** A verified code for an unknown destination creates the user (the default). */
    OPEN,
    /**
     * Only existing users can log in. {@code sendOtp} answers exactly as for a known destination but sends nothing,
     * so the answer reveals nothing about who has an account.
     */
    INVITE_ONLY
}
