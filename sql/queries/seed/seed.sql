-- Bulk demo data for `flask seed`. The loader runs these in one transaction, in order:
-- prepare, COPY users/profile/posts/hashtag/post_hashtag/like_post/follow/timeline/comment, derive the
-- notifications, finish, then the checks and ANALYZE.

-- name: count_seed_rows$
-- Rows already in the tables the seed fills (it refuses to mix with real data unless reset).
SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM posts) + (SELECT count(*) FROM like_post)
       + (SELECT count(*) FROM follow) + (SELECT count(*) FROM comment);

-- name: prepare_seed_load#
-- Empty the tables, then take the secondary indexes, foreign keys and the counters' triggers off
-- posts, like_post and comment (the loader writes the counters itself): building an index once
-- from sorted data, and checking a foreign key with one join, is far faster than maintaining them
-- row by row during COPY.
-- TRUNCATE in this transaction also lets COPY FREEZE write rows already frozen and visible.
SET LOCAL maintenance_work_mem = '512MB';
TRUNCATE notification, comment, post_counter_delta, timeline, follow, like_post, post_hashtag, hashtag_counter_delta,
    hashtag, posts, profile_counter_delta, profile, account_token, user_session, login_throttle, users
    RESTART IDENTITY;
-- Deliveries of the replaced posts have nothing left to do.
DELETE FROM procrastinate_jobs WHERE queue_name = 'feed' AND status = 'todo';
ALTER TABLE like_post DISABLE TRIGGER like_post_count;
ALTER TABLE posts DISABLE TRIGGER posts_profile_counters;
ALTER TABLE follow DISABLE TRIGGER follow_profile_counters;
ALTER TABLE comment DISABLE TRIGGER comment_post_count;
ALTER TABLE post_hashtag DISABLE TRIGGER post_hashtag_count;
-- Notifications are derived from the loaded rows in one statement (derive_seed_notifications).
ALTER TABLE like_post DISABLE TRIGGER like_post_notification;
ALTER TABLE follow DISABLE TRIGGER follow_notification;
ALTER TABLE comment DISABLE TRIGGER comment_notification;
ALTER TABLE notification DISABLE TRIGGER notification_unread_added;
-- The foreign keys, keys and indexes of the tables loaded in bulk, kept as the DDL that puts
-- them back (finish_seed_load runs it), then dropped. A key another table's foreign key refers to
-- stays (posts and comment keep their primary keys).
CREATE TEMPORARY TABLE seed_deferred_ddl ON COMMIT DROP AS
WITH loaded (rel) AS (
    VALUES ('posts'::regclass), ('like_post'::regclass), ('follow'::regclass), ('timeline'::regclass),
           ('comment'::regclass), ('post_hashtag'::regclass), ('notification'::regclass)
)
SELECT CASE c.contype WHEN 'f' THEN 1 ELSE 2 END AS drop_order,
       CASE c.contype WHEN 'f' THEN 2 ELSE 1 END AS create_order,
       format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname) AS drop_ddl,
       format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname,
              pg_get_constraintdef(c.oid)) AS create_ddl
FROM pg_constraint c
JOIN loaded ON loaded.rel = c.conrelid
WHERE c.contype = 'f'
   OR (c.contype IN ('p', 'u')
       AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid))
UNION ALL
SELECT 3, 1, format('DROP INDEX %s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid)
FROM pg_index i
JOIN loaded ON loaded.rel = i.indrelid
WHERE NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid);
DO $$
DECLARE
    ddl text;
BEGIN
    FOR ddl IN SELECT drop_ddl FROM seed_deferred_ddl ORDER BY drop_order LOOP
        EXECUTE ddl;
    END LOOP;
END;
$$;

-- name: copy_users!
-- COPY target for users (explicit ids, so posts and likes can refer to them).
COPY users (id, username, email, password, created_at, updated_at) FROM STDIN (FREEZE);

-- name: copy_profiles!
-- COPY target for profile: one row per user, without a picture; the counters are already exact,
-- and accounts with FEED_PULL_THRESHOLD followers or more are pull accounts.
COPY profile (id, user_id, created_at, updated_at, post_count, likes_received, follower_count, following_count,
              feed_mode)
FROM STDIN (FREEZE);

-- name: copy_posts!
-- COPY target for posts; like_count and comment_count are already exact (computed from the likes and
-- comments generated).
COPY posts (id, user_id, caption, image, like_count, created_at, updated_at, alt_text, image_width, image_height,
            comment_count)
