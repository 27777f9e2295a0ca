package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.spi.NewUser;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Finding, updating and disabling users through the facade, and who a first login creates. */
class UserAdministrationTest {
    private static final String TENANT = "acme";
    private static final String EMAIL = "ada@example.com";

    private final FacadeFixture fixture = new FacadeFixture();
    private final AuthFacade auth = facade(UnaryOperator.identity());

    private AuthFacade facade(UnaryOperator<NewUser> customizer) {
        return fixture.builder(TestKeys.settings(TestKeys.hs256("k1")))
                .newUserCustomizer(customizer)
                .build();
    }

    private LoginResult login(AuthFacade facade, String destination) {
        OtpDispatch dispatch = facade.sendOtp(TENANT, destination);
        fixture.clock.advance(Duration.ofMinutes(1));
        return facade.verifyOtp(TENANT, destination, dispatch.challengeId(), fixture.lastCode());
    }

    @Test
    void anUpdateIsNormalisedLikeALoginDestinationAndStampedWithTheClock() {
        User user = login(auth, EMAIL).user();
        fixture.clock.advance(Duration.ofMinutes(5));
        User updated = auth.updateUser(user.withProfile(
                        " Ada@Example.COM ", "+1 (415) 555-0123", "Ada Lovelace", "admin", Set.of("reports:read")))
                .orElseThrow();
        assertThat(updated.email()).isEqualTo("ada@example.com");
        assertThat(updated.mobile()).isEqualTo("+14155550123");
        assertThat(updated.name()).isEqualTo("Ada Lovelace");
        assertThat(updated.role()).isEqualTo("admin");
        assertThat(updated.permissions()).containsExactly("reports:read");
        assertThat(updated.updatedAt()).isEqualTo(fixture.clock.instant());
        assertThat(auth.findUser("ACME", user.id())).contains(updated);
    }

    @Test
    void anUpdateMayClearTheOptionalFields() {
        User user = login(auth, EMAIL).user();
        User withName = auth.updateUser(user.withProfile(EMAIL, "+14155550123", "Ada", "member", Set.of()))
                .orElseThrow();
        User cleared = auth.updateUser(withName.withProfile(EMAIL, null, null, "member", Set.of()))
                .orElseThrow();
        assertThat(cleared.mobile()).isNull();
        assertThat(cleared.name()).isNull();
    }

    @Test
    void anUpdateRefusesInvalidFieldsBeforeTheStoreSeesThem() {
        User user = login(auth, EMAIL).user();
        List<User> invalid = List.of(
                user.withProfile("not-an-email@", null, null, "member", Set.of()),
                user.withProfile(EMAIL, "+19005550123", null, "member", Set.of()),
                user.withProfile(EMAIL, null, "n".repeat(201), "member", Set.of()),
                user.withProfile(EMAIL, null, "Ada\u0000", "member", Set.of()),
                user.withProfile(EMAIL, null, null, "r".repeat(65), Set.of()),
                user.withProfile(EMAIL, null, null, " ", Set.of()),
                user.withProfile(EMAIL, null, null, "member", Set.of("p".repeat(129))),
                user.withProfile(EMAIL, null, null, "member", Set.of("reports:read", "")));
        for (User bad : invalid) {
            assertThat(Attempts.catchAuth(() -> auth.updateUser(bad)).errorCode())
                    .isEqualTo(ErrorCode.INVALID_REQUEST);
        }
        assertThat(auth.findUser(TENANT, user.id())).contains(user);
        // The longest accepted values pass.
        assertThat(auth.updateUser(
                        user.withProfile(EMAIL, null, "n".repeat(200), "r".repeat(64), Set.of("p".repeat(128)))))
                .isPresent();
    }

    @Test
    void updatingAUserNobodyHasChangesNothing() {
        User stranger = new User(
                UUID.randomUUID(),
                TENANT,
                "bob@example.com",
                null,
                null,
                "member",
                Set.of(),
                true,
                null,
                fixture.clock.instant(),
                fixture.clock.instant());
        assertThat(auth.updateUser(stranger)).isEmpty();
        assertThat(fixture.events).noneMatch(e -> e instanceof AuthEvent.UserDisabled);
    }

