package dev.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DirectUseTest {
    @Test
    void directUseLogsInRefreshesAndSignsOutWithoutHttp() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            DirectUse.main(new String[0]);
        } finally {
            System.setOut(original);
        }

        assertThat(captured.toString(StandardCharsets.UTF_8).lines()).hasSize(3).satisfies(lines -> {
            assertThat(lines.get(0)).isEqualTo("signed in ada@example.com as member, new user: true");
            assertThat(lines.get(1)).matches("refreshed session [0-9a-f-]{36}");
            assertThat(lines.get(2)).isEqualTo("signed out; session still live: false");
        });
    }
}
