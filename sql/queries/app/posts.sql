-- name: reserve_post_id$
-- A fresh post id, taken before the insert because the media key contains it.
SELECT nextval(pg_get_serial_sequence('posts', 'id'));

-- name: insert_post^
-- Create a post under a reserved id.
INSERT INTO posts (id, user_id, caption, alt_text, image, image_width, image_height)
VALUES (:id, :user_id, :caption, :alt_text, :image, :image_width, :image_height)
RETURNING id, user_id, caption, alt_text, image, image_width, image_height,
          like_count, created_at, updated_at;

-- name: get_post_by_id^
-- One post with its author and whether the viewer likes it.
SELECT p.id, p.user_id, u.username AS author, p.caption, p.alt_text, p.image,
       p.image_width, p.image_height, p.like_count, p.created_at, p.updated_at,
       viewer_like.post_id IS NOT NULL AS liked
FROM posts p
JOIN users u ON u.id = p.user_id
LEFT JOIN LATERAL (SELECT l.post_id FROM like_post l
                   WHERE l.user_id = :viewer_id AND l.post_id = p.id LIMIT 1) viewer_like ON true
WHERE p.id = :id;

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
SELECT p.id, p.user_id, u.username AS author, p.caption, p.alt_text, p.image,
       p.image_width, p.image_height, p.like_count, p.created_at, p.updated_at,
       viewer_like.post_id IS NOT NULL AS liked
FROM posts p
JOIN users u ON u.id = p.user_id
LEFT JOIN LATERAL (SELECT l.post_id FROM like_post l
                   WHERE l.user_id = :viewer_id AND l.post_id = p.id LIMIT 1) viewer_like ON true
WHERE (p.created_at, p.id) < (:before_created_at, :before_id)
ORDER BY p.created_at DESC, p.id DESC
LIMIT :limit;

-- name: list_user_posts_before
-- A profile grid page: one user's posts older than the cursor, newest first.
SELECT p.id, p.user_id, u.username AS author, p.caption, p.alt_text, p.image,
       p.image_width, p.image_height, p.like_count, p.created_at, p.updated_at,
       viewer_like.post_id IS NOT NULL AS liked
FROM posts p
JOIN users u ON u.id = p.user_id
LEFT JOIN LATERAL (SELECT l.post_id FROM like_post l
                   WHERE l.user_id = :viewer_id AND l.post_id = p.id LIMIT 1) viewer_like ON true
WHERE p.user_id = :user_id
  AND (p.created_at, p.id) < (:before_created_at, :before_id)
ORDER BY p.created_at DESC, p.id DESC
LIMIT :limit;
