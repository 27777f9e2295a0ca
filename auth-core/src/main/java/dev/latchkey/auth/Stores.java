package dev.latchkey.auth;

/** Turns any store failure into {@link ErrorCode#UNAVAILABLE}, so a broken store can only ever fail an operation. */
final class Stores {
    private Stores() {}

    static AuthException failure(String component, RuntimeException e) {
        if (e instanceof AuthException authException) {
            return authException;
        }
        return AuthException.unavailable(component + " store unavailable", e);
    }
}
