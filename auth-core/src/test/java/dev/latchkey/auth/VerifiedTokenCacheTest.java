package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The verified-token cache may only ever skip work, never widen what is accepted: it answers for exactly the token
 * that was verified (not one sharing its slot, not a prefix or an extension of it), never past that token's expiry
 * plus the leeway, and it stays within its size.
 */
class VerifiedTokenCacheTest {
    private static final Instant NOW = TestKeys.T0;
    private static final long T = NOW.getEpochSecond();
    private static final long SKEW = 30;
    private static final String TOKEN = token(new Random(7));

    @Test
    void theCachedPrincipalIsServedForExactlyTheVerifiedToken() {
        VerifiedTokenCache cache = new VerifiedTokenCache(16);
        AuthPrincipal principal = principal(T + 300);
        cache.put(TOKEN, principal);

        assertThat(cache.get(TOKEN, T, SKEW)).isSameAs(principal);
        assertThat(cache.get(new String(TOKEN.toCharArray()), T, SKEW))
                .as("an equal token, not the same String object")
                .isSameAs(principal);
    }

    @Test
    void aTokenNeverPutIsAMiss() {
        VerifiedTokenCache cache = new VerifiedTokenCache(16);

        assertThat(cache.get(TOKEN, T, SKEW)).isNull();
    }

    @Test
    void anEntryIsServedUntilExpiryPlusLeewayAndNeverFromThatSecondOn() {
        VerifiedTokenCache cache = new VerifiedTokenCache(16);
        long exp = T + 300;
        AuthPrincipal principal = principal(exp);
        cache.put(TOKEN, principal);

        assertThat(cache.get(TOKEN, exp + SKEW - 1, SKEW)).isSameAs(principal);
        assertThat(cache.get(TOKEN, exp + SKEW, SKEW)).isNull();
        assertThat(cache.get(TOKEN, exp + SKEW + 1, SKEW)).isNull();
        // Without leeway the expiry second itself is already too late.
        assertThat(cache.get(TOKEN, exp - 1, 0)).isSameAs(principal);
        assertThat(cache.get(TOKEN, exp, 0)).isNull();
    }

    @Test
    void anotherTokenOfTheSameLengthSharingTheSlotIsAMiss() {
        // Two slots: about half of the one-character changes below land in the verified token's slot.
        VerifiedTokenCache cache = new VerifiedTokenCache(2);
        cache.put(TOKEN, principal(T + 300));
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

        for (int at : new int[] {0, TOKEN.length() / 2, TOKEN.length() - 1}) {
            for (char c : alphabet.toCharArray()) {
                String other = TOKEN.substring(0, at) + c + TOKEN.substring(at + 1);
                if (!other.equals(TOKEN)) {
                    assertThat(cache.get(other, T, SKEW)).as(other).isNull();
                }
            }
        }
        assertThat(cache.get(TOKEN, T, SKEW)).isNotNull();
    }

    @Test
    void tokensEndingAlikeShareASlotAndAreStillTold() {
        // The slot comes from the last characters, so these two tokens always share one.
        String a = "Aa" + TOKEN;
        String b = "BB" + TOKEN;
        VerifiedTokenCache cache = new VerifiedTokenCache(4096);
        AuthPrincipal principal = principal(T + 300);
        cache.put(a, principal);

        assertThat(cache.get(b, T, SKEW)).isNull();
        assertThat(cache.get(a, T, SKEW)).isSameAs(principal);
    }

    @Test
    void aCharacterBeyondLatinOneIsNeverReadAsItsLowByte() {
        VerifiedTokenCache cache = new VerifiedTokenCache(2);
        AuthPrincipal principal = principal(T + 300);
        cache.put(TOKEN, principal);

        for (int at : new int[] {0, TOKEN.length() / 2, TOKEN.length() - 1}) {
            char wide = (char) (TOKEN.charAt(at) + 0x100);
            String other = TOKEN.substring(0, at) + wide + TOKEN.substring(at + 1);
            assertThat(cache.get(other, T, SKEW))
                    .as("U+%04X at %d", (int) wide, at)
                    .isNull();
        }
        assertThat(cache.get(TOKEN, T, SKEW)).isSameAs(principal);
    }

    @Test
    void aPrefixOrAnExtensionOfTheVerifiedTokenIsAMiss() {
        VerifiedTokenCache cache = new VerifiedTokenCache(2);
        cache.put(TOKEN, principal(T + 300));
        List<String> others = new ArrayList<>();
        for (int length = 1; length < TOKEN.length(); length++) {
            others.add(TOKEN.substring(0, length));
        }
        for (char c = '-'; c <= 'z'; c++) {
            others.add(TOKEN + c);
            others.add(TOKEN + "." + c);
        }

        for (String other : others) {
            assertThat(cache.get(other, T, SKEW)).as(other).isNull();
        }
    }

