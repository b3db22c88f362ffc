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
-- Statements run by the app since the last reset (the benchmark's own look-ups excluded).
SELECT query, calls
FROM pg_stat_statements
WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
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
