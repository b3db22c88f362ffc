-- name: reserve_post_id$
-- A fresh post id, taken before the insert because the media key contains it.
SELECT nextval(pg_get_serial_sequence('posts', 'id'));

-- name: insert_post!
-- Create a post under a reserved id.
INSERT INTO posts (id, user_id, caption, alt_text, image, image_width, image_height, image_bytes)
VALUES (:id, :user_id, :caption, :alt_text, :image, :image_width, :image_height, :image_bytes);

-- name: get_post_by_id^
-- One post with its author and whether the viewer likes it.
SELECT pv.*, viewer_like.post_id IS NOT NULL AS liked
FROM post_view pv
LEFT JOIN LATERAL (SELECT l.post_id FROM like_post l
                   WHERE l.user_id = :viewer_id AND l.post_id = pv.id LIMIT 1) viewer_like ON true
WHERE pv.id = :id;

-- name: update_post_text$
-- Edit caption and alt text; only the author's own post matches. Returns the caption it replaced,
-- read under the row's lock (so of the latest committed edit, not of an earlier read), or NULL
-- when nothing matched.
UPDATE posts p SET caption = :caption, alt_text = :alt_text
FROM (SELECT id, caption FROM posts WHERE id = :id AND user_id = :user_id FOR NO KEY UPDATE) AS replaced
WHERE p.id = replaced.id
RETURNING replaced.caption;

-- name: delete_post$
-- Delete the author's own post (likes cascade) and return its media key.
DELETE FROM posts WHERE id = :id AND user_id = :user_id
RETURNING image;

-- name: list_feed_before
-- An explore page: everyone's posts older than the cursor, newest first (keyset on created_at, id).
-- The first page passes ('infinity', max bigint) as the cursor.
-- "liked" is one probe of like_post's (user_id, post_id) index per post: the LIMIT 1 keeps the
-- lateral subquery a per-row lookup, where an EXISTS could be planned as a hash of all the
-- viewer's likes, read on every page (its cost grew with how much the viewer had liked).
SELECT pv.*, viewer_like.post_id IS NOT NULL AS liked
FROM post_view pv
LEFT JOIN LATERAL (SELECT l.post_id FROM like_post l
                   WHERE l.user_id = :viewer_id AND l.post_id = pv.id LIMIT 1) viewer_like ON true
WHERE (pv.created_at, pv.id) < (:before_created_at, :before_id)
ORDER BY pv.created_at DESC, pv.id DESC
LIMIT :limit;

-- name: list_home_feed_before
-- A home feed page: the viewer's own posts and those of the accounts they follow, newest first,
-- keyset on (created_at, id), in one statement whatever the depth or the number of follows.
-- Three sources, each cut to one page before they meet: the viewer's timeline (copies of push
-- accounts' posts, one backward range of its key), the viewer's own posts, and the posts of the
-- few pull accounts the viewer follows, read here (one probe of follow's key per pull account,
-- then one range of each one's posts). UNION drops a post that two sources hold (a pull account's
-- posts from before it became one are still in old followers' timelines). "liked" as in the feed.
WITH pulled AS (
    SELECT pr.user_id
    FROM profile pr
    CROSS JOIN LATERAL (SELECT 1 FROM follow f
                        WHERE f.follower_id = :viewer_id AND f.followee_id = pr.user_id LIMIT 1) followed
    WHERE pr.feed_mode = 'pull'
), candidate AS (
    (SELECT t.post_id AS id, t.post_created_at AS created_at
     FROM timeline t
     WHERE t.user_id = :viewer_id
       AND (t.post_created_at, t.post_id) < (:before_created_at, :before_id)
     ORDER BY t.post_created_at DESC, t.post_id DESC
     LIMIT :limit)
    UNION
    (SELECT p.id, p.created_at
     FROM posts p
     WHERE p.user_id = :viewer_id
       AND (p.created_at, p.id) < (:before_created_at, :before_id)
     ORDER BY p.created_at DESC, p.id DESC
     LIMIT :limit)
    UNION
    SELECT recent.id, recent.created_at
    FROM pulled
    CROSS JOIN LATERAL (SELECT p.id, p.created_at
                        FROM posts p
                        WHERE p.user_id = pulled.user_id
                          AND (p.created_at, p.id) < (:before_created_at, :before_id)
                        ORDER BY p.created_at DESC, p.id DESC
                        LIMIT :limit) recent
), page AS (
    SELECT id FROM candidate ORDER BY created_at DESC, id DESC LIMIT :limit
)
SELECT pv.*, viewer_like.post_id IS NOT NULL AS liked
FROM page
JOIN post_view pv ON pv.id = page.id
LEFT JOIN LATERAL (SELECT l.post_id FROM like_post l
                   WHERE l.user_id = :viewer_id AND l.post_id = pv.id LIMIT 1) viewer_like ON true
ORDER BY pv.created_at DESC, pv.id DESC;

-- name: list_user_posts_before
-- A profile grid page: one user's posts older than the cursor, newest first.
SELECT pv.*, viewer_like.post_id IS NOT NULL AS liked
FROM post_view pv
LEFT JOIN LATERAL (SELECT l.post_id FROM like_post l
                   WHERE l.user_id = :viewer_id AND l.post_id = pv.id LIMIT 1) viewer_like ON true
WHERE pv.user_id = :user_id
  AND (pv.created_at, pv.id) < (:before_created_at, :before_id)
ORDER BY pv.created_at DESC, pv.id DESC
LIMIT :limit;
