package dev.latchkey.auth.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.latchkey.auth.AuthSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The configuration metadata IDEs complete {@code latchkey.*} from is generated from core's settings description
 * ({@link AuthSettings#variables()}) and the starter's own properties; this test keeps the shipped file equal to it.
 */
class ConfigurationMetadataTest {
    private static final String SHIPPED = "META-INF/spring-configuration-metadata.json";
    private static final Set<String> NO_DEFAULT = Set.of("none", "off", "any");

    @Test
    void shippedMetadataIsGeneratedFromTheSettingsDescription() throws IOException {
        String generated = generate();
        // This module's own file: other jars on the test class path ship metadata of the same name.
        Path source = Path.of("src", "main", "resources", SHIPPED);
        String shipped = Files.exists(source) ? Files.readString(source, StandardCharsets.UTF_8) : "";
        if (!shipped.equals(generated)) {
            Path fresh = Path.of("target", "spring-configuration-metadata.json");
            Files.writeString(fresh, generated);
            assertThat(shipped)
                    .as("the settings changed: copy %s to src/main/resources/%s", fresh.toAbsolutePath(), SHIPPED)
                    .isEqualTo(generated);
        }
    }

    @Test
    void everyEnvironmentVariableIsAProperty() throws IOException {
        String generated = generate();
        for (AuthSettings.Variable variable : AuthSettings.variables()) {
            assertThat(generated).contains("\"" + LatchkeyProperties.propertyOf(variable.name()) + "\"");
        }
        assertThat(LatchkeyProperties.propertyOf("JWT_EXPIRES_IN")).isEqualTo("latchkey.jwt-expires-in");
    }

    private static String capitalised(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private static String generate() throws IOException {
        List<Map<String, Object>> properties = new ArrayList<>();
        for (AuthSettings.Variable variable : AuthSettings.variables()) {
            Map<String, Object> property = new LinkedHashMap<>();
            property.put("name", LatchkeyProperties.propertyOf(variable.name()));
            property.put("type", "java.lang.String");
            property.put(
                    "description",
                    "Environment variable " + variable.name() + ": " + variable.expected() + "."
                            + (variable.defaultText().startsWith("required")
                                    ? " " + capitalised(variable.defaultText()) + "."
                                    : "")
                            + (variable.secret() ? " Secret: keep it out of committed files." : ""));
            if (!variable.defaultText().startsWith("required") && !NO_DEFAULT.contains(variable.defaultText())) {
                property.put("defaultValue", variable.defaultText());
            }
            properties.add(property);
        }
        for (LatchkeyProperties.OwnProperty own : LatchkeyProperties.OWN) {
            Map<String, Object> property = new LinkedHashMap<>();
            property.put("name", own.name());
            property.put("type", own.type());
            property.put("description", own.description());
            if (own.defaultValue() != null) {
                property.put("defaultValue", own.defaultValue());
            }
            properties.add(property);
        }
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("name", LatchkeyProperties.PREFIX);
        group.put("description", "Latchkey: passwordless login by one-time code, JWT token pairs and sessions.");
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("groups", List.of(group));
        metadata.put("properties", properties);
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(metadata) + "\n";
    }
}
