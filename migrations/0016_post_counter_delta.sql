-- Likes of one post no longer queue on the post's row, and posts get a comment counter.
-- Each like updated posts.like_count in the liker's transaction, so concurrent likes of a viral post
-- waited for each other's commit on that one row. Post counters now work like the profile counters
-- (0007): a transaction that finds the post's row locked by another leaves its change in
-- post_counter_delta (an INSERT never waits), the next one that gets the row folds the deltas in,
-- and readers (post_view) add the deltas not folded yet.
--
-- A like reached the author's profile through posts.like_count (an UPDATE OF like_count fired
-- posts_profile_counters). With deltas, that chain would count a like when it is folded, not when
-- it happens: now the like trigger bumps the post's counters and the author's profile counters
-- itself, once each, and posts_profile_counters reacts only to a post being added, removed or
-- moved to another author.

ALTER TABLE posts
    ADD COLUMN comment_count integer NOT NULL DEFAULT 0,
    ADD CONSTRAINT posts_comment_count_nonnegative CHECK (comment_count >= 0);

CREATE TABLE post_counter_delta (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    post_id       bigint      NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    like_count    integer     NOT NULL DEFAULT 0,
    comment_count integer     NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE post_counter_delta IS 'Changes to post counters not yet folded into posts (the row was busy); readers add them (post_view). Rarely more than a few rows per post.';
CREATE INDEX post_counter_delta_post_id_idx ON post_counter_delta (post_id);

-- Add to a post's counters without waiting for another transaction's lock on the row; returns the
-- post's author, or NULL when the post is gone (it is being deleted: nothing left to count).
-- FOR NO KEY UPDATE, not FOR UPDATE: every like and comment insert takes FOR KEY SHARE on the post
-- (its foreign key check), which FOR UPDATE would conflict with, and the row would always look busy.
CREATE FUNCTION bump_post_counters(p_post_id bigint, p_like_count integer, p_comment_count integer)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    author bigint;
BEGIN
    SELECT user_id INTO author FROM posts WHERE id = p_post_id FOR NO KEY UPDATE SKIP LOCKED;
    IF FOUND THEN
        -- The row is ours until commit: fold in what others left while it was busy.
        WITH folded AS (
            DELETE FROM post_counter_delta WHERE post_id = p_post_id
            RETURNING like_count, comment_count
        )
        UPDATE posts p
        SET like_count = p.like_count + p_like_count + f.likes,
            comment_count = p.comment_count + p_comment_count + f.comments
        FROM (SELECT coalesce(sum(like_count), 0) AS likes, coalesce(sum(comment_count), 0) AS comments
              FROM folded) f
        WHERE p.id = p_post_id;
        RETURN author;
    END IF;
    SELECT user_id INTO author FROM posts WHERE id = p_post_id;
    IF FOUND THEN
        -- Busy: another transaction holds the row.
        INSERT INTO post_counter_delta (post_id, like_count, comment_count)
        VALUES (p_post_id, p_like_count, p_comment_count);
    END IF;
    RETURN author;
END;
$$;

-- A like counts once on its post and once on the post's author.
CREATE OR REPLACE FUNCTION like_post_count() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    author bigint;
    change integer := CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
BEGIN
    author := bump_post_counters(CASE TG_OP WHEN 'INSERT' THEN NEW.post_id ELSE OLD.post_id END, change, 0);
    -- No author: the like goes in a cascade from its post, whose deletion takes its likes off the
    -- author's counters at once (posts_profile_counters).
    IF author IS NOT NULL THEN
        PERFORM bump_profile_counters(author, 0, change);
    END IF;
    RETURN NULL;
END;
$$;

-- The author's profile follows their posts. A post's likes are its row's like_count plus its
-- waiting deltas. Deletion is handled BEFORE the row goes: the cascade removes the post's deltas
-- before any AFTER trigger of posts runs.
CREATE OR REPLACE FUNCTION posts_profile_counters() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    waiting bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM bump_profile_counters(NEW.user_id, 1, NEW.like_count);
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.user_id = OLD.user_id THEN
        RETURN NULL;
    END IF;
    SELECT coalesce(sum(like_count), 0) INTO waiting FROM post_counter_delta WHERE post_id = OLD.id;
    PERFORM bump_profile_counters(OLD.user_id, -1, -(OLD.like_count + waiting));
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    PERFORM bump_profile_counters(NEW.user_id, 1, NEW.like_count + waiting);
    RETURN NULL;
END;
$$;
DROP TRIGGER posts_profile_counters ON posts;
CREATE TRIGGER posts_profile_counters AFTER INSERT OR UPDATE OF user_id ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_profile_counters();
CREATE TRIGGER posts_profile_counters_delete BEFORE DELETE ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_profile_counters();

-- The card's counters are exact: the row plus the changes still waiting (one index probe per post
-- on a table that is almost always empty). comment_count is appended (CREATE OR REPLACE VIEW keeps
-- the existing columns in place).
CREATE OR REPLACE VIEW post_view AS
SELECT p.id, p.user_id, u.username AS author, p.caption, p.alt_text, p.image,
       p.image_width, p.image_height, (p.like_count + coalesce(d.like_count, 0))::integer AS like_count,
       p.created_at, p.updated_at, (p.comment_count + coalesce(d.comment_count, 0))::integer AS comment_count
FROM posts p
JOIN users u ON u.id = p.user_id
LEFT JOIN LATERAL (SELECT sum(like_count) AS like_count, sum(comment_count) AS comment_count
                   FROM post_counter_delta WHERE post_id = p.id) d ON true;
COMMENT ON VIEW post_view IS 'A post with its author''s username and exact counters: the columns of a post card (models.Post, without the viewer''s liked flag).';

COMMENT ON TABLE posts IS 'Photos with captions. image is the media key; like_count and comment_count are kept by triggers on like_post and comment (exact with post_counter_delta: read them from post_view).';
COMMENT ON COLUMN posts.like_count IS 'Derived: number of like_post rows for this post (like_post_count trigger), plus this post''s rows in post_counter_delta.';
COMMENT ON COLUMN posts.comment_count IS 'Derived: number of comment rows for this post (comment_post_count trigger), plus this post''s rows in post_counter_delta.';
COMMENT ON COLUMN profile.likes_received IS 'Derived: likes of this user''s posts (like_post_count and posts_profile_counters triggers), plus this user''s rows in profile_counter_delta.';
