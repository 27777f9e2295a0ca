package dev.latchkey.auth.store.memory;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.store.memory.quickstart.Quickstart;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's quickstart (in a package of its own, so its imports are the ones a host writes), a whole program with its imports, and fails if the README's copy drifts from it. */
class ReadmeQuickstartTest {
    private static final Path SOURCE =
            Path.of("src/test/java/dev/latchkey/auth/store/memory/quickstart/Quickstart.java");

    @Test
    void quickstartRunsTheWholeLifeCycle() {
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, UTF_8));
        try {
            Quickstart.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        assertThat(printed.toString(UTF_8))
                .isEqualToIgnoringNewLines("ada@example.com signed in and out; sessions left: 0");
    }

    @Test
    void readmeShowsExactlyTheQuickstartProgram() throws IOException {
        String text = Files.readString(Path.of("..", "README.md"), UTF_8);
        int marker = text.indexOf("<!-- quickstart -->");
        assertThat(marker).as("README quickstart marker").isNotNegative();
        int start = text.indexOf("```java\n", marker) + "```java\n".length();
        String inReadme = text.substring(start, text.indexOf("```", start));

        String program = Files.readString(SOURCE, UTF_8);
        String withoutPackage = program.substring(program.indexOf('\n') + 1);
        assertThat(inReadme.strip())
                .as("the README's quickstart must be Quickstart.java without its package line")
                .isEqualTo(withoutPackage.strip());
    }
}
