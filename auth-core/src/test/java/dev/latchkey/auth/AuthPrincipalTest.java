package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What a route guard relies on: required claims present, permissions immutable, role and permission checks exact. */
class AuthPrincipalTest {
    private static final UUID USER = UUID.fromString("7d1c9a0e-5f0b-4f4e-9a55-2f0c1d2e3f40");
    private static final Instant IAT = TestKeys.T0;
    private static final Instant EXP = IAT.plusSeconds(900);

    @Test
    void everyRequiredClaimMustBePresent() {
        assertNullRefused(
                "userId", () -> new AuthPrincipal(null, "acme", null, "member", Set.of(), "s", "j", IAT, EXP));
        assertNullRefused(
                "tenantId", () -> new AuthPrincipal(USER, null, null, "member", Set.of(), "s", "j", IAT, EXP));
        assertNullRefused("role", () -> new AuthPrincipal(USER, "acme", null, null, Set.of(), "s", "j", IAT, EXP));
        assertNullRefused(
                "sessionId", () -> new AuthPrincipal(USER, "acme", null, "member", Set.of(), null, "j", IAT, EXP));
        assertNullRefused(
                "tokenId", () -> new AuthPrincipal(USER, "acme", null, "member", Set.of(), "s", null, IAT, EXP));
        assertNullRefused(
                "issuedAt", () -> new AuthPrincipal(USER, "acme", null, "member", Set.of(), "s", "j", null, EXP));
        assertNullRefused(
                "expiresAt", () -> new AuthPrincipal(USER, "acme", null, "member", Set.of(), "s", "j", IAT, null));
    }

    @Test
    void permissionsAreAnImmutableCopyAndAbsentMeansNone() {
        Set<String> given = new HashSet<>(Set.of("a:read"));
        AuthPrincipal principal = principal("member", given);
        given.add("admin:everything");

        assertThat(principal.permissions()).containsExactly("a:read");
        assertThat(principal.hasPermission("admin:everything")).isFalse();
        assertThatThrownBy(() -> principal.permissions().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(principal("member", null).permissions()).isEmpty();
    }

    @Test
    void theEmailIsOptional() {
        AuthPrincipal withEmail =
                new AuthPrincipal(USER, "acme", "ada@example.com", "member", Set.of(), "s", "j", IAT, EXP);
        assertThat(withEmail.emailAddress()).contains("ada@example.com");
        assertThat(principal("member", Set.of()).emailAddress()).isEmpty();
    }

    @Test
    void roleChecksAreExact() {
        AuthPrincipal editor = principal("editor", Set.of());

        assertThat(editor.hasRole("editor")).isTrue();
        assertThat(editor.hasRole("Editor")).isFalse();
        assertThat(editor.hasRole("admin")).isFalse();
        assertThat(editor.hasAnyRole("admin", "editor")).isTrue();
        assertThat(editor.hasAnyRole("editor")).isTrue();
        assertThat(editor.hasAnyRole("admin", "owner")).isFalse();
        assertThat(editor.hasAnyRole()).isFalse();
    }

    @Test
    void requireRolePassesThePrincipalThroughOrIsForbidden() {
        AuthPrincipal editor = principal("editor", Set.of());

        assertThat(editor.requireRole("admin", "editor")).isSameAs(editor);
        assertForbidden(() -> editor.requireRole("admin"));
        assertForbidden(editor::requireRole);
    }

    @Test
    void requirePermissionNeedsEveryOneOfThem() {
        AuthPrincipal principal = principal("member", Set.of("a:read", "b:write"));

        assertThat(principal.requirePermission("a:read", "b:write")).isSameAs(principal);
        assertThat(principal.requirePermission()).isSameAs(principal);
        assertThat(principal.hasPermission("a:read")).isTrue();
        assertThat(principal.hasPermission("c:delete")).isFalse();
        assertForbidden(() -> principal.requirePermission("a:read", "c:delete"));
        assertForbidden(() -> principal.requirePermission("c:delete", "a:read"));
    }

    @Test
    void toStringMasksTheEmailAndShowsTheRest() {
        AuthPrincipal principal = new AuthPrincipal(
                USER, "acme", "ada@example.com", "member", Set.of("a:read"), "sess-1", "jti-1", IAT, EXP);

        assertThat(principal.toString())
                .startsWith("AuthPrincipal[")
                .contains(USER.toString(), "acme", "a***@example.com", "member", "a:read", "sess-1", EXP.toString())
                .doesNotContain("ada@");
    }

    private static AuthPrincipal principal(String role, Set<String> permissions) {
        return new AuthPrincipal(USER, "acme", null, role, permissions, "sess-1", "jti-1", IAT, EXP);
    }

    private static void assertNullRefused(String name, org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(NullPointerException.class).hasMessage(name);
    }

    private static void assertForbidden(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call)
                .isExactlyInstanceOf(AuthException.class)
                .satisfies(e -> assertThat(((AuthException) e).errorCode()).isEqualTo(ErrorCode.FORBIDDEN));
    }
}
