-- name: insert_like!
-- Like a post; liking it again changes nothing (idempotent).
INSERT INTO like_post (user_id, post_id)
VALUES (:user_id, :post_id)
ON CONFLICT (user_id, post_id) DO NOTHING;

-- name: delete_like!
-- Unlike a post; unliking one never liked changes nothing. The post is share-locked first (KEY
-- SHARE, what a like's foreign key check takes): a post or account deletion (FOR UPDATE) then
-- either waits for this unlike or has finished before it, and never holds the post while waiting
-- for this like row (the like_post_count trigger's delta row would then wait for the post: a
-- deadlock). KEY SHARE does not wait for the likes and unlikes holding the post's counters, so the
-- unlikes of a viral post are no queue.
DELETE FROM like_post l
USING (SELECT id FROM posts WHERE id = :post_id FOR KEY SHARE) p
WHERE l.post_id = p.id AND l.user_id = :user_id;

-- name: get_like_state^
-- Whether the user likes the post, and its exact count (read after a change).
SELECT pv.like_count,
       EXISTS (SELECT 1 FROM like_post l
               WHERE l.post_id = pv.id AND l.user_id = :user_id) AS liked
FROM post_view pv
WHERE pv.id = :post_id;

-- name: list_likers_before
-- Who liked a post (with their name and picture), most recent first, keyset on (created_at, id) of the like.
SELECT l.id, u.username, l.created_at, pr.display_name, pr.image
FROM like_post l
JOIN users u ON u.id = l.user_id
JOIN profile pr ON pr.user_id = l.user_id
WHERE l.post_id = :post_id
  AND (l.created_at, l.id) < (:before_created_at, :before_id)
ORDER BY l.created_at DESC, l.id DESC
LIMIT :limit;

