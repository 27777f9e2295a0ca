package dev.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.spi.OtpMessage;
import dev.latchkey.auth.spi.OtpSender;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Collects the codes the server sends, per tenant and normalised destination. */
final class TestInbox implements OtpSender {
    private final Map<String, List<OtpMessage>> messages = new ConcurrentHashMap<>();

    @Override
    public void send(OtpMessage message) {
        messages.computeIfAbsent(
                        key(message.tenantId(), message.destination().value()), k -> new CopyOnWriteArrayList<>())
                .add(message);
    }

    /** The latest code sent to the destination; fails the test if none was. */
    String lastCode(String tenant, String destination) {
        List<OtpMessage> sent = messages.getOrDefault(key(tenant, destination), List.of());
        assertThat(sent).as("codes sent to %s in %s", destination, tenant).isNotEmpty();
        return sent.get(sent.size() - 1).code();
    }

    int count(String tenant, String destination) {
        return messages.getOrDefault(key(tenant, destination), List.of()).size();
    }

    int total() {
        return messages.values().stream().mapToInt(List::size).sum();
    }

    private static String key(String tenant, String destination) {
        return tenant + "|" + destination;
    }
}
