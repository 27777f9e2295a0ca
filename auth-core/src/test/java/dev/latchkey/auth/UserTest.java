package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UserTest {
    private static final UUID ID = UUID.fromString("00000000-0000-4000-8000-000000000001");
    private static final Instant CREATED = TestKeys.T0;
    private static final Instant UPDATED = CREATED.plusSeconds(60);
    private static final Instant LAST_LOGIN = CREATED.plusSeconds(120);
    private static final Instant VERIFIED = CREATED.plusSeconds(30);

    private static User ada() {
        return new User(
                ID,
                "acme",
                "ada@example.com",
                "+14155550123",
                "Ada",
                "member",
                Set.of("reports:read"),
                true,
                LAST_LOGIN,
                CREATED,
                UPDATED,
                VERIFIED);
    }

    @Test
    void aUserNeedsAnEmailOrAMobileNumber() {
        assertThatThrownBy(
                        () -> new User(ID, "acme", null, null, null, "member", Set.of(), true, null, CREATED, UPDATED))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("email or a mobile");
        assertThat(new User(ID, "acme", null, "+14155550123", null, "member", Set.of(), true, null, CREATED, UPDATED)
                        .mobileNumber())
                .contains("+14155550123");
        assertThat(new User(ID, "acme", "ada@example.com", null, null, "member", Set.of(), true, null, CREATED, UPDATED)
                        .emailAddress())
                .contains("ada@example.com");
    }

    @Test
    void theConstructorOfTheFirstReleaseMakesAUserWhoseEmailIsNotVerified() {
        User user =
                new User(ID, "acme", "ada@example.com", null, null, "member", Set.of(), true, null, CREATED, UPDATED);
        assertThat(user.emailVerifiedAt()).isNull();
        assertThat(user.emailVerified()).isFalse();
    }

    @Test
    void aUserWithoutAnEmailCannotHaveAVerifiedOne() {
        User user = new User(
                ID, "acme", null, "+14155550123", null, "member", Set.of(), true, null, CREATED, UPDATED, VERIFIED);
        assertThat(user.emailVerifiedAt()).isNull();
        assertThat(user.emailVerified()).isFalse();
    }

    @Test
    void aUserWithAVerificationTimeHasAVerifiedEmail() {
        assertThat(ada().emailVerified()).isTrue();
        assertThat(ada().emailVerifiedAt()).isEqualTo(VERIFIED);
    }

    @Test
    void permissionsAreAnImmutableCopyAndNullMeansNone() {
        Set<String> given = new HashSet<>(Set.of("reports:read"));
        User user = new User(ID, "acme", "ada@example.com", null, null, "member", given, true, null, CREATED, UPDATED);
        given.add("admin:all");
        assertThat(user.permissions()).containsExactly("reports:read");
        assertThatThrownBy(() -> user.permissions().add("x")).isInstanceOf(UnsupportedOperationException.class);

        User none = new User(ID, "acme", "ada@example.com", null, null, "member", null, true, null, CREATED, UPDATED);
        assertThat(none.permissions()).isEmpty();
        assertThat(none.hasPermission("reports:read")).isFalse();
    }

    @Test
    void optionalViewsAreEmptyExactlyWhenTheFieldIsMissing() {
        User full = ada();
        assertThat(full.emailAddress()).contains("ada@example.com");
        assertThat(full.mobileNumber()).contains("+14155550123");
        assertThat(full.displayName()).contains("Ada");
        assertThat(full.lastLogin()).contains(LAST_LOGIN);

        User sparse =
                new User(ID, "acme", "ada@example.com", null, null, "member", Set.of(), true, null, CREATED, UPDATED);
        assertThat(sparse.mobileNumber()).isEmpty();
        assertThat(sparse.displayName()).isEmpty();
        assertThat(sparse.lastLogin()).isEmpty();
        User mobileOnly =
                new User(ID, "acme", null, "+14155550123", null, "member", Set.of(), true, null, CREATED, UPDATED);
        assertThat(mobileOnly.emailAddress()).isEmpty();
    }

    @Test
    void rolesAndPermissionsAreMatchedExactly() {
        User user = ada();
        assertThat(user.hasRole("member")).isTrue();
        assertThat(user.hasRole("admin")).isFalse();
        assertThat(user.hasRole("Member")).isFalse();
        assertThat(user.hasPermission("reports:read")).isTrue();
        assertThat(user.hasPermission("reports:write")).isFalse();
    }

    @Test
    void aProfileChangeKeepsIdentityTimesAndActivityAndTheVerificationOfAnUnchangedEmail() {
        User changed = ada().withProfile("ada@example.com", null, "Ada L.", "admin", Set.of("users:manage"));
        assertThat(changed.id()).isEqualTo(ID);
        assertThat(changed.tenantId()).isEqualTo("acme");
        assertThat(changed.email()).isEqualTo("ada@example.com");
        assertThat(changed.mobile()).isNull();
        assertThat(changed.name()).isEqualTo("Ada L.");
        assertThat(changed.role()).isEqualTo("admin");
        assertThat(changed.permissions()).containsExactly("users:manage");
        assertThat(changed.active()).isTrue();
        assertThat(changed.lastLoginAt()).isEqualTo(LAST_LOGIN);
        assertThat(changed.createdAt()).isEqualTo(CREATED);
        assertThat(changed.updatedAt()).isEqualTo(UPDATED);
        assertThat(changed.emailVerifiedAt()).isEqualTo(VERIFIED);
    }

    @Test
    void aChangedEmailIsNoLongerVerified() {
        User changed = ada().withProfile("ada@example.org", "+14155550123", "Ada", "member", Set.of());
        assertThat(changed.email()).isEqualTo("ada@example.org");
        assertThat(changed.emailVerified()).isFalse();
        assertThat(changed.emailVerifiedAt()).isNull();
    }

    @Test
    void withLastLoginAtChangesOnlyTheLastLogin() {
        Instant later = LAST_LOGIN.plusSeconds(3600);
        User user = ada().withLastLoginAt(later);
        assertThat(user.lastLoginAt()).isEqualTo(later);
        assertThat(user)
                .isEqualTo(new User(
                        ID,
                        "acme",
                        "ada@example.com",
                        "+14155550123",
                        "Ada",
                        "member",
                        Set.of("reports:read"),
                        true,
                        later,
                        CREATED,
                        UPDATED,
                        VERIFIED));
    }

    @Test
    void withActiveChangesOnlyTheActiveFlag() {
        User disabled = ada().withActive(false);
        assertThat(disabled.active()).isFalse();
        assertThat(disabled.withActive(true)).isEqualTo(ada());
        assertThat(disabled)
                .isEqualTo(new User(
                        ID,
                        "acme",
                        "ada@example.com",
                        "+14155550123",
                        "Ada",
                        "member",
                        Set.of("reports:read"),
                        false,
                        LAST_LOGIN,
                        CREATED,
                        UPDATED,
                        VERIFIED));
    }

    @Test
    void withEmailVerifiedAtSetsOrClearsTheVerificationOnly() {
        Instant now = VERIFIED.plusSeconds(600);
        User reverified = ada().withEmailVerifiedAt(now);
        assertThat(reverified.emailVerifiedAt()).isEqualTo(now);
        assertThat(reverified.withEmailVerifiedAt(VERIFIED)).isEqualTo(ada());
        assertThat(ada().withEmailVerifiedAt(null).emailVerified()).isFalse();
    }

    @Test
    void toStringMasksTheAddressesAndShowsRoleAccessAndVerification() {
        String printed = ada().toString();
        assertThat(printed)
                .isEqualTo("User[id=" + ID + ", tenantId=acme, email=a***@example.com, mobile=+1******0123,"
                        + " role=member, permissions=[reports:read], active=true, emailVerified=true]")
                .doesNotContain("ada@example.com")
                .doesNotContain("+14155550123")
                .doesNotContain("Ada");
        assertThat(ada().withActive(false).withEmailVerifiedAt(null).toString())
                .contains("active=false")
                .contains("emailVerified=false");
        User mobileOnly =
                new User(ID, "acme", null, "+14155550123", null, "member", Set.of(), true, null, CREATED, UPDATED);
        assertThat(mobileOnly.toString()).contains("email=null,").contains("mobile=+1******0123,");
    }
}
