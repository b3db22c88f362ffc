-- Notifications: one row per like, comment, follow and mention, written by triggers on the action's
-- own table in its transaction (an INSERT: nothing waits on a shared row, however viral the post),
-- taken back by the undo (unlike, unfollow, deleting the comment) and by cascades. Likes of one post
-- on one day are grouped when the page is read, not stored as an aggregate row that every like would
-- update. The unread badge is a profile counter kept like the others (bump_profile_counters: the row
-- when it is free, a delta when it is busy), so the session's own query reads it.

ALTER TABLE profile ADD COLUMN unread_notification_count bigint NOT NULL DEFAULT 0;
COMMENT ON COLUMN profile.unread_notification_count IS 'Derived: number of this user''s notification rows with read_at NULL (notification_unread_* triggers), plus this user''s rows in profile_counter_delta.';
ALTER TABLE profile_counter_delta ADD COLUMN unread_notification_count bigint NOT NULL DEFAULT 0;

-- The same function with one more counter; the calls with fewer arguments keep working (defaults).
DROP FUNCTION bump_profile_counters(bigint, bigint, bigint, bigint, bigint, bigint);
CREATE FUNCTION bump_profile_counters(p_user_id bigint, p_post_count bigint, p_likes_received bigint,
                                      p_follower_count bigint DEFAULT 0, p_following_count bigint DEFAULT 0,
                                      p_stored_bytes bigint DEFAULT 0, p_unread_notification_count bigint DEFAULT 0)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM profile WHERE user_id = p_user_id FOR UPDATE SKIP LOCKED;
    IF FOUND THEN
        -- The row is ours until commit: fold in what others left while it was busy.
        WITH folded AS (
            DELETE FROM profile_counter_delta WHERE user_id = p_user_id
            RETURNING post_count, likes_received, follower_count, following_count, stored_bytes,
                      unread_notification_count
        )
        UPDATE profile pr
        SET post_count = pr.post_count + p_post_count + f.posts,
            likes_received = pr.likes_received + p_likes_received + f.likes,
            follower_count = pr.follower_count + p_follower_count + f.followers,
            following_count = pr.following_count + p_following_count + f.following,
            stored_bytes = pr.stored_bytes + p_stored_bytes + f.bytes,
            unread_notification_count = pr.unread_notification_count + p_unread_notification_count + f.unread
        FROM (SELECT coalesce(sum(post_count), 0) AS posts, coalesce(sum(likes_received), 0) AS likes,
                     coalesce(sum(follower_count), 0) AS followers, coalesce(sum(following_count), 0) AS following,
                     coalesce(sum(stored_bytes), 0) AS bytes, coalesce(sum(unread_notification_count), 0) AS unread
              FROM folded) f
        WHERE pr.user_id = p_user_id;
    ELSIF EXISTS (SELECT 1 FROM profile WHERE user_id = p_user_id) THEN
        -- Busy: another transaction holds the row.
        INSERT INTO profile_counter_delta (user_id, post_count, likes_received, follower_count, following_count,
                                           stored_bytes, unread_notification_count)
        VALUES (p_user_id, p_post_count, p_likes_received, p_follower_count, p_following_count, p_stored_bytes,
                p_unread_notification_count);
    END IF;
    -- Neither: the profile is gone (its user is being deleted), so there is nothing to count.
END;
$$;

CREATE TABLE notification (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recipient_id  bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    actor_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind          text        NOT NULL,
    post_id       bigint      REFERENCES posts (id) ON DELETE CASCADE,
    comment_id    bigint      REFERENCES comment (id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    read_at       timestamptz,
    CONSTRAINT notification_kind_check CHECK (kind IN ('like', 'comment', 'follow', 'mention')),
    CONSTRAINT notification_not_self CHECK (recipient_id <> actor_id),
    -- What each kind points at: a like and a mention in a caption at the post, a comment and a mention
    -- in a comment at the comment (and its post), a follow at nothing but the follower.
    CONSTRAINT notification_kind_targets CHECK (CASE kind
        WHEN 'like' THEN post_id IS NOT NULL AND comment_id IS NULL
        WHEN 'comment' THEN post_id IS NOT NULL AND comment_id IS NOT NULL
        WHEN 'mention' THEN post_id IS NOT NULL
        WHEN 'follow' THEN post_id IS NULL AND comment_id IS NULL
    END)
);
COMMENT ON TABLE notification IS 'What happened to a user''s posts and account: one row per like, comment, follow or mention (actor_id did it to recipient_id), never of one''s own actions. Undoing the action deletes its row; read_at is set when the row is shown on /notifications. profile.unread_notification_count counts the rows with read_at NULL.';
COMMENT ON COLUMN notification.kind IS 'like (of post_id), comment (comment_id under post_id), follow (actor_id now follows recipient_id), mention (@recipient in post_id''s caption, or in comment_id when set).';
COMMENT ON COLUMN notification.read_at IS 'When /notifications first showed it; NULL: unread.';
-- A user's notifications newest first (the page's walk); serves the recipient_id foreign key.
CREATE INDEX notification_recipient_id_created_at_idx ON notification (recipient_id, created_at DESC, id DESC);
-- A post's likes of one day, newest first (grouping them into one entry); serves the post_id foreign key.
CREATE INDEX notification_post_id_kind_created_at_idx ON notification (post_id, kind, created_at DESC, id DESC);
-- The actor's rows go with the actor's account.
CREATE INDEX notification_actor_id_idx ON notification (actor_id);
-- Each action is reported once; the unlike, unfollow and caption edit find their row through these.
CREATE UNIQUE INDEX notification_like_key ON notification (post_id, actor_id) WHERE kind = 'like';
CREATE UNIQUE INDEX notification_follow_key ON notification (recipient_id, actor_id) WHERE kind = 'follow';
CREATE UNIQUE INDEX notification_caption_mention_key ON notification (post_id, recipient_id)
    WHERE kind = 'mention' AND comment_id IS NULL;
