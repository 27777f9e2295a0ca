package dev.latchkey.examples;

import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.AuthPrincipal;
import dev.latchkey.auth.AuthSettings;
import dev.latchkey.auth.JwtKey;
import dev.latchkey.auth.LoginResult;
import dev.latchkey.auth.OtpDispatch;
import dev.latchkey.auth.SignOutScope;
import dev.latchkey.auth.store.memory.MemoryStores;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** The facade used straight from application code, with no HTTP at all: log in, check, refresh, sign out. */
public final class DirectUse {
    private DirectUse() {}

    /** Prints three lines: who signed in, the refreshed session, and that the session is gone after sign-out. */
    public static void main(String[] args) {
        byte[] hashSecret = new byte[32];
        new SecureRandom().nextBytes(hashSecret);
        MemoryStores stores = MemoryStores.create();
        Map<String, String> inbox = new ConcurrentHashMap<>(); // stands in for your SMS or email provider
        AuthFacade auth = AuthFacade.builder()
                .settings(AuthSettings.builder()
                        .hashSecret(hashSecret)
                        .signingKey(JwtKey.generateEs256("k1"))
                        .build())
                .stores(stores)
                .otpSender(message -> inbox.put(message.destination().value(), message.code()))
                .build();

        OtpDispatch dispatch = auth.sendOtp("acme", "Ada@Example.com");
        LoginResult login = auth.verifyOtp(
                "acme",
                "ada@example.com",
                dispatch.challengeId(),
                Objects.requireNonNull(inbox.get("ada@example.com"), "no code was sent"));
        AuthPrincipal caller = auth.authenticate("Bearer " + login.tokens().accessToken());
        System.out.println("signed in " + caller.email() + " as " + caller.role() + ", new user: " + login.newUser());

        LoginResult refreshed = auth.refresh(login.tokens().refreshToken());
        System.out.println("refreshed session " + refreshed.session().id());
        auth.signOut(refreshed.tokens().accessToken(), SignOutScope.GLOBAL);
        System.out.println("signed out; session still live: "
                + isLive(auth, refreshed.tokens().accessToken()));
    }

    private static boolean isLive(AuthFacade auth, String accessToken) {
        try {
            auth.session(accessToken);
            return true;
        } catch (dev.latchkey.auth.AuthException e) {
            return false;
        }
    }
}
