-- Deleting an account takes its locks in one order, the order every other flow takes them in,
-- so that it never deadlocks with likes, uploads or another deletion (services/accounts.py):
--   1. one account deletion at a time;
--   2. the account's profile row: uploads and picture changes take it first too;
--   3. the account's posts: likes, unlikes and comment deletions take the post before anything
--      else of it;
--   4. the account's users row: from here its own likes and sessions wait, and so do follows
--      and unfollows of it and deletions of its comments (they take the row first);
--   5. the posts it liked, whose counters the deletion changes;
-- then the DELETE, whose cascades and triggers touch only rows already held.

-- name: lock_account_deletions!
-- One account deletion at a time (rare, and two deleting accounts that liked each other's posts
-- would otherwise lock each other's posts in opposite orders). Released at commit.
SELECT pg_advisory_xact_lock(hashtext('photoshare.account_deletion'));

-- name: lock_profile_for_deletion!
-- The account's profile row: waits for its uploads and picture changes in progress, holds off new ones.
SELECT id FROM profile WHERE user_id = :user_id FOR UPDATE;

-- name: lock_posts_for_deletion!
-- The account's posts: waits for the likes and unlikes in progress, holds off new ones (FOR UPDATE
-- conflicts with the KEY SHARE a new like's foreign key check takes).
SELECT id FROM posts WHERE user_id = :user_id ORDER BY id FOR UPDATE;

-- name: lock_user_for_deletion!
-- The users row: from here the account's own likes (their foreign key check) wait for the deletion.
SELECT id FROM users WHERE id = :user_id FOR UPDATE;

-- name: lock_posts_liked_by!
-- The other posts the account liked, whose like_count the deletion lowers; NO KEY UPDATE lets
-- others keep liking them (their foreign key check takes only KEY SHARE).
SELECT p.id FROM posts p
WHERE p.id IN (SELECT l.post_id FROM like_post l WHERE l.user_id = :user_id)
ORDER BY p.id FOR NO KEY UPDATE;
