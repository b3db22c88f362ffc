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

-- name: update_post_text^
-- Edit caption and alt text; only the author's own post matches.
UPDATE posts SET caption = :caption, alt_text = :alt_text
WHERE id = :id AND user_id = :user_id
RETURNING id;

-- name: delete_post$
-- Delete the author's own post (likes cascade) and return its media key.
DELETE FROM posts WHERE id = :id AND user_id = :user_id
RETURNING image;

-- name: list_feed_before
-- A feed page: posts older than the cursor, newest first (keyset on created_at, id).
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