-- A comment notifies its post's author or a mentioned account, each once; serves the comment_id foreign key.
CREATE UNIQUE INDEX notification_comment_id_recipient_id_key ON notification (comment_id, recipient_id);

-- A like tells the post's author (unless they liked their own post); the unlike takes it back.
CREATE FUNCTION like_post_notification() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO notification (recipient_id, actor_id, kind, post_id, created_at)
        SELECT p.user_id, NEW.user_id, 'like', NEW.post_id, NEW.created_at
        FROM posts p
        WHERE p.id = NEW.post_id AND p.user_id <> NEW.user_id;
    ELSE
        DELETE FROM notification WHERE kind = 'like' AND post_id = OLD.post_id AND actor_id = OLD.user_id;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER like_post_notification AFTER INSERT OR DELETE ON like_post
    FOR EACH ROW EXECUTE FUNCTION like_post_notification();

-- A follow tells the account followed; the unfollow takes it back.
CREATE FUNCTION follow_notification() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO notification (recipient_id, actor_id, kind, created_at)
        VALUES (NEW.followee_id, NEW.follower_id, 'follow', NEW.created_at);
    ELSE
        DELETE FROM notification WHERE kind = 'follow' AND recipient_id = OLD.followee_id
                                   AND actor_id = OLD.follower_id;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER follow_notification AFTER INSERT OR DELETE ON follow
    FOR EACH ROW EXECUTE FUNCTION follow_notification();

-- A comment tells the post's author (unless it is theirs); deleting it cascades to the notification.
-- Mentions in it are the app's to find (photoshare/tokens.py decides what a mention is).
CREATE FUNCTION comment_notification() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO notification (recipient_id, actor_id, kind, post_id, comment_id, created_at)
    SELECT p.user_id, NEW.user_id, 'comment', NEW.post_id, NEW.id, NEW.created_at
    FROM posts p
    WHERE p.id = NEW.post_id AND p.user_id <> NEW.user_id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER comment_notification AFTER INSERT ON comment
    FOR EACH ROW EXECUTE FUNCTION comment_notification();

-- profile.unread_notification_count follows the unread rows through bump_profile_counters, so a
-- popular account's row never queues its likers. A new row counts once; bulk changes (marking a page
-- read, a cascade from a deleted post or account) count once per recipient per statement.
CREATE FUNCTION notification_unread_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.read_at IS NULL THEN
        PERFORM bump_profile_counters(NEW.recipient_id, 0, 0, p_unread_notification_count => 1);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER notification_unread_added AFTER INSERT ON notification
    FOR EACH ROW EXECUTE FUNCTION notification_unread_added();

CREATE FUNCTION notification_unread_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    IF TG_OP = 'DELETE' THEN
        FOR r IN SELECT recipient_id, count(*) AS n FROM old_rows WHERE read_at IS NULL GROUP BY recipient_id LOOP
            PERFORM bump_profile_counters(r.recipient_id, 0, 0, p_unread_notification_count => -r.n);
        END LOOP;
    ELSE
        FOR r IN SELECT o.recipient_id, count(*) FILTER (WHERE n.read_at IS NULL) - count(*) FILTER (WHERE o.read_at IS NULL) AS n
                 FROM old_rows o JOIN new_rows n ON n.id = o.id
                 GROUP BY o.recipient_id LOOP
            IF r.n <> 0 THEN
                PERFORM bump_profile_counters(r.recipient_id, 0, 0, p_unread_notification_count => r.n);
            END IF;
        END LOOP;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER notification_unread_deleted AFTER DELETE ON notification
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION notification_unread_changed();
CREATE TRIGGER notification_unread_updated AFTER UPDATE ON notification
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION notification_unread_changed();
COMMENT ON COLUMN notification.recipient_id IS 'Who is notified: the post''s author, the account followed, or the account mentioned.';
COMMENT ON COLUMN notification.actor_id IS 'Who did it (never recipient_id).';
COMMENT ON COLUMN notification.post_id IS 'The post liked, commented on or mentioning the recipient; NULL for a follow.';
COMMENT ON COLUMN notification.comment_id IS 'The comment (kind comment, or a mention in a comment); NULL otherwise.';
COMMENT ON COLUMN notification.created_at IS 'When the action happened (the like''s, comment''s or follow''s created_at).';
COMMENT ON COLUMN profile_counter_delta.unread_notification_count IS 'Change to profile.unread_notification_count not folded in yet.';
COMMENT ON FUNCTION like_post_notification() IS 'Trigger on like_post: a like notifies the post''s author (not oneself); an unlike deletes that notification.';
COMMENT ON FUNCTION follow_notification() IS 'Trigger on follow: a follow notifies the account followed; an unfollow deletes that notification.';
COMMENT ON FUNCTION comment_notification() IS 'Trigger on comment: a comment notifies the post''s author (not oneself); deleting it cascades.';
COMMENT ON FUNCTION notification_unread_added() IS 'Trigger on notification: an unread row adds one to its recipient''s profile.unread_notification_count.';
COMMENT ON FUNCTION notification_unread_changed() IS 'Statement trigger on notification: rows marked read, deleted or cascaded change their recipients'' unread counts, once per recipient.';