    @Test
    void aNewerTokenInTheSameSlotReplacesTheOlder() {
        VerifiedTokenCache cache = new VerifiedTokenCache(4096);
        String a = "Aa" + TOKEN;
        String b = "BB" + TOKEN;
        AuthPrincipal first = principal(T + 300);
        AuthPrincipal second = principal(T + 600);
        cache.put(a, first);
        cache.put(b, second);

        assertThat(cache.get(a, T, SKEW)).isNull();
        assertThat(cache.get(b, T, SKEW)).isSameAs(second);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 5, 64, 100})
    void aFilledCacheHoldsAtLeastItsCapacityAndAtMostTheNextPowerOfTwo(int capacity) {
        VerifiedTokenCache cache = new VerifiedTokenCache(capacity);
        Random random = new Random(capacity);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 40 * capacity + 40; i++) {
            String token = token(random);
            tokens.add(token);
            cache.put(token, principal(T + 300));
        }

        long held = tokens.stream().filter(t -> cache.get(t, T, SKEW) != null).count();

        int slots = Integer.highestOneBit(Math.max(2, capacity));
        slots = slots < Math.max(2, capacity) ? slots * 2 : slots;
        assertThat(held).isBetween((long) capacity, (long) slots);
        assertThat(held).as("every slot filled").isEqualTo(slots);
    }

    // ------------------------------------------------------------------ through AccessTokens

    @Test
    void aRepeatedTokenIsVerifiedOnceAndThenServedFromTheCache() {
        AccessTokens cached = tokens(4096);
        String token = cached.issue(user(), "s", NOW).token();

        AuthPrincipal first = cached.verify(token, NOW);

        assertThat(cached.verify(token, NOW.plusSeconds(60))).isSameAs(first);
    }

    @Test
    void withTheCacheOffEveryPresentationIsVerifiedAgain() {
        AccessTokens uncached = tokens(0);
        String token = uncached.issue(user(), "s", NOW).token();

        AuthPrincipal first = uncached.verify(token, NOW);
        AuthPrincipal second = uncached.verify(token, NOW);

        assertThat(second).isEqualTo(first).isNotSameAs(first);
    }

    @Test
    void aCachedTokenExpiresOnTheClockLikeAnUncachedOne() {
        AccessTokens cached = tokens(4096);
        String token = cached.issue(user(), "s", NOW).token();
        Instant exp = NOW.plus(Duration.ofMinutes(15));
        MovableClock clock = new MovableClock(NOW);
        AuthPrincipal first = cached.verify(token, clock.instant());

        clock.advance(Duration.ofMinutes(15).plusSeconds(SKEW - 1));
        assertThat(cached.verify(token, clock.instant())).isSameAs(first);
        clock.advance(Duration.ofSeconds(1));
        assertThat(clock.instant()).isEqualTo(exp.plusSeconds(SKEW));
        assertInvalid(() -> cached.verify(token, clock.instant()));
        // Still refused afterwards: the expired entry was not put back.
        assertInvalid(() -> cached.verify(token, clock.instant()));
    }

    // ------------------------------------------------------------------ helpers

    private static AccessTokens tokens(int cacheSize) {
        return new AccessTokens(
                TestKeys.settings(TestKeys.hs256("hs-1"))
                        .tokenCacheSize(cacheSize)
                        .build(),
                new SecureRandom());
    }

    private static User user() {
        return TestKeys.ada(Set.of("a:read"));
    }

    private static AuthPrincipal principal(long expiresAtEpochSecond) {
        return new AuthPrincipal(
                UUID.fromString("7d1c9a0e-5f0b-4f4e-9a55-2f0c1d2e3f40"),
                "acme",
                null,
                "member",
                Set.of(),
                "sess-1",
                "jti-1",
                Instant.ofEpochSecond(T),
                Instant.ofEpochSecond(expiresAtEpochSecond));
    }

    /** A token-shaped string: three base64url segments. */
    private static String token(Random random) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        byte[] header = new byte[30];
        byte[] payload = new byte[90];
        byte[] signature = new byte[32];
        random.nextBytes(header);
        random.nextBytes(payload);
        random.nextBytes(signature);
        return b64.encodeToString(header) + "." + b64.encodeToString(payload) + "." + b64.encodeToString(signature);
    }

    private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call)
                .isExactlyInstanceOf(AuthException.class)
                .satisfies(e -> assertThat(((AuthException) e).errorCode()).isEqualTo(ErrorCode.INVALID_TOKEN));
    }
}
