-- Latchkey schema, version 4: the two steps of a one-time-code login as functions, so that a deployment without
-- Redis takes each in one round trip (OTPStore#issueChallenge and OTPStore#verifyWithBudgets, whose SPI defaults are
-- the reference these follow line by line). Same placeholders as V1. Idempotent (CREATE OR REPLACE).
--
-- Each call is one statement in autocommit, so one transaction: the counters it hits stay locked until it commits.
-- Every caller hits the throttles in the same order (each position has its own key prefix), so two calls never wait
-- on each other's locks in opposite orders.

-- Counts the send throttles in order, stops at the first whose count exceeds its maximum (refused_by = its 1-based
-- position, with its counter after the hit; nothing after it is counted, nothing saved); otherwise reads the delivery
-- budget (refused_by = 0, with that counter; count 0 and reset now when it has no live window) and saves the
-- challenge, replacing any under the same key.
CREATE OR REPLACE FUNCTION ${schema}.${prefix}issue_challenge(
    p_now timestamptz, p_keys text[], p_maxes bigint[], p_resets timestamptz[], p_budget_key text,
    p_key text, p_code_hash text, p_created timestamptz, p_expires timestamptz, p_attempts integer,
    p_max_attempts integer,
    OUT refused_by integer, OUT counter_count bigint, OUT counter_reset timestamptz)
LANGUAGE plpgsql AS $fn$
BEGIN
    FOR i IN 1 .. coalesce(array_length(p_keys, 1), 0) LOOP
        INSERT INTO ${schema}.${prefix}throttle_counters AS t (key, count, reset_at) VALUES (p_keys[i], 1, p_resets[i])
        ON CONFLICT (key) DO UPDATE SET
            count = CASE WHEN t.reset_at <= p_now THEN 1 ELSE t.count + 1 END,
            reset_at = CASE WHEN t.reset_at <= p_now THEN EXCLUDED.reset_at ELSE t.reset_at END
        RETURNING t.count, t.reset_at INTO counter_count, counter_reset;
        IF counter_count > p_maxes[i] THEN
            refused_by := i;
            RETURN;
        END IF;
    END LOOP;
    refused_by := 0;
    SELECT t.count, t.reset_at INTO counter_count, counter_reset
        FROM ${schema}.${prefix}throttle_counters t WHERE t.key = p_budget_key AND t.reset_at > p_now;
    IF NOT FOUND THEN
        counter_count := 0;
        counter_reset := p_now;
    END IF;
    INSERT INTO ${schema}.${prefix}otp_challenges AS c
        (key, code_hash, created_at, expires_at, attempts, max_attempts)
        VALUES (p_key, p_code_hash, p_created, p_expires, p_attempts, p_max_attempts)
    ON CONFLICT (key) DO UPDATE SET code_hash = EXCLUDED.code_hash, created_at = EXCLUDED.created_at,
        expires_at = EXCLUDED.expires_at, attempts = EXCLUDED.attempts, max_attempts = EXCLUDED.max_attempts;
END
$fn$;

-- Checks a presented code hash within the client's budget and the address's backstop. Verdicts as in
-- BudgetedCheck.Verdict. The challenge row is locked (FOR UPDATE) before it is compared, so concurrent calls on one
-- challenge queue and each sees what the previous one left: a code matches at most once and every wrong guess is
-- counted. Budgets are read before, as the default does; on a mismatch both are counted (client first), on a match
-- the ones read non-empty are reset (client first too, so a match and a mismatch never lock them in opposite orders).
CREATE OR REPLACE FUNCTION ${schema}.${prefix}verify_with_budgets(
    p_now timestamptz, p_key text, p_code_hash text,
    p_client_key text, p_client_max bigint, p_client_reset timestamptz,
    p_address_key text, p_address_max bigint, p_address_reset timestamptz,
    OUT verdict text, OUT client_count bigint, OUT client_reset timestamptz,
    OUT address_count bigint, OUT address_reset timestamptz)
LANGUAGE plpgsql AS $fn$
DECLARE
    c record;
BEGIN
    SELECT t.count, t.reset_at INTO client_count, client_reset
        FROM ${schema}.${prefix}throttle_counters t WHERE t.key = p_client_key AND t.reset_at > p_now;
    IF NOT FOUND THEN
        client_count := 0;
        client_reset := p_now;
    END IF;
    address_count := 0;
    address_reset := p_now;
    IF client_count >= p_client_max THEN
        verdict := 'CLIENT_BUDGET_SPENT';
        RETURN;
    END IF;
    SELECT t.count, t.reset_at INTO address_count, address_reset
        FROM ${schema}.${prefix}throttle_counters t WHERE t.key = p_address_key AND t.reset_at > p_now;
    IF NOT FOUND THEN
        address_count := 0;
        address_reset := p_now;
    END IF;
    SELECT o.code_hash, o.attempts, o.max_attempts INTO c
        FROM ${schema}.${prefix}otp_challenges o WHERE o.key = p_key AND o.expires_at > p_now FOR UPDATE;
    IF NOT FOUND THEN
        verdict := 'ABSENT';
        RETURN;
    END IF;
    IF address_count >= p_address_max AND c.attempts > 0 THEN
        verdict := 'BACKSTOP_REFUSED';
        RETURN;
    END IF;
    IF c.attempts >= c.max_attempts THEN
        verdict := 'LOCKED';
        RETURN;
    END IF;
    IF c.code_hash = p_code_hash THEN
        DELETE FROM ${schema}.${prefix}otp_challenges o WHERE o.key = p_key;
        IF client_count > 0 THEN
            DELETE FROM ${schema}.${prefix}throttle_counters t WHERE t.key = p_client_key;
        END IF;
        IF address_count > 0 THEN
            DELETE FROM ${schema}.${prefix}throttle_counters t WHERE t.key = p_address_key;
        END IF;
        verdict := 'MATCHED';
        RETURN;
    END IF;
    UPDATE ${schema}.${prefix}otp_challenges o SET attempts = o.attempts + 1 WHERE o.key = p_key;
    INSERT INTO ${schema}.${prefix}throttle_counters AS t (key, count, reset_at) VALUES (p_client_key, 1, p_client_reset)
    ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN t.reset_at <= p_now THEN 1 ELSE t.count + 1 END,
        reset_at = CASE WHEN t.reset_at <= p_now THEN EXCLUDED.reset_at ELSE t.reset_at END
    RETURNING t.count, t.reset_at INTO client_count, client_reset;
    INSERT INTO ${schema}.${prefix}throttle_counters AS t (key, count, reset_at) VALUES (p_address_key, 1, p_address_reset)
    ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN t.reset_at <= p_now THEN 1 ELSE t.count + 1 END,
        reset_at = CASE WHEN t.reset_at <= p_now THEN EXCLUDED.reset_at ELSE t.reset_at END
    RETURNING t.count, t.reset_at INTO address_count, address_reset;
    verdict := 'MISMATCHED';
END
$fn$;
