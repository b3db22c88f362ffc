-- name: insert_account_token^
-- A mailed link for a user, unless `max_per_hour` of that kind were made for them in the last
-- hour (then no row: nobody can flood an inbox). Returns the owner and address, or nothing.
INSERT INTO account_token (user_id, purpose, token_hash, email, expires_at)
SELECT :user_id, :purpose, :token_hash, :email, now() + make_interval(secs => :lifetime_seconds)
WHERE (SELECT count(*) FROM account_token
       WHERE user_id = :user_id AND purpose = :purpose AND created_at > now() - interval '1 hour') < :max_per_hour
RETURNING user_id, email;

-- name: insert_password_reset_token^
-- A password-reset link for the account whose verified address this is, within the hourly cap;
-- returns who gets it, or nothing. One statement whether or not such an account exists, so the
-- request takes the same time.
WITH recipient AS (
    SELECT u.id, u.username, u.email
    FROM users u
    WHERE lower(u.email) = lower(:email)
      AND u.email_verified_at IS NOT NULL
      AND (SELECT count(*) FROM account_token t
           WHERE t.user_id = u.id AND t.purpose = 'password_reset'
             AND t.created_at > now() - interval '1 hour') < :max_per_hour
), token AS (
    INSERT INTO account_token (user_id, purpose, token_hash, email, expires_at)
    SELECT id, 'password_reset', :token_hash, email, now() + make_interval(secs => :lifetime_seconds)
    FROM recipient
)
SELECT id AS user_id, username, email FROM recipient;

-- name: get_usable_account_token^
-- The owner of an unused, unexpired token (the reset page checks its link before showing the form).
SELECT user_id, email FROM account_token
WHERE token_hash = :token_hash AND purpose = :purpose AND used_at IS NULL AND expires_at > now();

-- name: use_account_token^
-- Mark an unused, unexpired token used and return its owner: single use even for two requests at
-- once (the second waits for the first's row lock, then no longer matches used_at IS NULL).
UPDATE account_token SET used_at = now()
WHERE token_hash = :token_hash AND purpose = :purpose AND used_at IS NULL AND expires_at > now()
RETURNING user_id, email;

-- name: void_account_tokens!
-- Make a user's unused links of one kind worthless (after a reset, the other reset links).
UPDATE account_token SET used_at = now()
WHERE user_id = :user_id AND purpose = :purpose AND used_at IS NULL;

-- name: delete_expired_account_tokens!
-- Prune tokens a day past their expiry (kept that long for a DBA looking into a complaint).
DELETE FROM account_token WHERE expires_at < now() - interval '1 day';