FROM STDIN (FREEZE);

-- name: copy_hashtags!
-- COPY target for hashtag: the tags the posts carry, names in tokens.tag_key() form, post_count already exact.
COPY hashtag (id, name, post_count, created_at, updated_at) FROM STDIN (FREEZE);

-- name: copy_post_hashtags!
-- COPY target for post_hashtag, binary, in key order: each post's tags with the post's created_at.
COPY post_hashtag (post_id, hashtag_id, post_created_at) FROM STDIN (FORMAT binary, FREEZE);

-- name: copy_likes!
-- COPY target for like_post, binary: 10 million rows are mostly fixed-width integers.
COPY like_post (id, user_id, post_id, created_at, updated_at) FROM STDIN (FORMAT binary, FREEZE);

-- name: copy_follows!
-- COPY target for follow, binary (millions of rows of integers and times).
COPY follow (id, follower_id, followee_id, created_at, updated_at) FROM STDIN (FORMAT binary, FREEZE);

-- name: copy_timeline!
-- COPY target for timeline, binary, in key order: every post of every push account each user follows.
COPY timeline (user_id, post_created_at, post_id) FROM STDIN (FORMAT binary, FREEZE);
-- name: copy_comments!
-- COPY target for comment (explicit ids, in the order of their times).
COPY comment (id, post_id, user_id, body, created_at, updated_at) FROM STDIN (FREEZE);

-- name: derive_seed_notifications#
-- The notifications the loaded likes, follows and comments would have made (the triggers' rules: none
-- for oneself; a comment's mention of anyone but its author and the post's author; the seed's
-- mentions open the comment), then the unread counters. What is older than three days has been read.
INSERT INTO notification (recipient_id, actor_id, kind, post_id, comment_id, created_at, read_at)
SELECT recipient_id, actor_id, kind, post_id, comment_id, created_at,
       CASE WHEN created_at < now() - interval '3 days' THEN created_at + interval '1 hour' END
FROM (SELECT p.user_id AS recipient_id, l.user_id AS actor_id, 'like' AS kind, l.post_id,
             NULL::bigint AS comment_id, l.created_at
      FROM like_post l JOIN posts p ON p.id = l.post_id
      WHERE p.user_id <> l.user_id
      UNION ALL
      SELECT f.followee_id, f.follower_id, 'follow', NULL, NULL, f.created_at FROM follow f
      UNION ALL
      SELECT p.user_id, c.user_id, 'comment', c.post_id, c.id, c.created_at
      FROM comment c JOIN posts p ON p.id = c.post_id
      WHERE p.user_id <> c.user_id
      UNION ALL
      SELECT u.id, c.user_id, 'mention', c.post_id, c.id, c.created_at
      FROM comment c
      JOIN posts p ON p.id = c.post_id
      JOIN users u ON lower(u.username) = lower(substring(c.body FROM '^@([A-Za-z0-9_.]+)'))
      WHERE left(c.body, 1) = '@' AND u.id <> c.user_id AND u.id <> p.user_id) made;
UPDATE profile pr SET unread_notification_count = n.unread
FROM (SELECT recipient_id, count(*) AS unread FROM notification WHERE read_at IS NULL GROUP BY recipient_id) n
WHERE pr.user_id = n.recipient_id;

-- name: finish_seed_load#
-- Put back exactly what prepare_seed_load took off, from the definitions it kept: keys and
-- indexes first, then the foreign keys (adding one validates every row). Then move the identity
-- sequences past the explicit ids.
DO $$
DECLARE
    ddl text;
BEGIN
    FOR ddl IN SELECT create_ddl FROM seed_deferred_ddl ORDER BY create_order LOOP
        EXECUTE ddl;
    END LOOP;
