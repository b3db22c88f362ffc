-- Email verification and password reset.
--
-- users.email_verified_at: when the current address was last proven to reach the account holder
-- (NULL: never, or changed since). Accounts made before this migration start unverified.
ALTER TABLE users ADD COLUMN email_verified_at timestamptz;
COMMENT ON COLUMN users.email_verified_at IS 'When the current email address was verified (a link sent to it was opened); NULL when it is not.';

-- The links sent by mail. Only the SHA-256 of a token is kept: a copy of the table (a backup, a
-- replica, a psql session) cannot be turned into working links. A token is used at most once
-- (used_at), and only before expires_at.
CREATE TABLE account_token (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     text        NOT NULL,
    token_hash  bytea       NOT NULL,
    email       text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    CONSTRAINT account_token_purpose CHECK (purpose IN ('password_reset', 'email_verification')),
    CONSTRAINT account_token_hash_is_sha256 CHECK (octet_length(token_hash) = 32),
    CONSTRAINT account_token_expires_after_creation CHECK (expires_at > created_at),
    -- Looking a link up is one probe of this index.
    CONSTRAINT account_token_token_hash_key UNIQUE (token_hash)
);
COMMENT ON TABLE account_token IS 'Password-reset and email-verification links sent by mail: the SHA-256 of each token (never the token), the address it went to, its expiry and when it was used. Rows a day past expiry are pruned.';
COMMENT ON COLUMN account_token.email IS 'The address the link was sent to; a verification link verifies only this address.';
-- A user's recent tokens of one kind (the per-hour cap, voiding the others); also serves the foreign key.
CREATE INDEX account_token_user_id_purpose_created_at_idx ON account_token (user_id, purpose, created_at);
-- Pruning of expired tokens.
CREATE INDEX account_token_expires_at_idx ON account_token (expires_at);
CREATE TRIGGER account_token_set_updated_at BEFORE UPDATE ON account_token
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
