-- The bytes each account stores, for the storage quota (STORAGE_QUOTA_MB), kept by the database:
-- posts.image_bytes and profile.image_bytes are the size of an image with its renditions, written
-- with the row; profile.stored_bytes is their sum over the account, kept by the same triggers and
-- the same busy-row deltas (profile_counter_delta) as the other profile counters.
-- Images stored before this migration count 0 bytes until replaced.

ALTER TABLE posts
    ADD COLUMN image_bytes bigint NOT NULL DEFAULT 0,
    ADD CONSTRAINT posts_image_bytes_nonnegative CHECK (image_bytes >= 0);
COMMENT ON COLUMN posts.image_bytes IS 'Bytes stored for the image and its renditions.';

ALTER TABLE profile
    ADD COLUMN image_bytes  bigint NOT NULL DEFAULT 0,
    ADD COLUMN stored_bytes bigint NOT NULL DEFAULT 0,
    ADD CONSTRAINT profile_bytes_nonnegative CHECK (image_bytes >= 0 AND stored_bytes >= 0);
COMMENT ON COLUMN profile.image_bytes IS 'Bytes stored for the picture and its renditions (0 without one).';
COMMENT ON COLUMN profile.stored_bytes IS 'Derived: image_bytes plus the image_bytes of this user''s posts (triggers), plus this user''s rows in profile_counter_delta.';

ALTER TABLE profile_counter_delta ADD COLUMN stored_bytes bigint NOT NULL DEFAULT 0;

-- A sixth counter; defaults, so that a caller names only the counters it changes.
DROP FUNCTION bump_profile_counters(bigint, bigint, bigint, bigint, bigint);
CREATE FUNCTION bump_profile_counters(p_user_id bigint, p_post_count bigint, p_likes_received bigint,
                                      p_follower_count bigint DEFAULT 0, p_following_count bigint DEFAULT 0,
                                      p_stored_bytes bigint DEFAULT 0)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM profile WHERE user_id = p_user_id FOR UPDATE SKIP LOCKED;
    IF FOUND THEN
        -- The row is ours until commit: fold in what others left while it was busy.
        WITH folded AS (
            DELETE FROM profile_counter_delta WHERE user_id = p_user_id
            RETURNING post_count, likes_received, follower_count, following_count, stored_bytes
        )
        UPDATE profile pr
        SET post_count = pr.post_count + p_post_count + f.posts,
            likes_received = pr.likes_received + p_likes_received + f.likes,
            follower_count = pr.follower_count + p_follower_count + f.followers,
            following_count = pr.following_count + p_following_count + f.following,
            stored_bytes = pr.stored_bytes + p_stored_bytes + f.bytes
        FROM (SELECT coalesce(sum(post_count), 0) AS posts, coalesce(sum(likes_received), 0) AS likes,
                     coalesce(sum(follower_count), 0) AS followers, coalesce(sum(following_count), 0) AS following,
                     coalesce(sum(stored_bytes), 0) AS bytes
              FROM folded) f
        WHERE pr.user_id = p_user_id;
    ELSIF EXISTS (SELECT 1 FROM profile WHERE user_id = p_user_id) THEN
        -- Busy: another transaction holds the row.
        INSERT INTO profile_counter_delta (user_id, post_count, likes_received, follower_count, following_count,
                                           stored_bytes)
        VALUES (p_user_id, p_post_count, p_likes_received, p_follower_count, p_following_count, p_stored_bytes);
    END IF;
    -- Neither: the profile is gone (its user is being deleted), so there is nothing to count.
END;
$$;

-- A post's bytes count on its author like the post itself.
CREATE OR REPLACE FUNCTION posts_profile_counters() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    waiting bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM bump_profile_counters(NEW.user_id, 1, NEW.like_count, p_stored_bytes => NEW.image_bytes);
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.user_id = OLD.user_id THEN
        IF NEW.image_bytes <> OLD.image_bytes THEN
            PERFORM bump_profile_counters(NEW.user_id, 0, 0, p_stored_bytes => NEW.image_bytes - OLD.image_bytes);
        END IF;
        RETURN NULL;
    END IF;
    SELECT coalesce(sum(like_count), 0) INTO waiting FROM post_counter_delta WHERE post_id = OLD.id;
    PERFORM bump_profile_counters(OLD.user_id, -1, -(OLD.like_count + waiting), p_stored_bytes => -OLD.image_bytes);
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    PERFORM bump_profile_counters(NEW.user_id, 1, NEW.like_count + waiting, p_stored_bytes => NEW.image_bytes);
    RETURN NULL;
END;
$$;
DROP TRIGGER posts_profile_counters ON posts;
CREATE TRIGGER posts_profile_counters AFTER INSERT OR UPDATE OF user_id, image_bytes ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_profile_counters();

-- The picture's own bytes: the same row, so no lock beyond the one the UPDATE holds.
CREATE FUNCTION profile_image_bytes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.stored_bytes := NEW.stored_bytes + NEW.image_bytes - OLD.image_bytes;
    RETURN NEW;
END;
$$;
CREATE TRIGGER profile_image_bytes BEFORE UPDATE OF image_bytes ON profile
    FOR EACH ROW EXECUTE FUNCTION profile_image_bytes();
