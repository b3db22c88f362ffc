-- Look-ups for the benchmark (bench/run.py): which pages to measure on the seeded data.

-- name: bench_heaviest_author^
-- The user with the most posts: the most expensive profile page.
SELECT u.id, u.username, count(*) AS post_count
FROM posts p
JOIN users u ON u.id = p.user_id
GROUP BY u.id, u.username
ORDER BY count(*) DESC, u.id
LIMIT 1;

-- name: bench_most_liked_post^
-- The post with the most likes.
SELECT id, like_count FROM posts ORDER BY like_count DESC, id LIMIT 1;

-- name: bench_unliked_post^
-- A post nobody likes, to compare with the most-liked one.
SELECT id, like_count FROM posts WHERE like_count = 0 ORDER BY id LIMIT 1;

-- name: bench_most_commented_post^
-- The post with the most comments: its page lists a full page of them.
SELECT id, comment_count FROM posts ORDER BY comment_count DESC, id LIMIT 1;

-- name: bench_uncommented_post^
-- A post nobody has commented on or liked, to compare with the most-commented one.
SELECT id, comment_count FROM posts WHERE comment_count = 0 AND like_count = 0 ORDER BY id LIMIT 1;

-- name: bench_now$
-- The database's clock, to find what the benchmark adds after it.
SELECT now();

-- name: bench_delete_comments!
-- Take back the comments the benchmark added (so a reused database stays as seeded).
DELETE FROM comment WHERE user_id = :user_id AND created_at >= :since;

-- name: bench_feed_position^
-- The feed row at a given depth, whose (created_at, id) is the cursor of the page after it.
SELECT created_at, id FROM posts ORDER BY created_at DESC, id DESC OFFSET :offset LIMIT 1;

-- name: bench_post_count$
-- All posts.
SELECT count(*) FROM posts;

-- name: bench_some_posts
-- Posts to like and unlike, spread over the table.
SELECT id FROM posts ORDER BY id DESC LIMIT :limit;

-- name: bench_viewer^
-- The account the benchmark logs in as: an ordinary user with a few posts.
SELECT u.id, u.username
FROM users u
WHERE EXISTS (SELECT 1 FROM posts p WHERE p.user_id = u.id)
ORDER BY u.id DESC
LIMIT 1;

-- name: bench_enable_statement_stats#
-- pg_stat_statements counts the statements each page runs (the server preloads it).
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;

-- name: bench_reset_statement_stats#
-- Forget the statements counted so far.
SELECT pg_stat_statements_reset();

