-- Server-side sessions. The session cookie carries a random token; this table keeps only its
-- SHA-256, so a copy of the table (a backup, a replica, a psql session) opens no session. A
-- session is valid while revoked_at IS NULL, expires_at (its absolute lifetime) has not passed
-- and it was last seen within idle_timeout. The token is replaced on use once it is older than
-- the rotation interval (services/sessions.py): the old one keeps working for a minute, for the
-- requests already in flight.
CREATE TABLE user_session (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash    bytea       NOT NULL,
    remember      boolean     NOT NULL,
    device        text        NOT NULL,
    network       cidr,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    rotated_at    timestamptz NOT NULL DEFAULT now(),
    idle_timeout  interval    NOT NULL,
    expires_at    timestamptz NOT NULL,
    revoked_at    timestamptz,
    CONSTRAINT user_session_token_hash_is_sha256 CHECK (octet_length(token_hash) = 32),
    CONSTRAINT user_session_expires_after_creation CHECK (expires_at > created_at),
    CONSTRAINT user_session_idle_timeout_positive CHECK (idle_timeout > interval '0'),
    CONSTRAINT user_session_device_length CHECK (char_length(device) <= 100),
    -- Every request's session check is one probe of this index.
    CONSTRAINT user_session_token_hash_key UNIQUE (token_hash)
);
COMMENT ON TABLE user_session IS 'Logged-in sessions: the SHA-256 of each session token (never the token), the device and coarse network it came from, when it was last seen, its idle timeout and absolute expiry, and when it was revoked (log-out). Rows a day past their end are pruned.';
COMMENT ON COLUMN user_session.device IS 'A summary of the user agent ("Firefox on Linux"), shown on /settings/sessions.';
COMMENT ON COLUMN user_session.network IS 'The network of the address the session started from (IPv4 /24, IPv6 /48): an approximate place, never the address.';
COMMENT ON COLUMN user_session.remember IS 'Started with "remember me": a persistent cookie and the longer idle timeout and lifetime.';
-- An account's sessions, most recently seen first (/settings/sessions, revoking them all); also
-- serves the foreign key.
CREATE INDEX user_session_user_id_last_seen_at_idx ON user_session (user_id, last_seen_at);
-- Pruning of ended sessions.
CREATE INDEX user_session_expires_at_idx ON user_session (expires_at);
CREATE TRIGGER user_session_set_updated_at BEFORE UPDATE ON user_session
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
