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
-- The post, then the comment's writer, are share-locked first, in the order an account deletion
-- takes them (account_deletion.sql), so the deletion of either account never holds what this
-- needs while waiting for this comment: the post's (its comment_post_count trigger may wait for
-- it), or the writer's (whose cascades delete this comment's notifications, as this does).
DELETE FROM comment c
USING (SELECT c0.id, p.user_id AS post_author_id
       FROM comment c0
       JOIN posts p ON p.id = c0.post_id
       JOIN users writer ON writer.id = c0.user_id
       WHERE c0.id = :id
       FOR KEY SHARE OF p, writer) held
WHERE c.id = held.id AND (c.user_id = :user_id OR held.post_author_id = :user_id)
RETURNING c.post_id;

-- name: get_comment_owners^
-- A comment's author and its post's author (to tell a refused delete from a missing comment).
SELECT c.id, c.post_id, c.user_id, p.user_id AS post_author_id
FROM comment c
JOIN posts p ON p.id = c.post_id
WHERE c.id = :id;
