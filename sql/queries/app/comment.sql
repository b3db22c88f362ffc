-- name: insert_comment^
-- Add a comment and return it as the post page lists it; a missing post violates the foreign key.
INSERT INTO comment (post_id, user_id, body)
VALUES (:post_id, :user_id, :body)
RETURNING id, user_id, (SELECT u.username FROM users u WHERE u.id = comment.user_id) AS author,
          body, created_at, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_iso,
          mentioned_usernames(body) AS mentions,
          (SELECT pr.image FROM profile pr WHERE pr.user_id = comment.user_id) AS author_image;

-- name: list_comments_after
-- A page of a post's comments, oldest first, after the cursor (keyset on created_at, id); the first
-- page passes the earliest possible cursor. Each comment brings its author's picture, the accounts its
-- @names mention, and
-- its time as ISO 8601 text: to_char costs the database a fraction of what Python's isoformat costs
-- the page, fifty times. The CASE spares most comments the call of mentioned_usernames().
SELECT c.id, c.user_id, u.username AS author, c.body, c.created_at,
       to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_iso,
       CASE WHEN strpos(c.body, '@') > 0 THEN mentioned_usernames(c.body) END AS mentions,
       pr.image AS author_image
FROM comment c
JOIN users u ON u.id = c.user_id
LEFT JOIN profile pr ON pr.user_id = c.user_id
WHERE c.post_id = :post_id
  AND (c.created_at, c.id) > (:after_created_at, :after_id)
ORDER BY c.created_at, c.id
LIMIT :limit;

-- name: get_comment_count$
-- A post's exact comment count (row plus waiting deltas, as post_view reads it); NULL when missing.
SELECT comment_count FROM post_view WHERE id = :post_id;

-- name: delete_comment$
-- Delete a comment if the user wrote it or wrote its post; returns the post's id, NULL when not.
-- The post is share-locked first, as delete_like does: a post deletion then never holds the post
-- while waiting for this comment (whose comment_post_count trigger may wait for the post).
DELETE FROM comment c
USING (SELECT p.id, p.user_id FROM posts p
       WHERE p.id = (SELECT post_id FROM comment WHERE id = :id)
       FOR KEY SHARE) p
WHERE c.id = :id AND p.id = c.post_id AND (c.user_id = :user_id OR p.user_id = :user_id)
RETURNING c.post_id;

-- name: get_comment_owners^
-- A comment's author and its post's author (to tell a refused delete from a missing comment).
SELECT c.id, c.post_id, c.user_id, p.user_id AS post_author_id
FROM comment c
JOIN posts p ON p.id = c.post_id
WHERE c.id = :id;
