-- Password guesses, throttled per name tried with a delay that grows: a subject (a login name, or
-- a known device's name for an account) may try `free` times, then each further attempt waits
-- for next_attempt_at, which doubles the wait each time up to a cap. An attempt is reserved by
-- one INSERT ... ON CONFLICT DO UPDATE ... WHERE before the password is hashed, so parallel
-- guesses cannot all pass a check made before any was counted. A success deletes the row; a row
-- whose last attempt is a day old is forgotten (pruned).
CREATE TABLE login_throttle (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject          text        NOT NULL,
    attempts         integer     NOT NULL,
    next_attempt_at  timestamptz NOT NULL,
    last_attempt_at  timestamptz NOT NULL DEFAULT now(),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT login_throttle_attempts_positive CHECK (attempts > 0),
    CONSTRAINT login_throttle_subject_key UNIQUE (subject)
);
COMMENT ON TABLE login_throttle IS 'Password guesses per login name (or known device and account) since the last success: how many, and when the next may be tried. Rows a day old are pruned.';
COMMENT ON COLUMN login_throttle.subject IS 'What is throttled: "login:<name as typed, lower case>" or "device:<device id>:<user id>".';
-- Pruning of rows whose last attempt is a day old.
CREATE INDEX login_throttle_last_attempt_at_idx ON login_throttle (last_attempt_at);
CREATE TRIGGER login_throttle_set_updated_at BEFORE UPDATE ON login_throttle
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

COMMENT ON TABLE login_attempt IS 'Password attempts per client (an address, an IPv6 /64), recorded before the password is checked and deleted for the name when it succeeds: limits the distinct names one client may try. Rows older than a day are pruned.';
