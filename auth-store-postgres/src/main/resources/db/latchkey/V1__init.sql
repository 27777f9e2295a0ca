-- Latchkey schema, version 1.
-- Placeholders (Flyway syntax): ${schema} is the schema, quoted or not (for example "latchkey" or public);
-- ${prefix} is a table-name prefix, possibly empty. The built-in migrator fills both; teams running Flyway or
-- Liquibase themselves define the same two placeholders. Every statement is idempotent (IF NOT EXISTS).

-- Users of the original design. email and name are nullable (the original had them NOT NULL) so that
-- mobile-first users can exist; a user needs at least one of email and mobile.
CREATE TABLE IF NOT EXISTS ${schema}.${prefix}users (
    id          uuid        PRIMARY KEY,
    tenant_id   text        NOT NULL,
    email       text,
    name        text,
    role        text        NOT NULL,
    mobile      text,
    permissions jsonb       NOT NULL DEFAULT '[]'::jsonb,
    last_login  timestamptz,
    is_active   boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CONSTRAINT ${prefix}users_email_or_mobile CHECK (email IS NOT NULL OR mobile IS NOT NULL),
    CONSTRAINT ${prefix}users_permissions_array CHECK (jsonb_typeof(permissions) = 'array')
);
-- Uniqueness per tenant; partial because both columns are nullable. These are also the ON CONFLICT arbiters of
-- the upsert and serve findByEmail / findByMobile. The core normalises email (lower case) and mobile (E.164).
CREATE UNIQUE INDEX IF NOT EXISTS ${prefix}users_tenant_email_key
    ON ${schema}.${prefix}users (tenant_id, email) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS ${prefix}users_tenant_mobile_key
    ON ${schema}.${prefix}users (tenant_id, mobile) WHERE mobile IS NOT NULL;

-- Refresh-token families (login sessions); only hashes of refresh tokens. No foreign key to users: the session
-- store may be used with a user database kept elsewhere.
CREATE TABLE IF NOT EXISTS ${schema}.${prefix}sessions (
    id                  text        PRIMARY KEY,
    tenant_id           text        NOT NULL,
    user_id             uuid        NOT NULL,
    token_hash          text        NOT NULL,
    previous_token_hash text,
    generation          bigint      NOT NULL,
    created_at          timestamptz NOT NULL,
    last_rotated_at     timestamptz NOT NULL,
    idle_expires_at     timestamptz NOT NULL,
    absolute_expires_at timestamptz NOT NULL
);
-- listForUser and revokeAllForUser.
CREATE INDEX IF NOT EXISTS ${prefix}sessions_user_idx
    ON ${schema}.${prefix}sessions (tenant_id, user_id, created_at);
-- purgeExpired.
CREATE INDEX IF NOT EXISTS ${prefix}sessions_expiry_idx
    ON ${schema}.${prefix}sessions (LEAST(idle_expires_at, absolute_expires_at));

-- Pending one-time code challenges; only keyed hashes of codes.
CREATE TABLE IF NOT EXISTS ${schema}.${prefix}otp_challenges (
    key          text        PRIMARY KEY,
    code_hash    text        NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    attempts     integer     NOT NULL CHECK (attempts >= 0),
    max_attempts integer     NOT NULL CHECK (max_attempts >= 1)
);
-- purgeExpired.
CREATE INDEX IF NOT EXISTS ${prefix}otp_challenges_expiry_idx ON ${schema}.${prefix}otp_challenges (expires_at);

-- Fixed-window counters behind send throttling and failure budgets.
CREATE TABLE IF NOT EXISTS ${schema}.${prefix}throttle_counters (
    key      text        PRIMARY KEY,
    count    bigint      NOT NULL,
    reset_at timestamptz NOT NULL
);
-- purgeExpired.
CREATE INDEX IF NOT EXISTS ${prefix}throttle_counters_expiry_idx ON ${schema}.${prefix}throttle_counters (reset_at);

-- External identities (OAuth / OpenID Connect issuer + subject -> user), for the sign-in methods that follow.
CREATE TABLE IF NOT EXISTS ${schema}.${prefix}external_identities (
    tenant_id  text        NOT NULL,
    issuer     text        NOT NULL,
    subject    text        NOT NULL,
    user_id    uuid        NOT NULL REFERENCES ${schema}.${prefix}users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, issuer, subject)
);
-- A user's linked identities (and the cascade on user deletion).
CREATE INDEX IF NOT EXISTS ${prefix}external_identities_user_idx ON ${schema}.${prefix}external_identities (user_id);
