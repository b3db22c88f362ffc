-- name: insert_user_session$
-- Start a session; returns its id.
INSERT INTO user_session (user_id, token_hash, remember, device, network, idle_timeout, expires_at)
VALUES (:user_id, :token_hash, :remember, :device, :network, make_interval(secs => :idle_seconds),
        now() + make_interval(secs => :lifetime_seconds))
RETURNING id;

-- name: get_session_user^
-- The user of a live session, the session's id and the unread notification count for the badge
-- (the profile counter plus its waiting deltas, usually none): the one statement each logged-in
-- request runs to know who it is for, so the badge costs none of its own. It matches the presented token, or the token that replaced it within the
-- last minute (a request sent before the rotation reached the browser). It also notes the session
-- as seen, at most once every :touch_seconds, and replaces the token once it is :rotate_seconds
-- old (with :next_token_hash, derived from the presented token); `rotated` says the browser must
-- now hold the next token (two requests rotating at once write the same one).
WITH found AS (
    SELECT s.id, s.user_id,
           s.token_hash = :token_hash AND s.rotated_at < now() - make_interval(secs => :rotate_seconds) AS rotate,
           s.token_hash = :token_hash AND s.last_seen_at >= now() - make_interval(secs => :touch_seconds) AS fresh,
           s.token_hash = :next_token_hash AS behind
    FROM user_session s
    WHERE (s.token_hash = :token_hash
           OR (s.token_hash = :next_token_hash AND s.rotated_at > now() - interval '1 minute'))
      AND s.revoked_at IS NULL AND s.expires_at > now() AND s.last_seen_at + s.idle_timeout > now()
), touched AS (
    UPDATE user_session s
    SET last_seen_at = now(),
        token_hash = CASE WHEN f.rotate THEN :next_token_hash ELSE s.token_hash END,
        rotated_at = CASE WHEN f.rotate THEN now() ELSE s.rotated_at END
    FROM found f
    WHERE s.id = f.id AND (f.rotate OR NOT f.fresh) AND NOT f.behind
    RETURNING s.id
)
SELECT u.id, u.username, u.email, u.password, u.created_at, u.email_verified_at,
       f.id AS session_id, f.rotate OR f.behind AS rotated,
       (coalesce(pr.unread_notification_count, 0) + coalesce(d.unread, 0))::integer AS unread_notifications
FROM found f
JOIN users u ON u.id = f.user_id
LEFT JOIN profile pr ON pr.user_id = u.id
LEFT JOIN LATERAL (SELECT sum(unread_notification_count) AS unread
                   FROM profile_counter_delta WHERE user_id = u.id) d ON true;

-- name: get_active_user_sessions
-- An account's live sessions, most recently seen first, at most :limit (/settings/sessions).
SELECT id, device, network, remember, created_at, last_seen_at, expires_at
FROM user_session
WHERE user_id = :user_id AND revoked_at IS NULL AND expires_at > now() AND last_seen_at + idle_timeout > now()
ORDER BY last_seen_at DESC, id DESC
LIMIT :limit;

-- name: revoke_user_session$
-- End one of an account's sessions (log-out, or "log out" on the sessions page); returns its id.
UPDATE user_session SET revoked_at = now()
WHERE id = :id AND user_id = :user_id AND revoked_at IS NULL
RETURNING id;

-- name: revoke_other_user_sessions!
-- End every session of an account but one (:keep_id NULL: all of them).
UPDATE user_session SET revoked_at = now()
WHERE user_id = :user_id AND revoked_at IS NULL AND id IS DISTINCT FROM :keep_id;

-- name: delete_ended_user_sessions!
-- Prune sessions a day past their absolute expiry (revoked and idle ones end sooner, and are
-- refused from then on; their rows go at the same time).
DELETE FROM user_session WHERE expires_at < now() - interval '1 day';
