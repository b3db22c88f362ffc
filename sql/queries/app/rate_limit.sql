-- name: take_rate_limit$
-- Count one event of a subject if its allowance has room, in one statement (no race between the
-- check and the count): each event moves refilled_at one interval (window / allowed events) later,
-- from now at the latest; an event that would move it more than a window ahead is refused and
-- changes nothing. Returns refilled_at when counted, nothing when refused.
INSERT INTO rate_limit AS r (scope, subject, refilled_at)
VALUES (:scope, :subject, now() + make_interval(secs => :interval_seconds))
ON CONFLICT (scope, subject) DO UPDATE
SET refilled_at = greatest(r.refilled_at, now()) + make_interval(secs => :interval_seconds)
WHERE greatest(r.refilled_at, now()) + make_interval(secs => :interval_seconds)
      <= now() + make_interval(secs => :window_seconds)
RETURNING refilled_at;

-- name: get_rate_limit_wait$
-- Seconds until a refused subject may try again: until one interval of its allowance is back.
SELECT greatest(0, extract(epoch FROM r.refilled_at + make_interval(secs => :interval_seconds)
                                     - make_interval(secs => :window_seconds) - now()))::float8
FROM rate_limit r
WHERE r.scope = :scope AND r.subject = :subject;

-- name: delete_refilled_rate_limits!
-- Prune rows whose allowance is whole again (they mean the same as no row).
DELETE FROM rate_limit WHERE refilled_at < now();
