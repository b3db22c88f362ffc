-- Failed log-ins, kept in the database so every app process sees the same count.
CREATE TABLE login_attempt (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login         text        NOT NULL,
    client_addr   text        NOT NULL,
    attempted_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE login_attempt IS 'Failed log-ins, for throttling across all app processes. Rows older than a day are pruned.';
CREATE INDEX login_attempt_login_idx ON login_attempt (lower(login), attempted_at);
CREATE INDEX login_attempt_client_addr_idx ON login_attempt (client_addr, attempted_at);
