package dev.latchkey.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SettingsCatalogTest {
    /** Where the configuration reference lives, relative to this module's directory (the tests' working directory). */
    private static final Path REFERENCE = Path.of("..", "docs", "configuration.md");
    /** The heading above the table; the first table after it is the one checked. */
    private static final String HEADING = "## Configuration reference";

    static Stream<Setting<?>> settings() {
        return SettingsCatalog.ALL.stream();
    }

    @ParameterizedTest
    @MethodSource("settings")
    void theDefaultRoundTripsThroughTheParser(Setting<?> setting) {
        assertRoundTrip(setting);
    }

    private static <T> void assertRoundTrip(Setting<T> setting) {
        T defaultValue = setting.defaultValue();
        String text = setting.defaultText();
        boolean literal = text.startsWith("`") && text.endsWith("`");
        if (defaultValue == null || (defaultValue instanceof Collection<?> c && c.isEmpty())) {
            assertThat(literal)
                    .as("%s has no default value, so its README default says what unset means", setting.variable())
                    .isFalse();
            assertThat(setting.read(Map.of())).isEmpty();
            return;
        }
        assertThat(literal)
                .as("%s shows its default as a literal", setting.variable())
                .isTrue();
        assertThat(setting.parse(text.substring(1, text.length() - 1))).isEqualTo(defaultValue);
        assertThat(setting.parse(setting.formatter().apply(defaultValue))).isEqualTo(defaultValue);
        setting.validate(defaultValue);
    }

    @Test
    void everyVariableIsDescribedOnce() {
        assertThat(SettingsCatalog.ALL.stream().map(Setting::variable)).doesNotHaveDuplicates();
        assertThat(SettingsCatalog.ON_BUILDER.stream().map(Setting::builderMethod))
                .doesNotHaveDuplicates();
        assertThat(SettingsCatalog.ON_BUILDER.stream().map(Setting::builderMethod))
                .allSatisfy(method -> assertThat(Arrays.stream(AuthSettings.Builder.class.getMethods())
                                .map(java.lang.reflect.Method::getName))
                        .contains(method));
    }

    @Test
    void theReadmeTableMatchesTheCatalog() throws IOException {
        List<List<String>> documented = tableAfter(HEADING, Files.readAllLines(REFERENCE, StandardCharsets.UTF_8));
        assertThat(documented.get(0)).startsWith("variable", "default", "expected");
        List<String> actual = documented.stream()
                .skip(1)
                .map(cells -> row(cells.subList(0, Math.min(3, cells.size()))))
                .toList();
        List<String> expected = SettingsCatalog.ALL.stream()
                .map(s -> row(List.of("`" + s.variable() + "`", s.defaultText(), s.expected())))
                .toList();
        assertThat(actual)
                .as("the table under '%s' in %s, first three columns", HEADING, REFERENCE)
                .containsExactlyElementsOf(expected);
    }

    private static String row(List<String> cells) {
        return cells.stream().collect(Collectors.joining(" | ", "| ", " |"));
    }

    /** The cells of the first markdown table after the heading, header row first, without the separator row. */
    private static List<List<String>> tableAfter(String heading, List<String> lines) {
        int start = lines.indexOf(heading);
        assertThat(start).as("heading '%s' in %s", heading, REFERENCE).isNotNegative();
        List<List<String>> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("|")) {
                inTable = true;
                if (!line.startsWith("|---")) {
                    String inner = line.strip().substring(1, line.strip().length() - 1);
                    rows.add(Arrays.stream(inner.split("\\|", -1))
                            .map(String::strip)
                            .toList());
                }
            } else if (inTable) {
                break;
            }
        }
        assertThat(rows).as("a table after '%s'", heading).isNotEmpty();
        return rows;
    }
}
