package dev.latchkey.auth.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.latchkey.auth.AuthException;
import dev.latchkey.auth.ErrorCode;
import dev.latchkey.auth.spi.StoreUnavailableException;
import dev.latchkey.auth.spi.StoreUnavailableException.Reason;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How a driver or pool failure becomes an {@link AuthException}: what the caller may retry, what is its own fault,
 * and the cause class a health report shows. The SQLStates are PostgreSQL's; the exceptions are built here because
 * several (a statement cancelled by timeout, a pool's borrow timeout) cannot be provoked on demand.
 */
class JdbcErrorTranslationTest {

    @Test
    void aUniqueViolationIsAConflictThatDoesNotEchoTheDuplicateValue() {
        AuthException e = Jdbc.translate(
                "user store", new SQLException("Key (email)=(alice@example.com) already exists", "23505"));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFLICT);
        assertThat(e).isNotInstanceOf(StoreUnavailableException.class).hasNoCause();
        assertThat(e.getMessage()).isEqualTo("user store: a unique value is already in use");
    }

    @ParameterizedTest
    @ValueSource(strings = {"22001", "22P02", "22021", "22008", "54000"})
    void aValueTheServerCannotStoreIsTheCallersFaultNotAnOutage(String state) {
        AuthException e = Jdbc.translate("OTP store", new SQLException("bad value", state));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e).isNotInstanceOf(StoreUnavailableException.class);
        assertThat(e.getMessage()).isEqualTo("OTP store: a value cannot be stored (SQLState " + state + ")");
    }

    @ParameterizedTest
    @ValueSource(strings = {"08006", "42P01", "40001", "53300", "2D000", "54001", "23503"})
    void anythingElseIsAnOutageNamingItsSqlState(String state) {
        SQLException cause = new SQLException("boom", state);

        AuthException e = Jdbc.translate("session store", cause);

        assertThat(e).isInstanceOf(StoreUnavailableException.class).hasCause(cause);
        assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).isEqualTo("PostgreSQL session store unavailable (SQLState " + state + ")");
    }

    @Test
    void anOutageWithoutSqlStateSaysSoWithoutAnEmptyState() {
        AuthException e = Jdbc.translate("session store", new SQLException("no state"));

        assertThat(e).isInstanceOf(StoreUnavailableException.class);
        assertThat(e.getMessage()).isEqualTo("PostgreSQL session store unavailable");
    }

    @ParameterizedTest
    @ValueSource(strings = {"28000", "28P01"})
    void aRefusedLoginIsAnAuthenticationFailure(String state) {
        assertThat(Jdbc.reason(new SQLException("refused", state))).isEqualTo(Reason.AUTHENTICATION_FAILED);
    }

    @Test
    void aMissingDatabaseIsReportedAsSuch() {
        assertThat(Jdbc.reason(new SQLException("no db", "3D000"))).isEqualTo(Reason.DATABASE_MISSING);
    }

    @Test
    void aSqlStateDeeperInTheChainDecidesOverThePoolsTimeout() {
        // The pool's borrow timeout carries the last connection failure as its cause.
        SQLException poolTimeout =
                new SQLTransientConnectionException("pool timed out", "08001", new SQLException("no db", "3D000"));

        assertThat(Jdbc.reason(poolTimeout)).isEqualTo(Reason.DATABASE_MISSING);
    }

    @Test
    void aCancelledStatementIsATimeout() {
        assertThat(Jdbc.reason(new SQLException("canceling statement due to statement timeout", "57014")))
                .isEqualTo(Reason.TIMEOUT);
    }

    @Test
    void theDriversTimeoutIsATimeout() {
        assertThat(Jdbc.reason(new SQLTimeoutException("query timed out"))).isEqualTo(Reason.TIMEOUT);
    }

    @Test
    void thePoolsBorrowTimeoutIsATimeout() {
        assertThat(Jdbc.reason(new SQLTransientConnectionException("connection is not available")))
                .isEqualTo(Reason.TIMEOUT);
    }

    @Test
    void aTimeoutFoundBelowAnotherExceptionStillCounts() {
        SQLException wrapper = new SQLException("wrapped", "08006", new SQLException("cancelled", "57014"));

        assertThat(Jdbc.reason(wrapper)).isEqualTo(Reason.TIMEOUT);
    }

    @Test
    void aRefusedSocketWinsOverATimeoutStateElsewhereInTheChain() {
        SQLException refused = new SQLException("connect failed", "57014", new ConnectException("Connection refused"));

        assertThat(Jdbc.reason(refused)).isEqualTo(Reason.CONNECTION_REFUSED);
    }

    @Test
    void aFailureWithNoKnownCauseIsOther() {
        assertThat(Jdbc.reason(new SQLException("broken pipe", "08006"))).isEqualTo(Reason.OTHER);
        assertThat(Jdbc.reason(new SQLException("no state at all"))).isEqualTo(Reason.OTHER);
    }

    @Test
    void aCauseChainThatLoopsIsReadOnlyToABoundedDepth() {
        SQLException first = new SQLException("first", "08006");
        SQLException second = new SQLException("second", "08006");
        first.initCause(second);
        second.initCause(first);

        Reason reason = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> Jdbc.reason(first));

        assertThat(reason).isEqualTo(Reason.OTHER);
    }

    @Test
    void onlyTheFirstTwentyExceptionsOfAChainAreReadForSqlStates() {
        assertThat(Jdbc.reason(chainWithStateAt(19, "28000"))).isEqualTo(Reason.AUTHENTICATION_FAILED);
        assertThat(Jdbc.reason(chainWithStateAt(20, "28000"))).isEqualTo(Reason.OTHER);
    }

    /** SQLExceptions without a state, {@code depth} of them above one carrying {@code state}. */
    private static SQLException chainWithStateAt(int depth, String state) {
        SQLException chain = new SQLException("deepest", state);
        for (int i = 0; i < depth; i++) {
            chain = new SQLException("level " + i, null, chain);
        }
        return chain;
    }

    @Test
    void timeoutsAreRoundedUpToWholeSecondsOfAtLeastOne() {
        assertThat(Jdbc.wholeSeconds(Duration.ZERO)).isEqualTo(1);
        assertThat(Jdbc.wholeSeconds(Duration.ofMillis(1))).isEqualTo(1);
        assertThat(Jdbc.wholeSeconds(Duration.ofMillis(1000))).isEqualTo(1);
        assertThat(Jdbc.wholeSeconds(Duration.ofMillis(1001))).isEqualTo(2);
        assertThat(Jdbc.wholeSeconds(Duration.ofMillis(2500))).isEqualTo(3);
        assertThat(Jdbc.wholeSeconds(Duration.ofDays(365 * 100))).isEqualTo(Integer.MAX_VALUE);
    }
}
