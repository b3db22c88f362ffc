-- Timelines: copies of pushed posts for their author's followers (README, "The home feed").
-- The jobs that write them (post delivery, follow backfill) hold the author's delivery lock
-- exclusive, in their own short transactions; follow.sql takes it shared.

-- name: lock_author_deliveries!
-- The author's delivery lock, exclusive until the transaction ends: no follow or unfollow of the
-- author is half-way while this transaction copies the author's posts.
SELECT pg_advisory_xact_lock(hashtext('photoshare.feed'), mod(:author_id, 2147483647)::integer);

-- name: get_post_delivery^
-- What delivering a post needs: its author, and the author's mode and follower count (with deltas).
SELECT p.id, p.user_id, pr.feed_mode,
       (pr.follower_count + coalesce((SELECT sum(d.follower_count) FROM profile_counter_delta d
                                      WHERE d.user_id = pr.user_id), 0))::bigint AS follower_count
FROM posts p
JOIN profile pr ON pr.user_id = p.user_id
WHERE p.id = :post_id;

-- name: set_feed_mode_pull!
-- The author has too many followers to copy posts to: from now on their followers read them.
UPDATE profile SET feed_mode = 'pull' WHERE user_id = :user_id AND feed_mode = 'push';

-- name: deliver_post_batch^
-- Copy a post into the timelines of the author's next :limit followers after the cursor (follows
-- in (created_at, id) order, so a follow made meanwhile comes later, not in between). Copies that
-- already exist are left alone: a batch run twice changes nothing. Returns how many followers the
-- batch had and the cursor after it.
WITH batch AS (
    SELECT f.follower_id, f.created_at, f.id
    FROM follow f
    WHERE f.followee_id = :author_id
      AND (f.created_at, f.id) > (:after_created_at, :after_id)
    ORDER BY f.created_at, f.id
    LIMIT :limit
), copied AS (
    INSERT INTO timeline (user_id, post_created_at, post_id)
    SELECT b.follower_id, p.created_at, p.id
    FROM batch b
    CROSS JOIN posts p
    WHERE p.id = :post_id
    ON CONFLICT DO NOTHING
)
SELECT count(*) AS followers, max(created_at) AS last_created_at,
       (array_agg(id ORDER BY created_at DESC, id DESC))[1] AS last_id
FROM batch;

-- name: backfill_timeline!
-- Copy every post of a push account into a follower's timeline, if they still follow it (the
-- follow itself copied the newest ones already; those are left alone).
INSERT INTO timeline (user_id, post_created_at, post_id)
SELECT f.follower_id, p.created_at, p.id
FROM follow f
JOIN profile pr ON pr.user_id = f.followee_id AND pr.feed_mode = 'push'
JOIN posts p ON p.user_id = f.followee_id
WHERE f.follower_id = :follower_id AND f.followee_id = :followee_id
ON CONFLICT DO NOTHING;
