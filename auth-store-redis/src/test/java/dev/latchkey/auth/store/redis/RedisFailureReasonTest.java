package dev.latchkey.auth.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.latchkey.auth.spi.StoreUnavailableException;
import dev.latchkey.auth.spi.StoreUnavailableException.Reason;
import dev.latchkey.auth.store.memory.MemoryUserDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Redis failures carry their cause class, which the core's health report shows. */
class RedisFailureReasonTest {

    @Test
    void aPortNobodyListensOnIsConnectionRefused() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        assertThat(reasonOfPing("redis://127.0.0.1:" + port)).isEqualTo(Reason.CONNECTION_REFUSED);
    }

    @Test
    void aDatabaseIndexTheServerDoesNotHaveIsDatabaseMissing() {
        assertThat(reasonOfPing(RedisTestServers.STANDALONE_URL + "/9999")).isEqualTo(Reason.DATABASE_MISSING);
    }

    @Test
    void aPasswordTheServerRejectsIsAuthenticationFailed() {
        String url = RedisTestServers.STANDALONE_URL.replace("redis://", "redis://nobody-latchkey:wrong@");
        assertThat(reasonOfPing(url)).isEqualTo(Reason.AUTHENTICATION_FAILED);
    }

    private static Reason reasonOfPing(String url) {
        try (RedisStores stores = RedisStores.fromUrl(url, new MemoryUserDatabase(), new byte[32])) {
            Throwable failure = catchThrowable(() -> stores.otp().ping());
            assertThat(failure).isInstanceOf(StoreUnavailableException.class);
            return ((StoreUnavailableException) failure).reason();
        }
    }
}
