-- Failed log-ins older than a day are pruned on every failure; this index keeps that cheap.
CREATE INDEX login_attempt_attempted_at_idx ON login_attempt (attempted_at);
