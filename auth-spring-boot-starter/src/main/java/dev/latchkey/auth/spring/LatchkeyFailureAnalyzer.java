package dev.latchkey.auth.spring;

import dev.latchkey.auth.ConfigurationException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Explains Latchkey's start-up failures in Spring Boot's failure report: a missing {@code OtpSender} bean, and an
 * invalid or missing {@code latchkey.*} setting.
 */
public final class LatchkeyFailureAnalyzer implements FailureAnalyzer {

    @Override
    public @Nullable FailureAnalysis analyze(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof MissingOtpSenderException missing) {
                return new FailureAnalysis(
                        missing.getMessage(),
                        "Define a bean that delivers the codes, for example:\n\n"
                                + "    @Bean\n"
                                + "    OtpSender otpSender(SmsClient sms) {\n"
                                + "        return message -> sms.send(message.destination().value(),"
                                + " \"Your code: \" + message.code());\n"
                                + "    }\n",
                        missing);
            }
            if (cause instanceof ConfigurationException configuration) {
                return new FailureAnalysis(
                        "Latchkey setting " + configuration.setting() + " " + configuration.problem() + ".",
                        "Set " + configuration.setting() + " to " + configuration.expected()
                                + " (a latchkey.* property, or its environment variable).",
                        configuration);
            }
        }
        return null;
    }
}
