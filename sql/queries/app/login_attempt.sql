-- name: insert_login_attempt!
-- Record a failed log-in.
INSERT INTO login_attempt (login, client_addr) VALUES (:login, :client_addr);

-- name: count_recent_login_failures^
-- Failures in the window, per account and per client address.
SELECT
    (SELECT count(*) FROM login_attempt
     WHERE lower(login) = lower(:login) AND attempted_at > now() - make_interval(secs => :window_seconds)) AS by_login,
    (SELECT count(*) FROM login_attempt
     WHERE client_addr = :client_addr AND attempted_at > now() - make_interval(secs => :window_seconds)) AS by_client;

-- name: delete_login_attempts_for!
-- Forget an account's failures after a successful log-in.
DELETE FROM login_attempt WHERE lower(login) = lower(:login);

-- name: delete_old_login_attempts!
-- Prune failures older than a day.
DELETE FROM login_attempt WHERE attempted_at < now() - interval '1 day';
