-- Likes of different posts by one author no longer queue on the author's profile row.
-- Each like updated profile.likes_received in the liker's transaction, so concurrent likes of
-- a popular author's posts waited for each other's commit on that one row. Now a transaction
-- that finds the row locked by another leaves its change in profile_counter_delta instead (an
-- INSERT never waits), and the next transaction that gets the row folds the waiting deltas in.
-- Readers add the deltas not folded yet, so the counters read exact at every moment.

CREATE TABLE profile_counter_delta (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id        bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    post_count     bigint      NOT NULL DEFAULT 0,
    likes_received bigint      NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE profile_counter_delta IS 'Changes to profile counters not yet folded into profile (the row was busy); readers add them. Rarely more than a few rows per user.';
CREATE INDEX profile_counter_delta_user_id_idx ON profile_counter_delta (user_id);

-- Add to a user's profile counters without waiting for another transaction's lock on the row.
CREATE FUNCTION bump_profile_counters(p_user_id bigint, p_post_count bigint, p_likes_received bigint)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM profile WHERE user_id = p_user_id FOR UPDATE SKIP LOCKED;
    IF FOUND THEN
        -- The row is ours until commit: fold in what others left while it was busy.
        WITH folded AS (
            DELETE FROM profile_counter_delta WHERE user_id = p_user_id
            RETURNING post_count, likes_received
        )
        UPDATE profile pr
        SET post_count = pr.post_count + p_post_count + f.posts,
            likes_received = pr.likes_received + p_likes_received + f.likes
        FROM (SELECT coalesce(sum(post_count), 0) AS posts, coalesce(sum(likes_received), 0) AS likes
              FROM folded) f
        WHERE pr.user_id = p_user_id;
    ELSIF EXISTS (SELECT 1 FROM profile WHERE user_id = p_user_id) THEN
        -- Busy: another transaction holds the row.
        INSERT INTO profile_counter_delta (user_id, post_count, likes_received)
        VALUES (p_user_id, p_post_count, p_likes_received);
    END IF;
    -- Neither: the profile is gone (its user is being deleted), so there is nothing to count.
END;
$$;

CREATE OR REPLACE FUNCTION posts_profile_counters() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.user_id = OLD.user_id THEN
        IF NEW.like_count <> OLD.like_count THEN
            PERFORM bump_profile_counters(NEW.user_id, 0, NEW.like_count - OLD.like_count);
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM bump_profile_counters(OLD.user_id, -1, -OLD.like_count);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM bump_profile_counters(NEW.user_id, 1, NEW.like_count);
    END IF;
    RETURN NULL;
END;
$$;

COMMENT ON COLUMN profile.post_count IS 'Derived: number of posts by this user (posts_profile_counters trigger), plus this user''s rows in profile_counter_delta.';
COMMENT ON COLUMN profile.likes_received IS 'Derived: sum of like_count over this user''s posts (posts_profile_counters trigger), plus this user''s rows in profile_counter_delta.';
