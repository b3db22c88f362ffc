-- name: lock_login_client!
-- Take one client's lock until the end of the transaction: its attempts are counted one at a time.
SELECT pg_advisory_xact_lock(hashtextextended('login_attempt ' || :client_addr, 0));

-- name: insert_login_attempt_within_limit$
-- Record a client's attempt at a name unless it tried :per_client other names in the window
-- (run under lock_login_client, which makes the count and the insert one step); returns the
-- attempt's id, nothing when refused.
INSERT INTO login_attempt (login, client_addr)
SELECT :login, :client_addr
WHERE (SELECT count(DISTINCT lower(a.login)) FROM login_attempt a
       WHERE a.client_addr = :client_addr AND a.attempted_at > now() - make_interval(secs => :window_seconds)
         AND lower(a.login) <> lower(:login)) < :per_client
RETURNING id;

-- name: get_login_client_wait$
-- Seconds until a refused client's oldest name in the window leaves it.
SELECT greatest(0, extract(epoch FROM min(attempted_at) + make_interval(secs => :window_seconds) - now()))::float8
FROM login_attempt
WHERE client_addr = :client_addr AND attempted_at > now() - make_interval(secs => :window_seconds);

-- name: delete_login_attempts_for!
-- Forget the attempts at a name after it logged in.
DELETE FROM login_attempt WHERE lower(login) = lower(:login);

-- name: delete_old_login_attempts!
-- Prune attempts older than a day.
DELETE FROM login_attempt WHERE attempted_at < now() - interval '1 day';

-- name: reserve_login_throttle$
-- Reserve one password attempt of a subject unless it must wait, in one statement: attempts
-- 1 to :free - 1 go at once; attempt n >= :free makes the next one wait :base_seconds * 2^(n - :free),
-- at most :max_seconds. A subject last tried :forget_seconds ago starts again at 1. Returns the
-- attempt's number, nothing when it must wait (nothing is counted then).
INSERT INTO login_throttle AS t (subject, attempts, next_attempt_at)
VALUES (:subject, 1, now() + make_interval(secs => CASE WHEN 1 < :free THEN 0
                                                   ELSE least(:max_seconds, :base_seconds) END))
ON CONFLICT (subject) DO UPDATE
SET last_attempt_at = now(),
    attempts = CASE WHEN t.last_attempt_at < now() - make_interval(secs => :forget_seconds) THEN 1
                    ELSE t.attempts + 1 END,
    next_attempt_at = now() + make_interval(secs => CASE
        WHEN t.last_attempt_at < now() - make_interval(secs => :forget_seconds) OR t.attempts + 1 < :free THEN 0
        ELSE least(:max_seconds, :base_seconds * power(2, least(t.attempts + 1 - :free, 30))) END)
WHERE t.next_attempt_at <= now() OR t.last_attempt_at < now() - make_interval(secs => :forget_seconds)
RETURNING attempts;

-- name: get_login_throttle_wait$
-- Seconds until a subject that must wait may try again.
SELECT greatest(0, extract(epoch FROM next_attempt_at - now()))::float8
FROM login_throttle
WHERE subject = :subject;

-- name: delete_login_throttle!
-- Forget a subject's attempts after a success.
DELETE FROM login_throttle WHERE subject = :subject;

-- name: delete_old_login_throttles!
-- Prune subjects last tried more than a day ago.
DELETE FROM login_throttle WHERE last_attempt_at < now() - make_interval(secs => :forget_seconds);
