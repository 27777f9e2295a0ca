package dev.latchkey.auth;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** What the facade tests share: the typed failure of a call, and a code that is surely wrong. */
final class Attempts {
    private Attempts() {}

    /** The {@link AuthException} the call throws; an assertion error if it succeeds or throws anything else. */
    static AuthException catchAuth(ThrowingCallable call) {
        try {
            call.call();
        } catch (AuthException e) {
            return e;
        } catch (Throwable t) {
            throw new AssertionError("expected an AuthException, got " + t, t);
        }
        throw new AssertionError("expected an AuthException, but the call succeeded");
    }

    /** The code with its last digit changed. */
    static String wrong(String code) {
        char last = code.charAt(code.length() - 1);
        return code.substring(0, code.length() - 1) + (last == '9' ? '0' : (char) (last + 1));
    }
}