-- name: bench_statements_since_reset
-- Statements run by the app since the last reset (the benchmark's own look-ups excluded, and the
-- job worker's: it connects as bench_worker, and its jobs run beside the request being counted).
SELECT query, calls
FROM pg_stat_statements
WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND userid NOT IN (SELECT oid FROM pg_roles WHERE rolname = 'bench_worker')
  AND position('pg_stat_statements' in query) = 0
ORDER BY calls DESC;

-- name: bench_server_version$
-- The PostgreSQL version, for the results.
SELECT current_setting('server_version');

-- name: bench_insert_user$
-- An account for the contention benchmark (bench/contention.py); it never logs in.
INSERT INTO users (username, email, password)
VALUES (:username, :username || '@example.com', 'scrypt:32768:8:1$bench$0')
RETURNING id;

-- name: bench_insert_profile!
-- Its profile row.
INSERT INTO profile (user_id) VALUES (:user_id);

-- name: bench_insert_post$
-- A post for the contention benchmark.
INSERT INTO posts (user_id, image) VALUES (:user_id, 'post/' || :tag || '-20250101T000000000000Z.jpg')
RETURNING id;

-- name: bench_timeline_copies_of_post$
-- How many timelines hold a post: delivery is done when it is the author's follower count.
SELECT count(*) FROM timeline WHERE post_id = :post_id;

-- name: bench_follow_viewer^
-- An account following about :following others (the closest), for the home feed rows.
SELECT u.id, u.username, pr.following_count
FROM profile pr JOIN users u ON u.id = pr.user_id
ORDER BY abs(pr.following_count - :following), u.id
LIMIT 1;

-- name: bench_most_followed^
-- The most followed account, and the most followed one whose posts are still copied (push).
SELECT u.id, u.username, pr.follower_count, pr.feed_mode
FROM profile pr JOIN users u ON u.id = pr.user_id
WHERE pr.feed_mode = :feed_mode OR :feed_mode = 'any'
ORDER BY pr.follower_count DESC, u.id
LIMIT 1;

-- name: bench_star_follower^
-- A follower of the given account who follows about :following accounts in all.
SELECT u.id, u.username, pr.following_count
FROM follow f JOIN profile pr ON pr.user_id = f.follower_id JOIN users u ON u.id = f.follower_id
WHERE f.followee_id = :star_id
ORDER BY abs(pr.following_count - :following), u.id
LIMIT 1;

-- name: bench_unfollowed_account^
-- An ordinary account with a few posts (a push account, nothing left for a backfill job) that the
-- viewer does not follow, to follow and unfollow.
SELECT u.id, u.username, pr.post_count
FROM profile pr JOIN users u ON u.id = pr.user_id
WHERE pr.feed_mode = 'push' AND pr.post_count BETWEEN 1 AND 20 AND u.id <> :viewer_id
  AND NOT EXISTS (SELECT 1 FROM follow f WHERE f.follower_id = :viewer_id AND f.followee_id = u.id)
ORDER BY pr.post_count DESC, u.id
LIMIT 1;

-- name: bench_unfollowed_author^
-- An account nobody follows (the fewest followers, if everyone has some), to publish as.
SELECT u.id, u.username, pr.follower_count
FROM profile pr JOIN users u ON u.id = pr.user_id
ORDER BY pr.follower_count, u.id
LIMIT 1;

-- name: bench_home_feed_depth$
-- How many posts a viewer's home feed has: own posts, timeline copies and followed pull accounts' posts.
SELECT count(*) FROM (
    SELECT post_id FROM timeline WHERE user_id = :viewer_id
    UNION
    SELECT id FROM posts WHERE user_id = :viewer_id
    UNION
    SELECT p.id FROM follow f JOIN profile pr ON pr.user_id = f.followee_id AND pr.feed_mode = 'pull'
    JOIN posts p ON p.user_id = f.followee_id WHERE f.follower_id = :viewer_id) feed;

-- name: bench_home_feed_position^
-- The viewer's home feed row at a given depth, whose (created_at, id) is the cursor of the page after it.
SELECT created_at, id FROM (
    SELECT post_id AS id, post_created_at AS created_at FROM timeline WHERE user_id = :viewer_id
    UNION
    SELECT id, created_at FROM posts WHERE user_id = :viewer_id
    UNION
    SELECT p.id, p.created_at FROM follow f JOIN profile pr ON pr.user_id = f.followee_id AND pr.feed_mode = 'pull'
    JOIN posts p ON p.user_id = f.followee_id WHERE f.follower_id = :viewer_id) feed
ORDER BY created_at DESC, id DESC
OFFSET :offset LIMIT 1;

-- name: bench_delivery_pending$
-- Whether a post's delivery job is still queued or running.
SELECT EXISTS (SELECT 1 FROM procrastinate_jobs
               WHERE task_name = 'deliver_post' AND (args ->> 'post_id')::bigint = :post_id
                 AND status IN ('todo', 'doing'));

-- name: bench_follower_count$
-- An account's follower count (with deltas).
SELECT (pr.follower_count + coalesce((SELECT sum(d.follower_count) FROM profile_counter_delta d
                                      WHERE d.user_id = pr.user_id), 0))::bigint
FROM profile pr WHERE pr.user_id = :user_id;

-- name: bench_feed_mode$
-- An account's feed mode (push or pull).
SELECT feed_mode FROM profile WHERE user_id = :user_id;

-- name: bench_create_worker_role#
-- The role the benchmark's job worker connects as, so that its statements are not counted as a page's.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bench_worker') THEN
        CREATE ROLE bench_worker LOGIN SUPERUSER;
    END IF;
END;
$$;

-- name: bench_popular_tag^
-- The tag on the most posts: its page 1 and its page at 90 % depth.
SELECT id, name, post_count FROM hashtag ORDER BY post_count DESC, id LIMIT 1;

-- name: bench_rare_tag^
-- A tag on only a few posts (a single short page), from the long tail.
SELECT id, name, post_count FROM hashtag WHERE post_count BETWEEN 2 AND 5 ORDER BY id DESC LIMIT 1;

-- name: bench_tag_position^
-- The tag page row at a given depth, whose (created_at, id) is the cursor of the page after it.
SELECT post_created_at AS created_at, post_id AS id
FROM post_hashtag
WHERE hashtag_id = :hashtag_id
ORDER BY post_created_at DESC, post_id DESC
OFFSET :offset LIMIT 1;

-- name: bench_tag_count$
-- All tags (the search's other half).
SELECT count(*) FROM hashtag;
-- name: bench_notifications_off#
-- Likes, comments and follows without their notifications: the same round trips measured both ways in
-- one run (bench/run.py); bench_notifications_on puts the triggers back.
ALTER TABLE like_post DISABLE TRIGGER like_post_notification;
ALTER TABLE comment DISABLE TRIGGER comment_notification;
ALTER TABLE follow DISABLE TRIGGER follow_notification;

-- name: bench_notifications_on#
-- The notification triggers back on (after bench_notifications_off).
ALTER TABLE like_post ENABLE TRIGGER like_post_notification;
ALTER TABLE comment ENABLE TRIGGER comment_notification;
ALTER TABLE follow ENABLE TRIGGER follow_notification;

-- name: bench_sync_notifications!
-- After writes with the notification triggers off, the actor's like and follow notifications as
-- the triggers would have left them: none for an undone action (a stale row would make the next
-- like or follow a duplicate key), one for each that stands.
WITH stale AS (
    DELETE FROM notification n
    WHERE n.actor_id = :actor_id
      AND ((n.kind = 'like' AND NOT EXISTS (SELECT 1 FROM like_post l
                                            WHERE l.user_id = n.actor_id AND l.post_id = n.post_id))
           OR (n.kind = 'follow' AND NOT EXISTS (SELECT 1 FROM follow f
                                                 WHERE f.follower_id = n.actor_id AND f.followee_id = n.recipient_id)))
), liked AS (
    INSERT INTO notification (recipient_id, actor_id, kind, post_id, created_at)
    SELECT p.user_id, l.user_id, 'like', l.post_id, l.created_at
    FROM like_post l JOIN posts p ON p.id = l.post_id
    WHERE l.user_id = :actor_id AND p.user_id <> l.user_id
    ON CONFLICT DO NOTHING
)
INSERT INTO notification (recipient_id, actor_id, kind, created_at)
SELECT f.followee_id, f.follower_id, 'follow', f.created_at
FROM follow f
WHERE f.follower_id = :actor_id
ON CONFLICT DO NOTHING;

-- name: bench_notification_count$
-- An account's notifications (the benchmark reports the size of the page it measures).
SELECT count(*) FROM notification WHERE recipient_id = :user_id;
