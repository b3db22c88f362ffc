-- profile.post_count and profile.likes_received, kept exact by a trigger on posts: the
-- profile header reads one row instead of counting and summing every post of the user.
-- No post may be written while the counters are filled in.
LOCK TABLE posts IN SHARE ROW EXCLUSIVE MODE;

ALTER TABLE profile
    ADD COLUMN post_count     bigint NOT NULL DEFAULT 0,
    ADD COLUMN likes_received bigint NOT NULL DEFAULT 0,
    ADD CONSTRAINT profile_counters_nonnegative CHECK (post_count >= 0 AND likes_received >= 0);
COMMENT ON COLUMN profile.post_count IS 'Derived: number of posts by this user, maintained by the posts_profile_counters trigger.';
COMMENT ON COLUMN profile.likes_received IS 'Derived: sum of like_count over this user''s posts, maintained by the posts_profile_counters trigger.';

-- Counter changes are not edits of the profile: only the picture moves updated_at.
DROP TRIGGER profile_set_updated_at ON profile;
CREATE TRIGGER profile_set_updated_at BEFORE UPDATE OF user_id, image ON profile
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The author's profile follows their posts; a like reaches it through posts.like_count
-- (like_post_count updates the post, this trigger the profile). When a user is deleted,
-- the cascade may remove the profile before the posts: the UPDATE then finds no row,
-- which is right, since there is nothing left to count for.
CREATE FUNCTION posts_profile_counters() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.user_id = OLD.user_id THEN
        IF NEW.like_count <> OLD.like_count THEN
            UPDATE profile SET likes_received = likes_received + (NEW.like_count - OLD.like_count)
            WHERE user_id = NEW.user_id;
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE profile SET post_count = post_count - 1, likes_received = likes_received - OLD.like_count
        WHERE user_id = OLD.user_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        UPDATE profile SET post_count = post_count + 1, likes_received = likes_received + NEW.like_count
        WHERE user_id = NEW.user_id;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER posts_profile_counters AFTER INSERT OR DELETE OR UPDATE OF user_id, like_count ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_profile_counters();

UPDATE profile pr
SET post_count = s.post_count, likes_received = s.likes_received
FROM (SELECT user_id, count(*) AS post_count, sum(like_count) AS likes_received
      FROM posts GROUP BY user_id) s
WHERE s.user_id = pr.user_id;
