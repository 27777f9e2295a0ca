package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.spi.ExternalIdentity;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** External sign-ins at the edges: links to users that are gone or disabled, and what a sign-in records. */
class ExternalSignInEdgesTest {
    private static final String TENANT = "acme";
    private static final String ISSUER = "https://accounts.example.com";
    private static final String EMAIL = "ada@example.com";

    private final FacadeFixture fixture = new FacadeFixture();
    private final AuthFacade auth =
            fixture.builder(TestKeys.settings(TestKeys.hs256("k1"))).build();

    private static ExternalSignIn signIn(String subject, String email, boolean verified, UUID linkTo) {
        return new ExternalSignIn(TENANT, "google", ISSUER, subject, email, verified, true, linkTo);
    }

    private static ErrorCode refusal(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        return Attempts.catchAuth(call).errorCode();
    }

    @Test
    void aKnownIdentityWhoseUserNoLongerExistsSignsNobodyIn() {
        Instant now = fixture.clock.instant();
        fixture.stores
                .externalIdentities()
                .orElseThrow()
                .linkIfAbsent(new ExternalIdentity(
                        TENANT, "google", ISSUER, "sub-1", UUID.randomUUID(), EMAIL, true, now, now));
        assertThat(refusal(() -> auth.signInWithExternalIdentity(signIn("sub-1", EMAIL, true, null))))
                .isEqualTo(ErrorCode.USER_DISABLED);
        assertThat(fixture.events).anyMatch(e -> e instanceof AuthEvent.ExternalSignInRefused);
    }

    @Test
    void aSignInWithAKnownIdentityRecordsWhatTheProviderSentThisTime() {
        LoginResult first = auth.signInWithExternalIdentity(signIn("sub-1", EMAIL, true, null));
        fixture.clock.advance(Duration.ofHours(1));
        LoginResult again = auth.signInWithExternalIdentity(signIn("sub-1", "ada@new.example.com", false, null));
        assertThat(again.user().id()).isEqualTo(first.user().id());
        assertThat(again.newUser()).isFalse();
        assertThat(auth.listExternalIdentities(TENANT, first.user().id()))
                .singleElement()
                .satisfies(identity -> {
                    assertThat(identity.email()).isEqualTo("ada@new.example.com");
                    assertThat(identity.emailVerified()).isFalse();
                    assertThat(identity.lastSignInAt()).isEqualTo(fixture.clock.instant());
                    assertThat(identity.firstSignInAt()).isEqualTo(TestKeys.T0);
                });
    }

    @Test
    void aLinkToAUserWhoDoesNotExistIsAnInvalidRequest() {
        assertThat(refusal(() -> auth.signInWithExternalIdentity(signIn("sub-1", EMAIL, true, UUID.randomUUID()))))
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(fixture.stores.externalIdentities().orElseThrow().find(TENANT, ISSUER, "sub-1"))
                .isEmpty();
    }

    @Test
    void aLinkToADisabledUserIsRefusedAndLinksNothing() {
        LoginResult owner = auth.signInWithExternalIdentity(signIn("sub-1", EMAIL, true, null));
        auth.disableUser(TENANT, owner.user().id());
        assertThat(refusal(() -> auth.signInWithExternalIdentity(
                        signIn("sub-2", null, false, owner.user().id()))))
                .isEqualTo(ErrorCode.USER_DISABLED);
        assertThat(fixture.stores.externalIdentities().orElseThrow().find(TENANT, ISSUER, "sub-2"))
                .isEmpty();
    }

    @Test
    void aBlankOrMalformedProviderEmailCountsAsNone() {
        for (String email : new String[] {"   ", "not an address"}) {
            assertThat(refusal(() -> auth.signInWithExternalIdentity(signIn("sub-x", email, true, null))))
                    .isEqualTo(ErrorCode.EMAIL_NOT_VERIFIED);
        }
    }

    @Test
    void aFirstExternalSignInAnnouncesTheNewUserAndEverySignInRecordsItsTime() {
        LoginResult created = auth.signInWithExternalIdentity(signIn("sub-1", EMAIL, true, null));
        assertThat(fixture.events)
                .filteredOn(e -> e instanceof AuthEvent.UserCreated)
                .singleElement()
                .isEqualTo(new AuthEvent.UserCreated(
                        fixture.clock.instant(),
                        TENANT,
                        created.user().id(),
                        new Destination(Destination.Channel.EMAIL, EMAIL)));
        assertThat(auth.findUser(TENANT, created.user().id()).orElseThrow().lastLoginAt())
                .isEqualTo(fixture.clock.instant());

        fixture.clock.advance(Duration.ofHours(2));
        LoginResult again = auth.signInWithExternalIdentity(signIn("sub-1", EMAIL, true, null));
        assertThat(again.user().lastLoginAt()).isEqualTo(fixture.clock.instant());
        assertThat(auth.findUser(TENANT, created.user().id()).orElseThrow().lastLoginAt())
                .isEqualTo(fixture.clock.instant());
        assertThat(fixture.events)
                .filteredOn(e -> e instanceof AuthEvent.UserCreated)
                .hasSize(1);
    }
}
