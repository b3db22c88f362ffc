-- Follows: who follows whom, with profile.follower_count and profile.following_count kept by the
-- database through the same mechanism as the other profile counters (bump_profile_counters: the
-- profile row when it is free, a row in profile_counter_delta when another transaction holds it),
-- so fifty people following one account at once never queue on that account's row.

CREATE TABLE follow (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    follower_id  bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    followee_id  bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    -- One follow per pair; also answers "does the viewer follow these accounts" and serves the
    -- follower_id foreign key.
    CONSTRAINT follow_follower_id_followee_id_key UNIQUE (follower_id, followee_id),
    CONSTRAINT follow_not_self CHECK (follower_id <> followee_id)
);
COMMENT ON TABLE follow IS 'Who follows whom (follower_id follows followee_id), at most once per pair, never oneself.';
-- An account's followers, newest first; a new post's delivery walks it; serves the followee_id foreign key.
CREATE INDEX follow_followee_id_created_at_idx ON follow (followee_id, created_at DESC, id DESC);
-- The accounts a user follows, newest first.
CREATE INDEX follow_follower_id_created_at_idx ON follow (follower_id, created_at DESC, id DESC);
CREATE TRIGGER follow_set_updated_at BEFORE UPDATE ON follow
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

ALTER TABLE profile
    ADD COLUMN follower_count  bigint NOT NULL DEFAULT 0,
    ADD COLUMN following_count bigint NOT NULL DEFAULT 0,
    ADD CONSTRAINT profile_follow_counters_nonnegative CHECK (follower_count >= 0 AND following_count >= 0);
COMMENT ON COLUMN profile.follower_count IS 'Derived: number of follow rows with this user as followee_id (follow_profile_counters trigger), plus this user''s rows in profile_counter_delta.';
COMMENT ON COLUMN profile.following_count IS 'Derived: number of follow rows with this user as follower_id (follow_profile_counters trigger), plus this user''s rows in profile_counter_delta.';
-- The most followed accounts, for the suggestions of an empty home feed.
CREATE INDEX profile_follower_count_idx ON profile (follower_count DESC, user_id);

ALTER TABLE profile_counter_delta
    ADD COLUMN follower_count  bigint NOT NULL DEFAULT 0,
    ADD COLUMN following_count bigint NOT NULL DEFAULT 0;

-- The same function with two more counters; the old three-argument calls keep working (defaults).
DROP FUNCTION bump_profile_counters(bigint, bigint, bigint);
CREATE FUNCTION bump_profile_counters(p_user_id bigint, p_post_count bigint, p_likes_received bigint,
                                      p_follower_count bigint DEFAULT 0, p_following_count bigint DEFAULT 0)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM profile WHERE user_id = p_user_id FOR UPDATE SKIP LOCKED;
    IF FOUND THEN
        -- The row is ours until commit: fold in what others left while it was busy.
        WITH folded AS (
            DELETE FROM profile_counter_delta WHERE user_id = p_user_id
            RETURNING post_count, likes_received, follower_count, following_count
        )
        UPDATE profile pr
        SET post_count = pr.post_count + p_post_count + f.posts,
            likes_received = pr.likes_received + p_likes_received + f.likes,
            follower_count = pr.follower_count + p_follower_count + f.followers,
            following_count = pr.following_count + p_following_count + f.following
        FROM (SELECT coalesce(sum(post_count), 0) AS posts, coalesce(sum(likes_received), 0) AS likes,
                     coalesce(sum(follower_count), 0) AS followers, coalesce(sum(following_count), 0) AS following
              FROM folded) f
        WHERE pr.user_id = p_user_id;
    ELSIF EXISTS (SELECT 1 FROM profile WHERE user_id = p_user_id) THEN
        -- Busy: another transaction holds the row.
        INSERT INTO profile_counter_delta (user_id, post_count, likes_received, follower_count, following_count)
        VALUES (p_user_id, p_post_count, p_likes_received, p_follower_count, p_following_count);
    END IF;
    -- Neither: the profile is gone (its user is being deleted), so there is nothing to count.
END;
$$;

-- Both ends of a follow count it: the followee's followers and the follower's following.
CREATE FUNCTION follow_profile_counters() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM bump_profile_counters(NEW.followee_id, 0, 0, 1, 0);
        PERFORM bump_profile_counters(NEW.follower_id, 0, 0, 0, 1);
    ELSE
        PERFORM bump_profile_counters(OLD.followee_id, 0, 0, -1, 0);
        PERFORM bump_profile_counters(OLD.follower_id, 0, 0, 0, -1);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER follow_profile_counters AFTER INSERT OR DELETE ON follow
    FOR EACH ROW EXECUTE FUNCTION follow_profile_counters();
