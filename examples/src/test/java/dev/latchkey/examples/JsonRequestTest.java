package dev.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonRequestTest {

    /**
     * Found by JsonRequestFuzzTest: a body starting with zero bytes is read by Jackson as UTF-32, whose decoder throws
     * a CharConversionException (an IOException, not a JsonProcessingException); the router took it for a broken
     * connection and closed it without an answer.
     */
    @Test
    void aBodyJacksonReadsAsBrokenUtf32IsAnInvalidRequest() {
        byte[] json = "{\"tenantId\":\"acme\"}".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[json.length + 4];
        body[2] = 1;
        System.arraycopy(json, 0, body, 4, json.length);
        FakeExchange exchange = new FakeExchange("POST", URI.create("/api/auth/send-otp"), body);
        exchange.requestHeadersForSetup().set("Content-Type", "application/json");
        exchange.requestHeadersForSetup().set("Content-Length", Integer.toString(body.length));

        assertThatThrownBy(() -> JsonRequest.read(exchange))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> org.assertj.core.api.Assertions.assertThat(e.errorCode())
                                .isEqualTo(ErrorCode.INVALID_REQUEST));
    }
}
