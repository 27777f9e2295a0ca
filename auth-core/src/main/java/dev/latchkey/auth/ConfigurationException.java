package dev.latchkey.auth;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A setting or a backend's configuration is missing or invalid. Every configuration error of Latchkey, from {@link
 * AuthSettings} and from every store module ({@code DATABASE_URL}, {@code REDIS_URL}, ...), is of this one kind, so
 * a host can stop start-up with one clear line: {@link #getMessage()} reads {@code VARIABLE: problem; expected form}.
 *
 * <p>The message never repeats a secret or a value that may hold one, such as a URL with a password in it; other
 * values may be quoted, shortened, to show what was read.
 */
public final class ConfigurationException extends AuthException {
    private static final long serialVersionUID = 1L;

    private final String setting;
    private final String problem;
    private final String expected;

    /**
     * @param setting the environment variable (or, for builder-only settings, the builder method) at fault
     * @param problem what is wrong with the value, for example {@code "is not a duration"}
     * @param expected the accepted form, for example {@code "a duration from 1m to 24h, such as 15m"}
     */
    public ConfigurationException(String setting, String problem, String expected) {
        this(setting, problem, expected, null);
    }

    /** As {@link #ConfigurationException(String, String, String)}, keeping the underlying cause. */
    public ConfigurationException(String setting, String problem, String expected, @Nullable Throwable cause) {
        super(
                ErrorCode.INVALID_CONFIGURATION,
                Objects.requireNonNull(setting, "setting") + ": " + Objects.requireNonNull(problem, "problem")
                        + "; expected " + Objects.requireNonNull(expected, "expected"),
                null,
                cause);
        this.setting = setting;
        this.problem = problem;
        this.expected = expected;
    }

    /** The environment variable or builder setting at fault, for example {@code JWT_EXPIRES_IN}. */
    public String setting() {
        return setting;
    }

    /** What is wrong with the value. */
    public String problem() {
        return problem;
    }

    /** The accepted form. */
    public String expected() {
        return expected;
    }
}