    @Test
    void deactivatingAUserByUpdateEndsTheirSessionsAndSaysHowMany() {
        LoginResult first = login(auth, EMAIL);
        login(auth, EMAIL);
        User user = first.user();
        assertThat(auth.listSessions(TENANT, user.id())).hasSize(2);

        assertThat(auth.updateUser(user.withActive(false)).orElseThrow().active())
                .isFalse();
        assertThat(auth.listSessions(TENANT, user.id())).isEmpty();
        assertThat(fixture.events)
                .filteredOn(e -> e instanceof AuthEvent.UserDisabled)
                .singleElement()
                .isEqualTo(new AuthEvent.UserDisabled(fixture.clock.instant(), TENANT, user.id(), 2));
        assertThat(Attempts.catchAuth(() -> auth.refresh(first.tokens().refreshToken()))
                        .errorCode())
                .isEqualTo(ErrorCode.INVALID_TOKEN);
    }

    @Test
    void anUpdateThatKeepsTheUserActiveEndsNoSession() {
        LoginResult login = login(auth, EMAIL);
        auth.updateUser(login.user().withProfile(EMAIL, null, "Ada", "admin", Set.of()));
        assertThat(auth.listSessions(TENANT, login.user().id())).hasSize(1);
        assertThat(fixture.events).noneMatch(e -> e instanceof AuthEvent.UserDisabled);
    }

    @Test
    void disablingEndsTheSessionsOnlyOfAUserWhoExists() {
        LoginResult login = login(auth, EMAIL);
        assertThat(auth.disableUser(TENANT, UUID.randomUUID())).isFalse();
        assertThat(fixture.events).noneMatch(e -> e instanceof AuthEvent.UserDisabled);
        assertThat(auth.listSessions(TENANT, login.user().id())).hasSize(1);

        assertThat(auth.disableUser("Acme", login.user().id())).isTrue();
        assertThat(auth.findUser(TENANT, login.user().id()).orElseThrow().active())
                .isFalse();
        assertThat(fixture.events)
                .filteredOn(e -> e instanceof AuthEvent.UserDisabled)
                .singleElement()
                .isEqualTo(new AuthEvent.UserDisabled(
                        fixture.clock.instant(), TENANT, login.user().id(), 1));
    }

    @Test
    void aDisabledUserCannotLogInAndNothingIsRecordedForThem() {
        User user = login(auth, EMAIL).user();
        auth.disableUser(TENANT, user.id());
        User disabled = auth.findUser(TENANT, user.id()).orElseThrow();

        assertThat(Attempts.catchAuth(() -> login(auth, EMAIL)).errorCode()).isEqualTo(ErrorCode.USER_DISABLED);
        assertThat(auth.findUser(TENANT, user.id())).contains(disabled);
        assertThat(auth.listSessions(TENANT, user.id())).isEmpty();
    }

    @Test
    void aUserIsCreatedAndAnnouncedOnlyAtTheirFirstLogin() {
        LoginResult first = login(auth, EMAIL);
        LoginResult second = login(auth, EMAIL);
        assertThat(first.newUser()).isTrue();
        assertThat(second.newUser()).isFalse();
        assertThat(second.user().id()).isEqualTo(first.user().id());
        assertThat(fixture.events)
                .filteredOn(e -> e instanceof AuthEvent.UserCreated)
                .singleElement()
                .satisfies(e -> assertThat(((AuthEvent.UserCreated) e).userId())
                        .isEqualTo(first.user().id()));
    }

    @Test
    void aFirstLoginByMobileCreatesAUserWithOnlyThatMobile() {
        User user = login(auth, "+14155550123").user();
        assertThat(user.mobile()).isEqualTo("+14155550123");
        assertThat(user.email()).isNull();
        assertThat(user.role()).isEqualTo("member");
        assertThat(user.lastLoginAt()).isEqualTo(fixture.clock.instant());
    }

    @Test
    void theCustomizerMayNotChangeTheTenantOrTheIdentifiers() {
        List<UnaryOperator<NewUser>> overreaching = List.of(
                draft -> new NewUser(draft.id(), "globex", draft.email(), draft.mobile(), null, "admin", Set.of()),
                draft -> new NewUser(draft.id(), draft.tenantId(), "eve@example.com", null, null, "admin", Set.of()),
                draft -> new NewUser(
                        draft.id(), draft.tenantId(), draft.email(), "+14155550123", null, "admin", Set.of()));
        for (UnaryOperator<NewUser> customizer : overreaching) {
            AuthFacade customised = facade(customizer);
            assertThatThrownBy(() -> login(customised, EMAIL))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("newUserCustomizer");
        }
        assertThatThrownBy(() -> login(facade(draft -> null), EMAIL))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("newUserCustomizer");
        assertThat(fixture.stores.users().findByEmail(TENANT, EMAIL)).isEmpty();
    }
}
