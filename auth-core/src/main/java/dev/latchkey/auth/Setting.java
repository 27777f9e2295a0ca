package dev.latchkey.auth;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The description of one setting: its environment variable, its builder method, its default, the accepted form and
 * how text becomes a checked value. {@link SettingsCatalog} lists them all; the builder's validation, {@link
 * AuthSettings#fromEnv} and the README's configuration table are all driven by these descriptions.
 *
 * @param variable the environment variable, which is also the name every error of this setting carries
 * @param builderMethod the {@link AuthSettings.Builder} method that sets it, or {@code null} for the variables that
 *     only {@code fromEnv} reads (the key material that becomes the signing and verification keys)
 * @param secret whether the value is secret: errors then never repeat it
 * @param required whether a value must be given: there is no default
 * @param defaultValue the value when the variable is unset, or {@code null} when unset means none or off
 * @param defaultText the README's default column: the default as {@code fromEnv} spells it, or what unset means
 * @param expected the accepted form, completing "expected ..." in error messages and in the README
 * @param parser turns the variable's text into a value; throws {@link InvalidValue} for text of the wrong form
 * @param rule says what is wrong with a value, if anything (a range, a length, a strength)
 * @param formatter the value as short text, to quote it in an error (never used for secrets)
 * @param <T> the value's type
 */
record Setting<T>(
        String variable,
        @Nullable String builderMethod,
        boolean secret,
        boolean required,
        @Nullable T defaultValue,
        String defaultText,
        String expected,
        Function<String, T> parser,
        Function<T, Optional<String>> rule,
        Function<T, String> formatter) {

    /**
     * A setting is its variable: settings are map keys on every request's path, and a record's own hashCode would hash
     * every component (parser and rule functions included) on each lookup.
     */
    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof Setting<?> setting && setting.variable.equals(variable);
    }

    @Override
    public int hashCode() {
        return variable.hashCode();
    }

    /** The default of a setting that has one; {@code IllegalStateException} for one that has none. */
    T requiredDefault() {
        if (defaultValue == null) {
            throw new IllegalStateException(variable + " has no default");
        }
        return defaultValue;
    }

    /** The longest quotation of a value in an error message. */
    private static final int MAX_QUOTED = 40;

    /**
     * The value of this setting in {@code env}, parsed and checked, or empty when the variable is unset or blank.
     *
     * @throws ConfigurationException naming {@link #variable()}
     */
    Optional<T> read(Map<String, String> env) {
        String text = env.get(variable);
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(parse(text.trim()));
    }

    /**
     * Parses and checks one value as {@code fromEnv} reads it.
     *
     * @throws ConfigurationException naming {@link #variable()}
     */
    T parse(String text) {
        T value;
        try {
            value = parser.apply(text);
        } catch (InvalidValue e) {
            throw new ConfigurationException(variable, subject(text) + " " + e.problem(), expected, e);
        }
        validate(value);
        return value;
    }

    /**
     * Checks a value however it was given; {@code null} means unset.
     *
     * @throws ConfigurationException naming {@link #variable()}, for a missing required value or one the rule refuses
     */
    void validate(@Nullable T value) {
        if (value == null) {
            if (required) {
                throw new ConfigurationException(variable, "is not set", expected);
            }
            return;
        }
        Optional<String> problem = rule.apply(value);
        if (problem.isPresent()) {
            throw new ConfigurationException(
                    variable, subject(secret ? "" : formatter.apply(value)) + " " + problem.get(), expected);
        }
    }

    /** The value as an error quotes it: never a secret, never more than a short, printable excerpt. */
    private String subject(String text) {
        if (secret || text.isBlank()) {
            return "the value";
        }
        String printable = text.codePoints()
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return printable.length() <= MAX_QUOTED ? printable : printable.substring(0, MAX_QUOTED) + "…";
    }

    /**
     * Thrown by a {@link #parser()} for text of the wrong form; {@link #parse} turns it into a {@link
     * ConfigurationException} naming the variable and the expected form.
     */
    static final class InvalidValue extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** @param problem what is wrong with the text, without quoting it, for example {@code "is not a duration"} */
        private final String problem;

        InvalidValue(String problem) {
            super(problem, null, false, false);
            this.problem = problem;
        }

        String problem() {
            return problem;
        }
    }
}
