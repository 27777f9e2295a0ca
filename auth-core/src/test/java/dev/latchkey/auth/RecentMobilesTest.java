package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The memory of recently accepted mobile numbers changes no answer and stays bounded. */
class RecentMobilesTest {
    @Test
    void aRememberedNumberGetsTheSameAnswerAsAFreshParse() {
        Inputs remembering = new Inputs(Set.of(), null);
        Destination first = remembering.mobile("+44 7911 123456");
        Destination again = remembering.mobile("+44 7911 123456");
        Destination fresh = new Inputs(Set.of(), null).mobile("+44 7911 123456");

        assertThat(again).isEqualTo(first).isEqualTo(fresh);
        assertThat(again.value()).isEqualTo("+447911123456");
        assertThat(remembering.rememberedMobiles()).isEqualTo(1);
    }

    @Test
    void aRefusedNumberIsNotRememberedAndIsRefusedAgain() {
        Inputs inputs = new Inputs(Set.of(), null);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> inputs.mobile("+18005550123"))
                    .isInstanceOf(AuthException.class)
                    .hasMessage("only mobile numbers are accepted");
        }
        assertThat(inputs.rememberedMobiles()).isZero();
    }

    @Test
    void eachInstanceRemembersUnderItsOwnSettings() {
        Inputs anyRegion = new Inputs(Set.of(), null);
        Inputs onlyGermany = new Inputs(Set.of("DE"), null);
        anyRegion.mobile("+44 7911 123456");

        assertThatThrownBy(() -> onlyGermany.mobile("+44 7911 123456"))
                .isInstanceOf(AuthException.class)
                .hasMessage("mobile numbers from this country are not accepted");
    }

    @Test
    void theMemoryIsDroppedWhenFullSoItNeverGrowsPastItsBound() {
        Inputs inputs = new Inputs(Set.of(), null);
        for (int i = 0; i < Inputs.RECENT_MOBILES; i++) {
            inputs.mobile("+447911" + (100_000 + i));
        }
        assertThat(inputs.rememberedMobiles()).isEqualTo(Inputs.RECENT_MOBILES);

        Destination next = inputs.mobile("+447911" + (100_000 + Inputs.RECENT_MOBILES));

        assertThat(next.value()).isEqualTo("+447911" + (100_000 + Inputs.RECENT_MOBILES));
        assertThat(inputs.rememberedMobiles()).isEqualTo(1);
    }
}