END;
$$;
ALTER TABLE post_hashtag ENABLE TRIGGER post_hashtag_count;
ALTER TABLE like_post ENABLE TRIGGER like_post_notification;
ALTER TABLE follow ENABLE TRIGGER follow_notification;
ALTER TABLE comment ENABLE TRIGGER comment_notification;
ALTER TABLE notification ENABLE TRIGGER notification_unread_added;
ALTER TABLE like_post ENABLE TRIGGER like_post_count;
ALTER TABLE posts ENABLE TRIGGER posts_profile_counters;
ALTER TABLE follow ENABLE TRIGGER follow_profile_counters;
ALTER TABLE comment ENABLE TRIGGER comment_post_count;
SELECT setval(pg_get_serial_sequence('users', 'id'), coalesce(max(id), 0) + 1, false) FROM users;
SELECT setval(pg_get_serial_sequence('profile', 'id'), coalesce(max(id), 0) + 1, false) FROM profile;
SELECT setval(pg_get_serial_sequence('posts', 'id'), coalesce(max(id), 0) + 1, false) FROM posts;
SELECT setval(pg_get_serial_sequence('like_post', 'id'), coalesce(max(id), 0) + 1, false) FROM like_post;
SELECT setval(pg_get_serial_sequence('follow', 'id'), coalesce(max(id), 0) + 1, false) FROM follow;
SELECT setval(pg_get_serial_sequence('comment', 'id'), coalesce(max(id), 0) + 1, false) FROM comment;
SELECT setval(pg_get_serial_sequence('hashtag', 'id'), coalesce(max(id), 0) + 1, false) FROM hashtag;

-- name: count_wrong_like_counts$
-- Posts whose like_count differs from their like_post rows (0 after a correct load).
SELECT count(*)
FROM posts p
LEFT JOIN (SELECT post_id, count(*) AS n FROM like_post GROUP BY post_id) l ON l.post_id = p.id
WHERE p.like_count <> coalesce(l.n, 0);

-- name: count_wrong_comment_counts$
-- Posts whose comment_count differs from their comment rows (0 after a correct load).
SELECT count(*)
FROM posts p
LEFT JOIN (SELECT post_id, count(*) AS n FROM comment GROUP BY post_id) c ON c.post_id = p.id
WHERE p.comment_count <> coalesce(c.n, 0);

-- name: count_wrong_hashtag_counts$
-- Tags whose post_count differs from their post_hashtag rows, or post_hashtag rows whose
-- post_created_at is not their post's (0 after a correct load).
SELECT (SELECT count(*)
        FROM hashtag h
        LEFT JOIN (SELECT hashtag_id, count(*) AS n FROM post_hashtag GROUP BY hashtag_id) ph ON ph.hashtag_id = h.id
        WHERE h.post_count <> coalesce(ph.n, 0))
     + (SELECT count(*) FROM post_hashtag ph JOIN posts p ON p.id = ph.post_id
        WHERE ph.post_created_at <> p.created_at);

-- name: count_wrong_profile_counters$
-- Profiles whose post_count or likes_received differs from their posts, or whose follower_count or
-- following_count differs from the follow rows (0 after a correct load).
SELECT count(*)
FROM profile pr
LEFT JOIN (SELECT user_id, count(*) AS n, sum(like_count) AS likes FROM posts GROUP BY user_id) s
       ON s.user_id = pr.user_id
LEFT JOIN (SELECT followee_id, count(*) AS n FROM follow GROUP BY followee_id) fr ON fr.followee_id = pr.user_id
LEFT JOIN (SELECT follower_id, count(*) AS n FROM follow GROUP BY follower_id) fg ON fg.follower_id = pr.user_id
WHERE pr.post_count <> coalesce(s.n, 0) OR pr.likes_received <> coalesce(s.likes, 0)
   OR pr.follower_count <> coalesce(fr.n, 0) OR pr.following_count <> coalesce(fg.n, 0);

-- name: count_wrong_unread_counts$
-- Profiles whose unread_notification_count differs from their unread notifications (0 after a correct load).
SELECT count(*)
FROM profile pr
LEFT JOIN (SELECT recipient_id, count(*) AS n FROM notification WHERE read_at IS NULL GROUP BY recipient_id) u
       ON u.recipient_id = pr.user_id
WHERE pr.unread_notification_count <> coalesce(u.n, 0);

-- name: count_timeline_rows$
-- Rows in timeline (the loader compares them with the count its plan implies).
SELECT count(*) FROM timeline;

-- name: count_wrong_timeline_rows$
-- Timeline rows of a sample of users that are not a post of a push account they follow (0 after a correct load).
SELECT count(*)
FROM timeline t
JOIN posts p ON p.id = t.post_id
LEFT JOIN follow f ON f.follower_id = t.user_id AND f.followee_id = p.user_id
LEFT JOIN profile pr ON pr.user_id = p.user_id
WHERE mod(t.user_id, 97) = 0
  AND (f.id IS NULL OR pr.feed_mode <> 'push' OR t.post_created_at <> p.created_at);

-- name: analyze_seeded_tables#
-- Fresh statistics, so the planner sees millions of rows rather than an empty table.
ANALYZE users, profile, posts, like_post, follow, timeline, comment, hashtag, post_hashtag, notification;
