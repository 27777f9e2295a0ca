package dev.latchkey.auth.store.memory.quickstart;

import dev.latchkey.auth.AuthFacade;
import dev.latchkey.auth.AuthPrincipal;
import dev.latchkey.auth.AuthSettings;
import dev.latchkey.auth.JwtKey;
import dev.latchkey.auth.LoginResult;
import dev.latchkey.auth.OtpDispatch;
import dev.latchkey.auth.SignOutScope;
import dev.latchkey.auth.store.memory.MemoryStores;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

public class Quickstart {
    public static void main(String[] args) {
        byte[] hashSecret = new byte[32]; // in production: OTP_HASH_SECRET, the same on every instance
        new SecureRandom().nextBytes(hashSecret);
        List<String> outbox = new ArrayList<>(); // stands in for your SMS or email provider

        AuthFacade auth = AuthFacade.builder()
                .settings(AuthSettings.builder()
                        .hashSecret(hashSecret)
                        .signingKey(JwtKey.generateEs256("k1")) // or JwtKey.hs256 / fromJwk
                        .build()) // in production: AuthSettings.fromEnv(System.getenv())
                .stores(MemoryStores.create()) // or PostgresStores / RedisStores: one line changes
                .otpSender(message -> outbox.add(message.code())) // your provider sends message.code()
                .build();

        OtpDispatch sent = auth.sendOtp("acme", "ada@example.com", "203.0.113.7"); // tenant, address, client IP
        String code = outbox.get(0); // what the user types in
        LoginResult login = auth.verifyOtp("acme", "ada@example.com", sent.challengeId(), code, "203.0.113.7");

        AuthPrincipal caller = auth.authenticate("Bearer " + login.tokens().accessToken()); // the route guard
        caller.requireRole("member");
        LoginResult next = auth.refresh(login.tokens().refreshToken()); // rotates the refresh token
        auth.signOut(next.tokens().accessToken(), SignOutScope.LOCAL);
        System.out.println(caller.email() + " signed in and out; sessions left: "
                + auth.listSessions("acme", login.user().id()).size());
    }
}
