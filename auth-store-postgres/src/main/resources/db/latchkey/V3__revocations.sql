-- Latchkey schema, version 3: the revocation list (access tokens of ended sessions), so that deployments without Redis
-- can refuse a signed-out session's access tokens at the route guard. Same placeholders as V1; idempotent.

-- One row per revoked session id (or jti), kept until no access token carrying it could still be accepted. Every
-- revocation deletes the rows that expired before it, so the table holds about one access-token lifetime of sign-outs.
-- Each insert notifies the listeners (LISTEN/NOTIFY) in the same transaction, and the facades' mirrors read every live
-- row whenever they (re)subscribe.
CREATE TABLE IF NOT EXISTS ${schema}.${prefix}revocations (
    id         text PRIMARY KEY,
    expires_at timestamptz NOT NULL
);
-- The pruning delete and the catch-up read, both by expiry.
CREATE INDEX IF NOT EXISTS ${prefix}revocations_expires_at_idx ON ${schema}.${prefix}revocations (expires_at);
