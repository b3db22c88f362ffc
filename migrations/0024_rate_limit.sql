-- Rate limits shared by every app process (uploads per account now; any other "so many per
-- window" limit can use a scope of its own). One row per (scope, subject), a generic cell rate
-- algorithm: refilled_at is the moment the subject has its whole allowance back. An event is
-- allowed when, counted, it would not push refilled_at more than the window past now; counting
-- and checking are one statement (INSERT ... ON CONFLICT DO UPDATE ... WHERE), so parallel
-- requests cannot both take the last slot. A row whose refilled_at has passed means the same as
-- no row, and is pruned.
CREATE TABLE rate_limit (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scope        text        NOT NULL,
    subject      text        NOT NULL,
    refilled_at  timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT rate_limit_scope_subject_key UNIQUE (scope, subject)
);
COMMENT ON TABLE rate_limit IS 'Rate limits shared by all app processes: per (scope, subject), when its whole allowance is back (refilled_at). Rows in the past are pruned.';
COMMENT ON COLUMN rate_limit.subject IS 'Who is limited: an account id, a client address.';
-- Pruning of rows whose allowance is whole again.
CREATE INDEX rate_limit_refilled_at_idx ON rate_limit (refilled_at);
CREATE TRIGGER rate_limit_set_updated_at BEFORE UPDATE ON rate_limit
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
