-- Latchkey schema, version 2: sign-in with external identity providers (OAuth / OpenID Connect).
-- Same placeholders as V1. Every statement is idempotent.

-- When the user last proved control of their current email (a login by email one-time code); NULL if never or if
-- the email changed since. Decides whether an external identity may be linked to the user by email.
ALTER TABLE ${schema}.${prefix}users ADD COLUMN IF NOT EXISTS email_verified_at timestamptz;

-- The V1 table keyed external identities by (tenant_id, issuer, subject); created_at is the first sign-in. These
-- columns add the configured provider's id, the email the provider sent at the last sign-in and whether it asserted
-- it verified, and the last sign-in.
ALTER TABLE ${schema}.${prefix}external_identities ADD COLUMN IF NOT EXISTS provider text NOT NULL DEFAULT '';
ALTER TABLE ${schema}.${prefix}external_identities ADD COLUMN IF NOT EXISTS email text;
ALTER TABLE ${schema}.${prefix}external_identities
    ADD COLUMN IF NOT EXISTS email_verified boolean NOT NULL DEFAULT false;
ALTER TABLE ${schema}.${prefix}external_identities ADD COLUMN IF NOT EXISTS last_sign_in_at timestamptz;
UPDATE ${schema}.${prefix}external_identities SET last_sign_in_at = created_at WHERE last_sign_in_at IS NULL;
ALTER TABLE ${schema}.${prefix}external_identities ALTER COLUMN last_sign_in_at SET NOT NULL;
-- listForUser: a user's identities in tenant, oldest first.
CREATE INDEX IF NOT EXISTS ${prefix}external_identities_tenant_user_idx
    ON ${schema}.${prefix}external_identities (tenant_id, user_id, created_at);
