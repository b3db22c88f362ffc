-- Bulk demo data for `flask seed`. The loader runs these in one transaction, in order:
-- prepare, COPY users/profile/posts/like_post, finish, then the checks and ANALYZE.

-- name: count_seed_rows$
-- Rows already in the tables the seed fills (it refuses to mix with real data unless reset).
SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM posts) + (SELECT count(*) FROM like_post);

-- name: prepare_seed_load#
-- Empty the tables, then take the secondary indexes, foreign keys and the counters'
-- triggers off posts and like_post (the loader writes the counters itself): building an index once from sorted data, and checking a foreign
-- key with one join, is far faster than maintaining them row by row during COPY.
-- TRUNCATE in this transaction also lets COPY FREEZE write rows already frozen and visible.
SET LOCAL maintenance_work_mem = '512MB';
TRUNCATE like_post, posts, profile_counter_delta, profile, account_token, users RESTART IDENTITY;
ALTER TABLE like_post DISABLE TRIGGER like_post_count;
ALTER TABLE posts DISABLE TRIGGER posts_profile_counters;
ALTER TABLE like_post DROP CONSTRAINT like_post_user_id_fkey,
                      DROP CONSTRAINT like_post_post_id_fkey,
                      DROP CONSTRAINT like_post_user_id_post_id_key;
DROP INDEX like_post_post_id_created_at_idx;
ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey,
                  DROP CONSTRAINT posts_image_key;
DROP INDEX posts_created_at_id_idx;
DROP INDEX posts_user_id_created_at_id_idx;

-- name: copy_users!
-- COPY target for users (explicit ids, so posts and likes can refer to them).
COPY users (id, username, email, password, created_at, updated_at) FROM STDIN (FREEZE);

-- name: copy_profiles!
-- COPY target for profile: one row per user, without a picture; the counters are already exact.
COPY profile (id, user_id, created_at, updated_at, post_count, likes_received) FROM STDIN (FREEZE);

-- name: copy_posts!
-- COPY target for posts; like_count is already exact (computed from the likes generated).
COPY posts (id, user_id, caption, image, like_count, created_at, updated_at, alt_text, image_width, image_height)
FROM STDIN (FREEZE);

-- name: copy_likes!
-- COPY target for like_post, binary: 10 million rows are mostly fixed-width integers.
COPY like_post (id, user_id, post_id, created_at, updated_at) FROM STDIN (FORMAT binary, FREEZE);

-- name: finish_seed_load#
-- Put back exactly what prepare_seed_load took off (same names and definitions as
-- sql/schema.sql); adding the foreign keys validates every row. Then move the identity
-- sequences past the explicit ids.
ALTER TABLE posts ADD CONSTRAINT posts_image_key UNIQUE (image);
CREATE INDEX posts_created_at_id_idx ON posts (created_at DESC, id DESC);
CREATE INDEX posts_user_id_created_at_id_idx ON posts (user_id, created_at DESC, id DESC);
ALTER TABLE posts ADD CONSTRAINT posts_user_id_fkey
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE like_post ADD CONSTRAINT like_post_user_id_post_id_key UNIQUE (user_id, post_id);
CREATE INDEX like_post_post_id_created_at_idx ON like_post (post_id, created_at DESC, id DESC);
ALTER TABLE like_post ADD CONSTRAINT like_post_user_id_fkey
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE like_post ADD CONSTRAINT like_post_post_id_fkey
    FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE;
ALTER TABLE like_post ENABLE TRIGGER like_post_count;
ALTER TABLE posts ENABLE TRIGGER posts_profile_counters;
SELECT setval(pg_get_serial_sequence('users', 'id'), coalesce(max(id), 0) + 1, false) FROM users;
SELECT setval(pg_get_serial_sequence('profile', 'id'), coalesce(max(id), 0) + 1, false) FROM profile;
SELECT setval(pg_get_serial_sequence('posts', 'id'), coalesce(max(id), 0) + 1, false) FROM posts;
SELECT setval(pg_get_serial_sequence('like_post', 'id'), coalesce(max(id), 0) + 1, false) FROM like_post;

-- name: count_wrong_like_counts$
-- Posts whose like_count differs from their like_post rows (0 after a correct load).
SELECT count(*)
FROM posts p
LEFT JOIN (SELECT post_id, count(*) AS n FROM like_post GROUP BY post_id) l ON l.post_id = p.id
WHERE p.like_count <> coalesce(l.n, 0);

-- name: count_wrong_profile_counters$
-- Profiles whose post_count or likes_received differs from their posts (0 after a correct load).
SELECT count(*)
FROM profile pr
LEFT JOIN (SELECT user_id, count(*) AS n, sum(like_count) AS likes FROM posts GROUP BY user_id) s
       ON s.user_id = pr.user_id
WHERE pr.post_count <> coalesce(s.n, 0) OR pr.likes_received <> coalesce(s.likes, 0);

-- name: analyze_seeded_tables#
-- Fresh statistics, so the planner sees millions of rows rather than an empty table.
ANALYZE users, profile, posts, like_post;
