package dev.latchkey.auth;

/** Which sessions a sign-out ends, as in Supabase's {@code signOut({scope})}. */
public enum SignOutScope {
    /** Only the session of the presented token. */
    LOCAL,
    /** Every session of the user, on every device. */
    GLOBAL,
    /** Every session of the user except the one of the presented token. */
    OTHERS
}
