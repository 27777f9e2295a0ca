package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** One setting's reading, checking and quoting, independent of which setting it is. */
class SettingTest {

    /** A plain text setting whose rule refuses the text {@code bad...}. */
    private static Setting<String> text(boolean secret, boolean required, String defaultValue) {
        return new Setting<>(
                "EXAMPLE",
                "example",
                secret,
                required,
                defaultValue,
                "`x`",
                "some text",
                raw -> {
                    if (raw.startsWith("unparsable")) {
                        throw new Setting.InvalidValue("is not text");
                    }
                    return raw;
                },
                value -> value.startsWith("bad") ? Optional.of("is bad") : Optional.empty(),
                Function.identity());
    }

    @Test
    void theRequiredDefaultIsTheDefaultOrAnErrorNamingTheVariable() {
        assertThat(text(false, true, "fallback").requiredDefault()).isEqualTo("fallback");
        assertThatThrownBy(() -> text(false, false, null).requiredDefault())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("EXAMPLE has no default");
    }

    @Test
    void anUnsetOrBlankVariableReadsAsNothingAndAValueIsTrimmed() {
        Setting<String> setting = text(false, true, null);
        assertThat(setting.read(Map.of())).isEmpty();
        assertThat(setting.read(Map.of("EXAMPLE", "   "))).isEmpty();
        assertThat(setting.read(Map.of("EXAMPLE", "  value \t"))).contains("value");
        assertThat(setting.read(Map.of("OTHER", "value"))).isEmpty();
    }

    @Test
    void aMissingRequiredValueIsNotSetAndAMissingOptionalOneIsFine() {
        assertThatThrownBy(() -> text(false, true, null).validate(null))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.setting()).isEqualTo("EXAMPLE");
                    assertThat(e.problem()).isEqualTo("is not set");
                    assertThat(e.expected()).isEqualTo("some text");
                });
        text(false, false, null).validate(null);
        text(false, false, null).validate("good");
    }

    @Test
    void aValueTheRuleRefusesIsQuotedWithTheProblem() {
        assertThatThrownBy(() -> text(false, false, null).parse("bad value"))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problem())
                        .isEqualTo("bad value is bad"));
    }

    @Test
    void textOfTheWrongFormIsQuotedWithTheParsersProblemAndKeepsItAsTheCause() {
        assertThatThrownBy(() -> text(false, false, null).parse("unparsable!"))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problem()).isEqualTo("unparsable! is not text");
                    assertThat(e.getCause()).isInstanceOf(Setting.InvalidValue.class);
                    assertThat(((Setting.InvalidValue) e.getCause()).problem()).isEqualTo("is not text");
                });
    }

    @Test
    void aSecretIsNeverQuotedNeitherWhenUnparsableNorWhenRefused() {
        assertThatThrownBy(() -> text(true, false, null).parse("unparsable-secret"))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problem())
                        .isEqualTo("the value is not text"))
                .hasMessageNotContaining("unparsable-secret");
        assertThatThrownBy(() -> text(true, false, null).parse("bad-secret"))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problem())
                        .isEqualTo("the value is bad"))
                .hasMessageNotContaining("bad-secret");
    }

    @Test
    void controlCharactersAreQuotedAsQuestionMarks() {
        assertThatThrownBy(() -> text(false, false, null).parse("bad\u0007\nline"))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problem())
                        .isEqualTo("bad??line is bad"));
    }

    @Test
    void aQuotationIsShortenedPastFortyCharactersOnly() {
        String forty = "bad" + "x".repeat(37);
        assertThatThrownBy(() -> text(false, false, null).parse(forty))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problem())
                        .isEqualTo(forty + " is bad"));
        assertThatThrownBy(() -> text(false, false, null).parse(forty + "y"))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problem())
                        .isEqualTo(forty + "… is bad"));
    }

    @Test
    void aValueThatFormatsBlankIsQuotedAsTheValue() {
        Setting<Duration> setting = new Setting<>(
                "EXAMPLE",
                "example",
                false,
                false,
                null,
                "none",
                "a duration",
                Duration::parse,
                value -> Optional.of("is refused"),
                value -> " ");
        assertThatThrownBy(() -> setting.validate(Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problem())
                        .isEqualTo("the value is refused"));
    }
}
