package dev.latchkey.auth.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.latchkey.auth.spi.StoreUnavailableException.Reason;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The cause class of Redis failures the local server does not produce: refusals worded by older servers, an access
 * refusal whatever its text, and cause chains too long or cyclic to follow to the end.
 */
class RedisFailureTextTest {

    @Test
    void anOlderServersInvalidPasswordReplyIsAuthenticationFailed() {
        assertThat(RedisAccess.reason(new JedisDataException("ERR invalid password")))
                .isEqualTo(Reason.AUTHENTICATION_FAILED);
    }

    @Test
    void anAccessControlRefusalIsAuthenticationFailedWhateverItsText() {
        assertThat(RedisAccess.reason(new JedisAccessControlException("-NOPERM this user has no permissions")))
                .isEqualTo(Reason.AUTHENTICATION_FAILED);
    }

    @Test
    void onlyTheFirstTwentyCausesAreRead() {
        RuntimeException chain = new JedisDataException("WRONGPASS invalid username-password pair");
        for (int i = 0; i < 20; i++) {
            chain = new JedisConnectionException("wrapped " + i, chain);
        }

        assertThat(RedisAccess.reason(chain)).isNotEqualTo(Reason.AUTHENTICATION_FAILED);
        assertThat(RedisAccess.reason((RuntimeException) chain.getCause())).isEqualTo(Reason.AUTHENTICATION_FAILED);
    }

    @Test
    void aCyclicCauseChainIsClassifiedWithoutLoopingForever() {
        JedisConnectionException outer = new JedisConnectionException("outer");
        JedisConnectionException inner = new JedisConnectionException("inner", outer);
        outer.initCause(inner);

        Reason reason = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> RedisAccess.reason(outer));

        assertThat(reason).isNotNull();
    }
}
