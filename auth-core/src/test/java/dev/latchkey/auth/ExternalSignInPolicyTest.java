package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.spi.ExternalIdentity;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The linking policy of {@link AuthFacade#signInWithExternalIdentity}, whatever the stores: who an external identity
 * signs in, and every pre-account-takeover path refused with its typed reason.
 */
class ExternalSignInPolicyTest {
    private static final String TENANT = "acme";
    private static final String ISSUER = "https://accounts.example.com";
    private static final String EMAIL = "ada@example.com";

    private final FacadeFixture fixture = new FacadeFixture();
    private final AuthFacade auth = facade(SignupMode.OPEN);

    @Test
    void firstSignInWithAVerifiedEmailCreatesTheUserAndLinksTheIdentity() {
        LoginResult login = auth.signInWithExternalIdentity(signIn("sub-1", EMAIL, true));

        assertThat(login.newUser()).isTrue();
        assertThat(login.user().email()).isEqualTo(EMAIL);
        assertThat(login.user().emailVerified())
                .as("only Latchkey's own proof (an email code) verifies a local email")
                .isFalse();
        assertThat(auth.session(login.tokens().accessToken()).user().id())
                .isEqualTo(login.user().id());
        assertThat(auth.listExternalIdentities(TENANT, login.user().id()))
                .extracting(ExternalIdentity::subject, ExternalIdentity::provider)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("sub-1", "google"));
        assertThat(fixture.events).anySatisfy(e -> assertThat(e)
                .isInstanceOfSatisfying(AuthEvent.ExternalIdentityLinked.class, linked -> assertThat(linked.reason())
                        .isEqualTo(AuthEvent.LinkReason.NEW_USER)));
    }

    @Test
    void aKnownIdentitySignsInItsUserEvenAfterItsEmailChangedAtTheProvider() {
        LoginResult first = auth.signInWithExternalIdentity(signIn("sub-1", EMAIL, true));

        LoginResult again = auth.signInWithExternalIdentity(signIn("sub-1", "other@example.com", false));

        assertThat(again.user().id()).isEqualTo(first.user().id());
        assertThat(again.newUser()).isFalse();
        assertThat(again.session().id()).isNotEqualTo(first.session().id());
        assertThat(auth.listExternalIdentities(TENANT, first.user().id()))
                .singleElement()
                .satisfies(i -> {
                    assertThat(i.email()).isEqualTo("other@example.com");
                    assertThat(i.emailVerified()).isFalse();
                });
    }

    @Test
    void theSameSubjectFromAnotherIssuerIsAnotherIdentity() {
        LoginResult first = auth.signInWithExternalIdentity(signIn("sub-1", EMAIL, true));

        assertRefused(
                () -> auth.signInWithExternalIdentity(
                        new ExternalSignIn(TENANT, "evil", "https://evil.example", "sub-1", EMAIL, true, false, null)),
                ErrorCode.ACCOUNT_LINK_REQUIRED);
        assertThat(auth.listExternalIdentities(TENANT, first.user().id())).hasSize(1);
    }

    @Test
    void anUnverifiedProviderEmailIsNeverLinkedToTheUserWhoOwnsIt() {
        User victim = otpLogin(EMAIL).user();

        assertRefused(
                () -> auth.signInWithExternalIdentity(signIn("attacker", EMAIL, false)),
                ErrorCode.ACCOUNT_LINK_REQUIRED);

        assertThat(auth.listExternalIdentities(TENANT, victim.id())).isEmpty();
        assertThat(fixture.events).anySatisfy(e -> assertThat(e).isInstanceOf(AuthEvent.ExternalSignInRefused.class));
    }

    @Test
    void aVerifiedProviderEmailIsNotLinkedToAUserWhoNeverProvedTheAddress() {
        // The account was created at first external sign-in of another provider: the address was never proven here.
        User owner = auth.signInWithExternalIdentity(
                        new ExternalSignIn(TENANT, "github", "https://gh.example", "gh-1", EMAIL, true, true, null))
                .user();

        assertRefused(
                () -> auth.signInWithExternalIdentity(signIn("sub-2", EMAIL, true)), ErrorCode.ACCOUNT_LINK_REQUIRED);
        assertThat(auth.listExternalIdentities(TENANT, owner.id())).hasSize(1);
    }

    @Test
    void aVerifiedEmailOnBothSidesLinksAutomatically() {
        User owner = otpLogin(EMAIL).user();
        assertThat(auth.findUser(TENANT, owner.id()).orElseThrow().emailVerified())
                .as("an email one-time code proves the address")
                .isTrue();

        LoginResult login = auth.signInWithExternalIdentity(signIn("sub-1", EMAIL, true));

        assertThat(login.user().id()).isEqualTo(owner.id());
        assertThat(login.newUser()).isFalse();
        assertThat(fixture.events).anySatisfy(e -> assertThat(e)
                .isInstanceOfSatisfying(AuthEvent.ExternalIdentityLinked.class, linked -> assertThat(linked.reason())
                        .isEqualTo(AuthEvent.LinkReason.VERIFIED_EMAIL)));
    }

    @Test
    void aProviderWhosePolicyForbidsLinkingByEmailIsNotLinkedEvenWhenBothSidesVerified() {
        otpLogin(EMAIL);

        assertRefused(
                () -> auth.signInWithExternalIdentity(
                        new ExternalSignIn(TENANT, "google", ISSUER, "sub-1", EMAIL, true, false, null)),
                ErrorCode.ACCOUNT_LINK_REQUIRED);
    }

    @Test
    void aChangedEmailIsNoLongerVerified() {
        User owner = otpLogin(EMAIL).user();
        auth.updateUser(owner.withProfile("new@example.com", null, null, owner.role(), owner.permissions()));
        auth.updateUser(auth.findUser(TENANT, owner.id())
                .orElseThrow()
                .withProfile(EMAIL, null, null, owner.role(), owner.permissions()));

        assertThat(auth.findUser(TENANT, owner.id()).orElseThrow().emailVerified())
                .isFalse();
        assertRefused(
                () -> auth.signInWithExternalIdentity(signIn("sub-1", EMAIL, true)), ErrorCode.ACCOUNT_LINK_REQUIRED);
    }

    @Test
    void anUnknownIdentityWithoutAVerifiedEmailCreatesNoUser() {
        assertRefused(
                () -> auth.signInWithExternalIdentity(signIn("sub-1", "new@example.com", false)),
                ErrorCode.EMAIL_NOT_VERIFIED);
        assertRefused(() -> auth.signInWithExternalIdentity(signIn("sub-2", null, true)), ErrorCode.EMAIL_NOT_VERIFIED);
        assertThat(fixture.stores.users().findByEmail(TENANT, "new@example.com"))
                .isEmpty();
    }

    @Test
    void aSignedInUserLinksAnIdentityWhateverItsEmail() {
        User user = otpLogin("+14155550123").user();

        LoginResult login = auth.signInWithExternalIdentity(
                new ExternalSignIn(TENANT, "google", ISSUER, "sub-1", "someone@example.com", false, true, user.id()));

        assertThat(login.user().id()).isEqualTo(user.id());
        assertThat(auth.signInWithExternalIdentity(signIn("sub-1", null, false))
                        .user()
                        .id())
                .isEqualTo(user.id());
    }

    @Test
    void linkingAnIdentityThatBelongsToAnotherUserIsAConflict() {
        User owner =
                auth.signInWithExternalIdentity(signIn("sub-1", EMAIL, true)).user();
        User other = otpLogin("+14155550123").user();

        assertRefused(
                () -> auth.signInWithExternalIdentity(
                        new ExternalSignIn(TENANT, "google", ISSUER, "sub-1", EMAIL, true, true, other.id())),
                ErrorCode.CONFLICT);
        assertThat(auth.listExternalIdentities(TENANT, owner.id())).hasSize(1);
        assertThat(auth.listExternalIdentities(TENANT, other.id())).isEmpty();
    }

    @Test
    void inviteOnlyRefusesUnknownIdentitiesButSignsInKnownOnes() {
        LoginResult known = auth.signInWithExternalIdentity(signIn("sub-1", EMAIL, true));
        AuthFacade inviteOnly = facade(SignupMode.INVITE_ONLY);

        assertRefused(
                () -> inviteOnly.signInWithExternalIdentity(signIn("sub-2", "new@example.com", true)),
                ErrorCode.SIGNUP_CLOSED);
        assertThat(inviteOnly
                        .signInWithExternalIdentity(signIn("sub-1", EMAIL, true))
                        .user()
                        .id())
                .isEqualTo(known.user().id());
    }

    @Test
    void aDisabledUserCannotSignInWithALinkedIdentity() {
        User user =
                auth.signInWithExternalIdentity(signIn("sub-1", EMAIL, true)).user();
        auth.disableUser(TENANT, user.id());

        assertRefused(() -> auth.signInWithExternalIdentity(signIn("sub-1", EMAIL, true)), ErrorCode.USER_DISABLED);
    }

    @Test
    void unlinkRemovesOnlyTheUsersOwnIdentity() {
        User user =
                auth.signInWithExternalIdentity(signIn("sub-1", EMAIL, true)).user();

        assertThat(auth.unlinkExternalIdentity(TENANT, UUID.randomUUID(), ISSUER, "sub-1"))
                .isFalse();
        assertThat(auth.unlinkExternalIdentity(TENANT, user.id(), ISSUER, "sub-1"))
                .isTrue();
        assertThat(auth.listExternalIdentities(TENANT, user.id())).isEmpty();
        assertThat(fixture.events)
                .anySatisfy(e -> assertThat(e).isInstanceOf(AuthEvent.ExternalIdentityUnlinked.class));
    }

    @Test
    void eventsAndValuesPrintTheEmailMasked() {
        assertRefused(
                () -> auth.signInWithExternalIdentity(signIn("sub-1", "secret.name@example.com", false)),
                ErrorCode.EMAIL_NOT_VERIFIED);
        assertThat(fixture.events).isNotEmpty().allSatisfy(e -> assertThat(e.toString())
                .doesNotContain("secret.name"));
        assertThat(signIn("s", "secret.name@example.com", true).toString()).doesNotContain("secret.name");
    }

    @Test
    void aFacadeWithoutAnIdentityStoreSaysWhatIsMissing() {
        AuthFacade without = AuthFacade.builder()
                .settings(settings(SignupMode.OPEN).build())
                .userDatabase(fixture.stores.users())
                .otpStore(fixture.stores.otp())
                .rateLimitStore(fixture.stores.rateLimits())
                .sessionStore(fixture.stores.sessions())
                .otpSender(fixture.sent::add)
                .build();
        assertThat(without.supportsExternalIdentities()).isFalse();
        assertThatThrownBy(() -> without.signInWithExternalIdentity(signIn("s", EMAIL, true)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ExternalIdentityStore");
    }

    private static ExternalSignIn signIn(String subject, String email, boolean verified) {
        return new ExternalSignIn(TENANT, "google", ISSUER, subject, email, verified, true, null);
    }

    private LoginResult otpLogin(String destination) {
        return fixture.login(auth, TENANT, destination);
    }

    private AuthFacade facade(SignupMode mode) {
        return fixture.builder(settings(mode)).build();
    }

    private static AuthSettings.Builder settings(SignupMode mode) {
        return AuthSettings.builder()
                .hashSecret(TestKeys.HASH_SECRET)
                .signingKey(JwtKey.generateEs256("k1"))
                .signupMode(mode);
    }

    private static void assertRefused(ThrowingCallable call, ErrorCode expected) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.errorCode())
                .isEqualTo(expected));
    }
}
