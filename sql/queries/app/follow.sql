-- Follows (follow table). Following and unfollowing take the followed account's delivery lock
-- shared, and the jobs that copy that account's posts into timelines take it exclusive
-- (timeline.sql): followers never wait for each other, and a post being delivered cannot reach a
-- follower who has just unfollowed, nor miss one who has just followed (README, "The home feed").

-- name: lock_account_to_follow$
-- The account with this username (any case), and its delivery lock, shared until the transaction ends.
-- The statements after this one see every delivery of its posts that finished before the lock was granted.
-- The row is share-locked too (KEY SHARE, what the follow's foreign key check takes): the account's
-- deletion (FOR UPDATE) then waits for this follow or unfollow, or has finished before it, and never
-- holds the account while waiting for the follow row (an unfollow's counter delta row would then
-- wait for the account: a deadlock).
SELECT u.id
FROM users u
CROSS JOIN LATERAL (SELECT pg_advisory_xact_lock_shared(hashtext('photoshare.feed'),
                                                        mod(u.id, 2147483647)::integer)) AS delivery_lock
WHERE lower(u.username) = lower(:username)
FOR KEY SHARE OF u;

-- name: insert_follow^
-- Follow an account (again: nothing changes). A push account's newest :backfill posts go into the
-- follower's timeline in the same statement, so they are on the home feed at once; "more" says
-- the account has older ones (for the backfill job).
WITH added AS (
    INSERT INTO follow (follower_id, followee_id)
    VALUES (:follower_id, :followee_id)
    ON CONFLICT (follower_id, followee_id) DO NOTHING
    RETURNING followee_id
), recent AS (
    SELECT p.created_at, p.id
    FROM added a
    JOIN profile pr ON pr.user_id = a.followee_id AND pr.feed_mode = 'push'
    CROSS JOIN LATERAL (SELECT created_at, id FROM posts
                        WHERE user_id = a.followee_id
                        ORDER BY created_at DESC, id DESC
                        LIMIT :backfill + 1) p
), copied AS (
    INSERT INTO timeline (user_id, post_created_at, post_id)
    SELECT :follower_id, created_at, id FROM recent
    ORDER BY created_at DESC, id DESC
    LIMIT :backfill
    ON CONFLICT DO NOTHING
)
SELECT EXISTS (SELECT 1 FROM added) AS added,
       (SELECT count(*) FROM recent) > :backfill AS more;

-- name: delete_follow$
-- Unfollow (again: nothing changes), and take the account's posts out of the follower's timeline
-- in the same statement: one probe of the timeline's key per post of the account. Returns how many
-- follows were removed (0 or 1).
WITH removed AS (
    DELETE FROM follow
    WHERE follower_id = :follower_id AND followee_id = :followee_id
    RETURNING followee_id
), uncopied AS (
    DELETE FROM timeline t
    USING removed r, posts p
    WHERE p.user_id = r.followee_id
      AND t.user_id = :follower_id AND t.post_created_at = p.created_at AND t.post_id = p.id
)
SELECT count(*) FROM removed;

-- name: get_follow_state^
-- Whether the user follows the account, and its follower count (with the deltas not folded in yet).
SELECT EXISTS (SELECT 1 FROM follow f
               WHERE f.follower_id = :follower_id AND f.followee_id = pr.user_id) AS following,
       (pr.follower_count + coalesce((SELECT sum(d.follower_count) FROM profile_counter_delta d
                                      WHERE d.user_id = pr.user_id), 0))::bigint AS follower_count
FROM profile pr
WHERE pr.user_id = :followee_id;

-- name: list_followers_before
-- An account's followers, most recent follow first, keyset on the follow's (created_at, id);
-- "followed" is whether the viewer follows each of them (one probe of follow's key each).
SELECT f.id, u.id AS user_id, u.username, pr.image, f.created_at,
       viewer_follow.followee_id IS NOT NULL AS followed
FROM follow f
JOIN users u ON u.id = f.follower_id
JOIN profile pr ON pr.user_id = u.id
LEFT JOIN LATERAL (SELECT v.followee_id FROM follow v
                   WHERE v.follower_id = :viewer_id AND v.followee_id = u.id LIMIT 1) viewer_follow ON true
WHERE f.followee_id = :user_id
  AND (f.created_at, f.id) < (:before_created_at, :before_id)
ORDER BY f.created_at DESC, f.id DESC
LIMIT :limit;

-- name: list_following_before
-- The accounts a user follows, most recent follow first, keyset on the follow's (created_at, id),
-- with whether the viewer follows each of them.
SELECT f.id, u.id AS user_id, u.username, pr.image, f.created_at,
       viewer_follow.followee_id IS NOT NULL AS followed
FROM follow f
JOIN users u ON u.id = f.followee_id
JOIN profile pr ON pr.user_id = u.id
LEFT JOIN LATERAL (SELECT v.followee_id FROM follow v
                   WHERE v.follower_id = :viewer_id AND v.followee_id = u.id LIMIT 1) viewer_follow ON true
WHERE f.follower_id = :user_id
  AND (f.created_at, f.id) < (:before_created_at, :before_id)
ORDER BY f.created_at DESC, f.id DESC
LIMIT :limit;

-- name: list_suggested_accounts
-- Accounts to follow, for a home feed with nobody else's posts: first the people who liked the
-- viewer's recent posts (most likes first; the newest 50 likes of each of the newest 50 posts),
-- then the most followed accounts; never the viewer or an account they follow.
WITH liked_mine AS (
    SELECT l.user_id, count(*) AS weight
    FROM (SELECT id FROM posts WHERE user_id = :viewer_id ORDER BY created_at DESC, id DESC LIMIT 50) mine
    CROSS JOIN LATERAL (SELECT user_id FROM like_post
                        WHERE post_id = mine.id
                        ORDER BY created_at DESC, id DESC LIMIT 50) l
    WHERE l.user_id <> :viewer_id
      AND NOT EXISTS (SELECT 1 FROM follow f WHERE f.follower_id = :viewer_id AND f.followee_id = l.user_id)
    GROUP BY l.user_id
    ORDER BY count(*) DESC, l.user_id
    LIMIT :limit
), popular AS (
    SELECT pr.user_id, pr.follower_count AS weight
    FROM profile pr
    WHERE pr.user_id <> :viewer_id
      AND NOT EXISTS (SELECT 1 FROM follow f WHERE f.follower_id = :viewer_id AND f.followee_id = pr.user_id)
    ORDER BY pr.follower_count DESC, pr.user_id
    LIMIT :limit
), ranked AS (
    SELECT DISTINCT ON (user_id) user_id, liked, weight
    FROM (SELECT user_id, true AS liked, weight FROM liked_mine
          UNION ALL
          SELECT user_id, false, weight FROM popular) c
    ORDER BY user_id, liked DESC
)
SELECT u.id AS user_id, u.username, pr.image, pr.follower_count, r.liked AS liked_your_posts
FROM ranked r
JOIN users u ON u.id = r.user_id
JOIN profile pr ON pr.user_id = u.id
ORDER BY r.liked DESC, r.weight DESC, u.id
LIMIT :limit;
