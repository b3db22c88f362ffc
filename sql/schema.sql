-- photoshare: the full current schema, hand-written.
-- Load into an empty database with:  psql -v ON_ERROR_STOP=1 -f sql/schema.sql
-- migrations/ must produce exactly this (tests/test_migrations.py proves it).

-- Keeps updated_at current on every UPDATE that goes through the table.
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

CREATE TABLE users (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username    text        NOT NULL,
    email       text        NOT NULL,
    password    text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    email_verified_at timestamptz,
    -- Letters, digits, _ and ., 1-30 characters, no dot at either end, never two in a row.
    CONSTRAINT users_username_format CHECK (username ~ '^[A-Za-z0-9_.]{1,30}$' AND username !~ '^\.|\.$|\.\.'),
    CONSTRAINT users_email_format CHECK (length(email) <= 254 AND email ~ '^[^@\s]+@[^@\s]+$'),
    -- Only a salted hash is ever stored; this catches a plain password by mistake.
    CONSTRAINT users_password_is_hash CHECK (password ~ '^[a-z0-9-]+(:[a-z0-9:]+)?\$')
);
COMMENT ON TABLE users IS 'People with an account. password holds a salted hash, never the password.';
COMMENT ON COLUMN users.email_verified_at IS 'When the current email address was verified (a link sent to it was opened); NULL when it is not.';
-- Case-insensitive uniqueness; these indexes also serve log-in by username or email.
CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username));
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));
CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE profile (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint      NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    image       text        UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    post_count      bigint  NOT NULL DEFAULT 0,
    likes_received  bigint  NOT NULL DEFAULT 0,
    follower_count  bigint  NOT NULL DEFAULT 0,
    following_count bigint  NOT NULL DEFAULT 0,
    feed_mode       text    NOT NULL DEFAULT 'push',
    display_name    text    NOT NULL DEFAULT '',
    bio             text    NOT NULL DEFAULT '',
    image_bytes     bigint  NOT NULL DEFAULT 0,
    stored_bytes    bigint  NOT NULL DEFAULT 0,
    unread_notification_count bigint NOT NULL DEFAULT 0,
    CONSTRAINT profile_counters_nonnegative CHECK (post_count >= 0 AND likes_received >= 0),
    CONSTRAINT profile_follow_counters_nonnegative CHECK (follower_count >= 0 AND following_count >= 0),
    CONSTRAINT profile_feed_mode_check CHECK (feed_mode IN ('push', 'pull')),
    -- One line of text: no line breaks or other control characters.
    CONSTRAINT profile_display_name_format CHECK (length(display_name) <= 60 AND display_name !~ '[[:cntrl:]]'),
    CONSTRAINT profile_bio_length CHECK (length(bio) <= 500),
    CONSTRAINT profile_bytes_nonnegative CHECK (image_bytes >= 0 AND stored_bytes >= 0)
);
COMMENT ON TABLE profile IS 'One per user (user_id is UNIQUE). image is the media key of the picture, NULL when there is none.';
COMMENT ON COLUMN profile.post_count IS 'Derived: number of posts by this user (posts_profile_counters trigger), plus this user''s rows in profile_counter_delta.';
COMMENT ON COLUMN profile.likes_received IS 'Derived: likes of this user''s posts (like_post_count and posts_profile_counters triggers), plus this user''s rows in profile_counter_delta.';
COMMENT ON COLUMN profile.follower_count IS 'Derived: number of follow rows with this user as followee_id (follow_profile_counters trigger), plus this user''s rows in profile_counter_delta.';
COMMENT ON COLUMN profile.following_count IS 'Derived: number of follow rows with this user as follower_id (follow_profile_counters trigger), plus this user''s rows in profile_counter_delta.';
COMMENT ON COLUMN profile.feed_mode IS 'push: this user''s new posts are copied into their followers'' timelines; pull: they have FEED_PULL_THRESHOLD followers or more, and their followers'' home feeds read their posts directly. Set by the post delivery job, never back to push.';
COMMENT ON COLUMN profile.display_name IS 'The name shown above the username (at most 60 characters, one line); empty when none.';
COMMENT ON COLUMN profile.bio IS 'A few lines about the person (at most 500 characters); empty when none.';
COMMENT ON COLUMN profile.image_bytes IS 'Bytes stored for the picture and its renditions (0 without one).';
COMMENT ON COLUMN profile.stored_bytes IS 'Derived: image_bytes plus the image_bytes of this user''s posts (triggers), plus this user''s rows in profile_counter_delta.';
COMMENT ON COLUMN profile.unread_notification_count IS 'Derived: number of this user''s notification rows with read_at NULL (notification_unread_* triggers), plus this user''s rows in profile_counter_delta.';
-- The most followed accounts, for the suggestions of an empty home feed.
CREATE INDEX profile_follower_count_idx ON profile (follower_count DESC, user_id);
-- The pull accounts: few, and every home feed page looks them up.
CREATE INDEX profile_feed_mode_pull_idx ON profile (user_id) WHERE feed_mode = 'pull';
-- Counter changes are not edits of the profile: the picture, name and bio move updated_at.
CREATE TRIGGER profile_set_updated_at BEFORE UPDATE OF user_id, image, display_name, bio ON profile
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE posts (
    -- BY DEFAULT: the app reserves the id first because the media key contains it.
    id           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    caption      text        NOT NULL DEFAULT '',
    image        text        NOT NULL UNIQUE,
    like_count   integer     NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    alt_text     text        NOT NULL DEFAULT '',
    image_width  integer     NOT NULL DEFAULT 0,
    image_height integer     NOT NULL DEFAULT 0,
    comment_count integer    NOT NULL DEFAULT 0,
    image_bytes  bigint      NOT NULL DEFAULT 0,
    CONSTRAINT posts_caption_length CHECK (length(caption) <= 2200),
    CONSTRAINT posts_like_count_nonnegative CHECK (like_count >= 0),
    CONSTRAINT posts_alt_text_length CHECK (length(alt_text) <= 1000),
    CONSTRAINT posts_image_size_nonnegative CHECK (image_width >= 0 AND image_height >= 0),
    CONSTRAINT posts_comment_count_nonnegative CHECK (comment_count >= 0),
    CONSTRAINT posts_image_bytes_nonnegative CHECK (image_bytes >= 0)
);
COMMENT ON TABLE posts IS 'Photos with captions. image is the media key; like_count and comment_count are kept by triggers on like_post and comment (exact with post_counter_delta: read them from post_view).';
COMMENT ON COLUMN posts.like_count IS 'Derived: number of like_post rows for this post (like_post_count trigger), plus this post''s rows in post_counter_delta.';
COMMENT ON COLUMN posts.comment_count IS 'Derived: number of comment rows for this post (comment_post_count trigger), plus this post''s rows in post_counter_delta.';
COMMENT ON COLUMN posts.alt_text IS 'Text alternative for the image; empty means "Photo by <author>".';
COMMENT ON COLUMN posts.image_bytes IS 'Bytes stored for the image and its renditions.';
-- The feed: newest first, keyset on (created_at, id).
CREATE INDEX posts_created_at_id_idx ON posts (created_at DESC, id DESC);
-- A user's grid and counts; also serves the user_id foreign key.
CREATE INDEX posts_user_id_created_at_id_idx ON posts (user_id, created_at DESC, id DESC);
-- Only content edits move updated_at; like_count changes do not.
CREATE TRIGGER posts_set_updated_at BEFORE UPDATE OF user_id, caption, image, alt_text ON posts
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE like_post (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    post_id     bigint      NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    -- A user likes a post at most once; also answers "did the viewer like these posts".
    CONSTRAINT like_post_user_id_post_id_key UNIQUE (user_id, post_id)
);
COMMENT ON TABLE like_post IS 'Who liked which post, at most once per (user, post).';
-- Likers of a post, newest first; also serves the post_id foreign key.
CREATE INDEX like_post_post_id_created_at_idx ON like_post (post_id, created_at DESC, id DESC);
CREATE TRIGGER like_post_set_updated_at BEFORE UPDATE ON like_post
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

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

CREATE TABLE timeline (
    user_id          bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    post_created_at  timestamptz NOT NULL,
    post_id          bigint      NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    -- A home feed page is one backward range of this index (keyset on the post's created_at, id);
    -- it also makes copying a post twice a no-op (a post has one created_at).
    CONSTRAINT timeline_pkey PRIMARY KEY (user_id, post_created_at, post_id)
);
COMMENT ON TABLE timeline IS 'Home feed copies: user_id follows the author of post_id, whose posts are pushed (profile.feed_mode). post_created_at is the post''s created_at, for the keyset. Filled by the post delivery job and by follows; emptied by unfollows and cascades.';
-- Deleting a post removes its copies (the foreign key's cascade); deduplicated, so about 6 bytes a row.
CREATE INDEX timeline_post_id_idx ON timeline (post_id);
CREATE TABLE comment (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    post_id     bigint      NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    -- The text as stored: line ends are \n (the app turns \r\n into \n), so each counts once.
    CONSTRAINT comment_body_length CHECK (length(body) BETWEEN 1 AND 2200),
    CONSTRAINT comment_body_line_ends CHECK (strpos(body, E'\r') = 0),
    CONSTRAINT comment_body_not_blank CHECK (btrim(body, E' \t\n') <> '')
);
COMMENT ON TABLE comment IS 'Comments under posts, oldest first on the post page. body is 1-2,200 characters with \n line ends.';
-- A post's comments in order (the post page's keyset); also serves the post_id foreign key.
CREATE INDEX comment_post_id_created_at_id_idx ON comment (post_id, created_at, id);
-- An account's comments: deleting the account finds them through it.
CREATE INDEX comment_user_id_idx ON comment (user_id);
CREATE TRIGGER comment_set_updated_at BEFORE UPDATE ON comment
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Changes to post counters that found the post's row busy (another transaction held it): an
-- INSERT here never waits, so concurrent likes or comments of one post do not queue on its row.
-- The next transaction that gets the row folds them in; post_view adds the rest.
CREATE TABLE post_counter_delta (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    post_id       bigint      NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    like_count    integer     NOT NULL DEFAULT 0,
    comment_count integer     NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE post_counter_delta IS 'Changes to post counters not yet folded into posts (the row was busy); readers add them (post_view). Rarely more than a few rows per post.';
CREATE INDEX post_counter_delta_post_id_idx ON post_counter_delta (post_id);

-- photoshare/tokens.py decides what a mention is; this returns every account a mention in the text
-- could name (it looks at a superset: an e-mail's domain too), and the tokenizer links only
-- mentions whose name came back. The first 20 @names of a text are looked up. Pages call it inside
-- their own query: no statement per mention, and mentions follow the accounts as they are now.
CREATE FUNCTION mentioned_usernames(body text) RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    IF strpos(body, '@') = 0 THEN
        RETURN NULL;  -- most texts: nothing to look up
    END IF;
    RETURN ARRAY(
        SELECT u.username FROM users u
        WHERE lower(u.username) = ANY (ARRAY(
            SELECT lower(rtrim(m[1], '.'))
            FROM regexp_matches(body, '@([A-Za-z0-9_.]+)', 'g') AS m
            LIMIT 20)));
END;
$$;
COMMENT ON FUNCTION mentioned_usernames(text) IS 'Usernames of the existing accounts that @names in the text may mention (NULL when it has no @): what the tokenizer links.';

-- The columns every page shows of a post, said once: the feed, the profile grid and the post
-- page select from this view and add only their viewer's like probe and their WHERE clause.
-- A plain view is inlined by the planner, so each query keeps the plan it had. The counters are
-- exact: the row plus the changes still waiting (one index probe per post on a table that is
-- almost always empty).
CREATE VIEW post_view AS
SELECT p.id, p.user_id, u.username AS author, p.caption, p.alt_text, p.image,
       p.image_width, p.image_height, (p.like_count + coalesce(d.like_count, 0))::integer AS like_count,
       p.created_at, p.updated_at, (p.comment_count + coalesce(d.comment_count, 0))::integer AS comment_count,
       -- The CASE spares most captions the function call (it costs more than the probe of d).
       CASE WHEN strpos(p.caption, '@') > 0 THEN mentioned_usernames(p.caption) END AS mentions,
       -- A scalar subquery, not a join: a join gets a Memoize node in the explore page's generic
       -- plan, sized for every author, which cost more to build than the page (migration 0029).
       (SELECT pr.image FROM profile pr WHERE pr.user_id = p.user_id) AS author_image
FROM posts p
JOIN users u ON u.id = p.user_id
LEFT JOIN LATERAL (SELECT sum(like_count) AS like_count, sum(comment_count) AS comment_count
                   FROM post_counter_delta WHERE post_id = p.id) d ON true;
COMMENT ON VIEW post_view IS 'A post with its author''s username and profile picture, exact counters and the accounts its caption mentions: the columns of a post card (models.Post, without the viewer''s liked flag).';

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
CREATE FUNCTION like_post_count() RETURNS trigger
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
CREATE TRIGGER like_post_count AFTER INSERT OR DELETE ON like_post
    FOR EACH ROW EXECUTE FUNCTION like_post_count();

-- posts.comment_count follows comment; during a cascade from posts the post is already gone and
-- bump_post_counters does nothing.
CREATE FUNCTION comment_post_count() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM bump_post_counters(NEW.post_id, 0, 1);
    ELSE
        PERFORM bump_post_counters(OLD.post_id, 0, -1);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER comment_post_count AFTER INSERT OR DELETE ON comment
    FOR EACH ROW EXECUTE FUNCTION comment_post_count();

-- Changes to profile counters that found the profile row busy (another transaction held it):
-- an INSERT here never waits, so concurrent likes of one author's posts do not queue on the
-- author's row. The next transaction that gets the row folds them in; readers add the rest.
CREATE TABLE profile_counter_delta (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id        bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    post_count     bigint      NOT NULL DEFAULT 0,
    likes_received bigint      NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now(),
    follower_count  bigint     NOT NULL DEFAULT 0,
    following_count bigint     NOT NULL DEFAULT 0,
    stored_bytes    bigint     NOT NULL DEFAULT 0,
    unread_notification_count bigint NOT NULL DEFAULT 0
);
COMMENT ON TABLE profile_counter_delta IS 'Changes to profile counters not yet folded into profile (the row was busy); readers add them. Rarely more than a few rows per user.';
CREATE INDEX profile_counter_delta_user_id_idx ON profile_counter_delta (user_id);

-- Add to a user's profile counters without waiting for another transaction's lock on the row.
-- A caller names only the counters it changes (the others default to 0).
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

-- The author's profile follows their posts (a like reaches it through like_post_count). A post's
-- likes are its row's like_count plus its waiting deltas. Deletion is handled BEFORE the row goes:
-- the cascade removes the post's deltas before any AFTER trigger of posts runs.
CREATE FUNCTION posts_profile_counters() RETURNS trigger
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
CREATE TRIGGER posts_profile_counters AFTER INSERT OR UPDATE OF user_id, image_bytes ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_profile_counters();
CREATE TRIGGER posts_profile_counters_delete BEFORE DELETE ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_profile_counters();

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
-- Notifications (migrations/0026_notification.sql).
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

CREATE TABLE login_attempt (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login         text        NOT NULL,
    client_addr   text        NOT NULL,
    attempted_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE login_attempt IS 'Password attempts per client (an address, an IPv6 /64), recorded before the password is checked and deleted for the name when it succeeds: limits the distinct names one client may try. Rows older than a day are pruned.';
CREATE INDEX login_attempt_login_idx ON login_attempt (lower(login), attempted_at);
CREATE INDEX login_attempt_client_addr_idx ON login_attempt (client_addr, attempted_at);
-- Pruning of failures older than a day.
CREATE INDEX login_attempt_attempted_at_idx ON login_attempt (attempted_at);

-- Discovery: hashtags, tag pages and search (migrations/0025_hashtags_and_search.sql).
-- A tag's identity is photoshare/tokens.py's tag_key() (NFC, then lower case by Python's Unicode
-- rules): the app writes hashtag.name in that form and looks tags up by it. UNIQUE on lower(name) is
-- a second guard; its text_pattern_ops operator class lets the same index serve prefix searches.
-- Similar names need pg_trgm (contrib; Debian's postgresql-15 ships it).
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

CREATE TABLE hashtag (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text        NOT NULL,
    post_count  bigint      NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    -- tokens.TAG_MAX characters; what the tokenizer calls a tag always fits in a btree entry.
    CONSTRAINT hashtag_name_length CHECK (char_length(name) BETWEEN 1 AND 100),
    CONSTRAINT hashtag_post_count_nonnegative CHECK (post_count >= 0)
);
COMMENT ON TABLE hashtag IS 'Every tag a post has ever carried (rows are kept when the last post goes, so its page stays a page). name is tokens.tag_key(): NFC, lower case. post_count is exact with hashtag_counter_delta (read through hashtag_view).';
COMMENT ON COLUMN hashtag.name IS 'The tag without "#", as tokens.tag_key() writes it: NFC and lower case ("#Café" and "#CAFÉ" are "café").';
COMMENT ON COLUMN hashtag.post_count IS 'Derived: number of post_hashtag rows of this tag (post_hashtag_count trigger), plus this tag''s rows in hashtag_counter_delta.';
-- Uniqueness, look-up by name, and prefix search (a range of this index) in one index.
CREATE UNIQUE INDEX hashtag_name_lower_key ON hashtag (lower(name) text_pattern_ops);
CREATE TRIGGER hashtag_set_updated_at BEFORE UPDATE OF name ON hashtag
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE post_hashtag (
    post_id          bigint      NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    hashtag_id       bigint      NOT NULL REFERENCES hashtag (id) ON DELETE CASCADE,
    post_created_at  timestamptz NOT NULL,
    CONSTRAINT post_hashtag_pkey PRIMARY KEY (post_id, hashtag_id)
);
COMMENT ON TABLE post_hashtag IS 'The tags in a post''s caption, kept in step with it in the transaction that writes the caption (services.posts). post_created_at is the post''s created_at, for the tag page''s keyset.';
COMMENT ON COLUMN post_hashtag.post_created_at IS 'Copy of posts.created_at (which never changes): a tag page is one range of post_hashtag_hashtag_id_created_at_idx at any depth.';
-- A tag page, newest first, keyset on (post_created_at, post_id): one backward range scan.
CREATE INDEX post_hashtag_hashtag_id_created_at_idx ON post_hashtag (hashtag_id, post_created_at, post_id);

-- Tag counters without a hot row: a popular tag's row would otherwise be a queue, every post
-- carrying it waiting for the commit of the one before. Same mechanism as the profile and post
-- counters (migrations 0007, 0016).
CREATE TABLE hashtag_counter_delta (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hashtag_id  bigint      NOT NULL REFERENCES hashtag (id) ON DELETE CASCADE,
    post_count  bigint      NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE hashtag_counter_delta IS 'Changes to hashtag.post_count not yet folded in (the row was busy); readers add them (hashtag_view). Rarely more than a few rows per tag.';
CREATE INDEX hashtag_counter_delta_hashtag_id_idx ON hashtag_counter_delta (hashtag_id);

-- Add to a tag's post count without waiting for another transaction's lock on its row.
-- FOR NO KEY UPDATE, not FOR UPDATE: every post_hashtag insert takes FOR KEY SHARE on the tag (its
-- foreign key check), which FOR UPDATE would conflict with.
CREATE FUNCTION bump_hashtag_counter(p_hashtag_id bigint, p_post_count bigint)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM hashtag WHERE id = p_hashtag_id FOR NO KEY UPDATE SKIP LOCKED;
    IF FOUND THEN
        -- The row is ours until commit: fold in what others left while it was busy.
        WITH folded AS (
            DELETE FROM hashtag_counter_delta WHERE hashtag_id = p_hashtag_id
            RETURNING post_count
        )
        UPDATE hashtag h
        SET post_count = h.post_count + p_post_count + (SELECT coalesce(sum(post_count), 0) FROM folded)
        WHERE h.id = p_hashtag_id;
    ELSIF EXISTS (SELECT 1 FROM hashtag WHERE id = p_hashtag_id) THEN
        -- Busy: another transaction holds the row.
        INSERT INTO hashtag_counter_delta (hashtag_id, post_count) VALUES (p_hashtag_id, p_post_count);
    END IF;
    -- Neither: the tag is gone, nothing left to count.
END;
$$;

CREATE FUNCTION post_hashtag_count() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM bump_hashtag_counter(NEW.hashtag_id, 1);
    ELSE
        PERFORM bump_hashtag_counter(OLD.hashtag_id, -1);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER post_hashtag_count AFTER INSERT OR DELETE ON post_hashtag
    FOR EACH ROW EXECUTE FUNCTION post_hashtag_count();
COMMENT ON FUNCTION bump_hashtag_counter(bigint, bigint) IS 'Add to a tag''s post_count without waiting: on its row when free (folding in the waiting deltas), else as a row of hashtag_counter_delta.';
COMMENT ON FUNCTION post_hashtag_count() IS 'Trigger: a post_hashtag row counts once on its tag (bump_hashtag_counter).';

-- A tag with its exact post count: the row's plus the changes still waiting.
CREATE VIEW hashtag_view AS
SELECT h.id, h.name, (h.post_count + coalesce(d.post_count, 0))::bigint AS post_count
FROM hashtag h
LEFT JOIN LATERAL (SELECT sum(post_count) AS post_count
                   FROM hashtag_counter_delta WHERE hashtag_id = h.id) d ON true;
COMMENT ON VIEW hashtag_view IS 'A tag with its exact post count (hashtag.post_count plus its waiting deltas): what the tag page and search show (models.Hashtag).';

-- Prefix search on usernames: a range of this index, whatever the database's collation.
CREATE INDEX users_username_prefix_idx ON users (lower(username) text_pattern_ops);

-- Prefix matches come first, in name order (byte order: the index's); similar names (pg_trgm's %,
-- similarity of at least pg_trgm.similarity_threshold, 0.3 by default) fill the rest, most similar
-- first, and are not looked for when the prefix already filled the list. Queries shorter than 3
-- characters have no similar names. Each search is one SELECT in a SQL function, which the planner
-- inlines into the calling query. [q, q_end) is the range of strings that start with q.
-- fastupdate off: new entries go into the index itself, not a pending list that every search
-- would read until the next vacuum (the planner even prefers a sequential scan over a long one).
CREATE INDEX users_username_trgm_idx ON users USING gin (username gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX hashtag_name_trgm_idx ON hashtag USING gin (name gin_trgm_ops) WITH (fastupdate = off);
CREATE FUNCTION search_usernames(q text, q_end text, max_results integer)
RETURNS TABLE (user_id bigint, username text, prefix boolean)
LANGUAGE sql STABLE PARALLEL SAFE AS $body$
    WITH by_prefix AS (
        SELECT u.id, u.username
        FROM users u
        WHERE lower(u.username) ~>=~ q AND lower(u.username) ~<~ q_end
        ORDER BY lower(u.username) USING ~<~
        LIMIT max_results
    ), by_likeness AS (
        SELECT u.id, u.username
        FROM users u
        WHERE char_length(q) >= 3 AND (SELECT count(*) FROM by_prefix) < max_results
          AND u.username % q AND NOT (lower(u.username) ~>=~ q AND lower(u.username) ~<~ q_end)
        ORDER BY similarity(u.username, q) DESC, lower(u.username)
        LIMIT max_results
    )
    (SELECT id, username, true FROM by_prefix)
    UNION ALL
    (SELECT id, username, false FROM by_likeness LIMIT max_results - (SELECT count(*) FROM by_prefix))
$body$;
CREATE FUNCTION search_hashtags(q text, q_end text, max_results integer)
RETURNS TABLE (hashtag_id bigint, name text, prefix boolean)
LANGUAGE sql STABLE PARALLEL SAFE AS $body$
    WITH by_prefix AS (
        SELECT h.id, h.name
        FROM hashtag h
        WHERE lower(h.name) ~>=~ q AND lower(h.name) ~<~ q_end
        ORDER BY lower(h.name) USING ~<~
        LIMIT max_results
    ), by_likeness AS (
        SELECT h.id, h.name
        FROM hashtag h
        WHERE char_length(q) >= 3 AND (SELECT count(*) FROM by_prefix) < max_results
          AND h.name % q AND NOT (lower(h.name) ~>=~ q AND lower(h.name) ~<~ q_end)
        ORDER BY similarity(h.name, q) DESC, lower(h.name)
        LIMIT max_results
    )
    (SELECT id, name, true FROM by_prefix)
    UNION ALL
    (SELECT id, name, false FROM by_likeness LIMIT max_results - (SELECT count(*) FROM by_prefix))
$body$;
COMMENT ON FUNCTION search_usernames(text, text, integer) IS 'Accounts for /search: usernames starting with q (its range [q, q_end)) first, then similar ones (pg_trgm), at most max_results.';
COMMENT ON FUNCTION search_hashtags(text, text, integer) IS 'Tags for /search: names starting with q (its range [q, q_end)) first, then similar ones (pg_trgm), at most max_results.';

-- The job queue (procrastinate 3.10; migrations/0012_job_queue.sql): procrastinate's own schema,
-- as `procrastinate schema --read` prints it, with a comment on each table.
-- Procrastinate Schema

DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS plpgsql WITH SCHEMA pg_catalog;
EXCEPTION
    WHEN OTHERS THEN
        -- On managed PostgreSQL services (e.g. Azure Database for PostgreSQL, Amazon RDS,
        -- Google Cloud SQL), CREATE EXTENSION may fail with various error codes:
        -- insufficient_privilege, feature_not_supported, or provider-specific errors.
        -- Before ignoring, verify the extension actually exists — if it does not exist
        -- and cannot be created, re-raise so the failure is explicit.
        IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'plpgsql') THEN
            RAISE NOTICE 'plpgsql extension already exists, skipping creation.';
        ELSE
            RAISE;
        END IF;
END;
$$;

-- Enums

CREATE TYPE procrastinate_job_status AS ENUM (
    'todo',  -- The job is queued
    'doing',  -- The job has been fetched by a worker
    'succeeded',  -- The job ended successfully
    'failed',  -- The job ended with an error
    'cancelled', -- The job was cancelled
    'aborting',  -- legacy, not used anymore since v3.0.0
    'aborted'  -- The job was aborted
);

CREATE TYPE procrastinate_job_event_type AS ENUM (
    'deferred',  -- Job created, in todo
    'started',  -- todo -> doing
    'deferred_for_retry',  -- doing -> todo
    'failed',  -- doing -> failed
    'succeeded',  -- doing -> succeeded
    'cancelled', -- todo -> cancelled
    'abort_requested', -- not a state transition, but set in a separate field
    'aborted', -- doing -> aborted (only allowed when abort_requested field is set)
    'scheduled', -- not a state transition, but recording when a task is scheduled for
    'retried' -- Manually retried failed job
);

-- Composite Types

CREATE TYPE procrastinate_job_to_defer_v1 AS (
    queue_name character varying,
    task_name character varying,
    priority integer,
    lock text,
    queueing_lock text,
    args jsonb,
    scheduled_at timestamp with time zone
);

-- Tables

CREATE TABLE procrastinate_workers(
    id bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
    last_heartbeat timestamp with time zone NOT NULL DEFAULT NOW()
);

CREATE TABLE procrastinate_jobs (
    id bigserial PRIMARY KEY,
    queue_name character varying(128) NOT NULL,
    task_name character varying(128) NOT NULL,
    priority integer DEFAULT 0 NOT NULL,
    lock text,
    queueing_lock text,
    args jsonb DEFAULT '{}' NOT NULL,
    status procrastinate_job_status DEFAULT 'todo'::procrastinate_job_status NOT NULL,
    scheduled_at timestamp with time zone NULL,
    attempts integer DEFAULT 0 NOT NULL,
    abort_requested boolean DEFAULT false NOT NULL,
    worker_id bigint REFERENCES procrastinate_workers(id) ON DELETE SET NULL,
    CONSTRAINT check_not_todo_abort_requested CHECK (NOT (status = 'todo' AND abort_requested = true))
);

CREATE TABLE procrastinate_periodic_defers (
    id bigserial PRIMARY KEY,
    task_name character varying(128) NOT NULL,
    defer_timestamp bigint,
    job_id bigint REFERENCES procrastinate_jobs(id) NULL,
    periodic_id character varying(128) NOT NULL DEFAULT '',
    CONSTRAINT procrastinate_periodic_defers_unique UNIQUE (task_name, periodic_id, defer_timestamp)
);

CREATE TABLE procrastinate_events (
    id bigserial PRIMARY KEY,
    job_id bigint NOT NULL REFERENCES procrastinate_jobs ON DELETE CASCADE,
    type procrastinate_job_event_type,
    at timestamp with time zone DEFAULT NOW() NULL
);

-- Constraints & Indices

-- this prevents from having several jobs with the same queueing lock in the "todo" state
CREATE UNIQUE INDEX procrastinate_jobs_queueing_lock_idx_v1 ON procrastinate_jobs (queueing_lock) WHERE status = 'todo';
-- this prevents from having several jobs with the same lock in the "doing" state
CREATE UNIQUE INDEX procrastinate_jobs_lock_idx_v1 ON procrastinate_jobs (lock) WHERE status = 'doing';

-- Index for select_stalled_jobs_by_heartbeat query
CREATE INDEX idx_procrastinate_jobs_worker_not_null ON procrastinate_jobs(worker_id) WHERE worker_id IS NOT NULL AND status = 'doing'::procrastinate_job_status;

CREATE INDEX procrastinate_jobs_queue_name_idx_v1 ON procrastinate_jobs(queue_name);
CREATE INDEX procrastinate_jobs_id_lock_idx_v1 ON procrastinate_jobs (id, lock) WHERE status = ANY (ARRAY['todo'::procrastinate_job_status, 'doing'::procrastinate_job_status]);
CREATE INDEX procrastinate_jobs_priority_idx_v1 ON procrastinate_jobs(priority desc, id asc) WHERE (status = 'todo'::procrastinate_job_status);

CREATE INDEX procrastinate_events_job_id_fkey_v1 ON procrastinate_events(job_id);

CREATE INDEX procrastinate_periodic_defers_job_id_fkey_v1 ON procrastinate_periodic_defers(job_id);

CREATE INDEX idx_procrastinate_workers_last_heartbeat ON procrastinate_workers(last_heartbeat);

-- Functions
CREATE FUNCTION procrastinate_defer_jobs_v1(
    jobs procrastinate_job_to_defer_v1[]
)
    RETURNS bigint[]
    LANGUAGE plpgsql
AS $$
DECLARE
    job_ids bigint[];
BEGIN
    WITH inserted_jobs AS (
        INSERT INTO procrastinate_jobs (queue_name, task_name, priority, lock, queueing_lock, args, scheduled_at)
        SELECT (job).queue_name,
               (job).task_name,
               (job).priority,
               (job).lock,
               (job).queueing_lock,
               (job).args,
               (job).scheduled_at
        FROM unnest(jobs) AS job
        RETURNING id
    )
    SELECT array_agg(id) FROM inserted_jobs INTO job_ids;

    RETURN job_ids;
END;
$$;

CREATE FUNCTION procrastinate_defer_periodic_job_v2(
    _queue_name character varying,
    _lock character varying,
    _queueing_lock character varying,
    _task_name character varying,
    _priority integer,
    _periodic_id character varying,
    _defer_timestamp bigint,
    _args jsonb
)
    RETURNS bigint
    LANGUAGE plpgsql
AS $$
DECLARE
	_job_id bigint;
	_defer_id bigint;
BEGIN
    INSERT
        INTO procrastinate_periodic_defers (task_name, periodic_id, defer_timestamp)
        VALUES (_task_name, _periodic_id, _defer_timestamp)
        ON CONFLICT DO NOTHING
        RETURNING id into _defer_id;

    IF _defer_id IS NULL THEN
        RETURN NULL;
    END IF;

    UPDATE procrastinate_periodic_defers
        SET job_id = (
            SELECT COALESCE((
                SELECT unnest(procrastinate_defer_jobs_v1(
                    ARRAY[
                        ROW(
                            _queue_name,
                            _task_name,
                            _priority,
                            _lock,
                            _queueing_lock,
                            _args,
                            NULL::timestamptz
                        )
                    ]::procrastinate_job_to_defer_v1[]
                ))
            ), NULL)
        )
        WHERE id = _defer_id
        RETURNING job_id INTO _job_id;

    DELETE
        FROM procrastinate_periodic_defers
        USING (
            SELECT id
            FROM procrastinate_periodic_defers
            WHERE procrastinate_periodic_defers.task_name = _task_name
            AND procrastinate_periodic_defers.periodic_id = _periodic_id
            AND procrastinate_periodic_defers.defer_timestamp < _defer_timestamp
            ORDER BY id
            FOR UPDATE
        ) to_delete
        WHERE procrastinate_periodic_defers.id = to_delete.id;

    RETURN _job_id;
END;
$$;

CREATE FUNCTION procrastinate_fetch_job_v2(
    target_queue_names character varying[],
    p_worker_id bigint
)
    RETURNS procrastinate_jobs
    LANGUAGE plpgsql
AS $$
DECLARE
	found_jobs procrastinate_jobs;
BEGIN
    WITH candidate AS (
        SELECT jobs.*
            FROM procrastinate_jobs AS jobs
            WHERE
                -- reject the job if its lock has earlier or higher priority jobs
                NOT EXISTS (
                    SELECT 1
                        FROM procrastinate_jobs AS other_jobs
                        WHERE
                            jobs.lock IS NOT NULL
                            AND other_jobs.lock = jobs.lock
                            AND (
                                -- job with same lock is already running
                                other_jobs.status = 'doing'
                                OR
                                -- job with same lock is waiting and has higher priority (or same priority but was queued first)
                                (
                                    other_jobs.status = 'todo'
                                    AND (
                                        other_jobs.priority > jobs.priority
                                        OR (
                                        other_jobs.priority = jobs.priority
                                        AND other_jobs.id < jobs.id
                                        )
                                    )
                                )
                            )
                )
                AND jobs.status = 'todo'
                AND (target_queue_names IS NULL OR jobs.queue_name = ANY( target_queue_names ))
                AND (jobs.scheduled_at IS NULL OR jobs.scheduled_at <= now())
            ORDER BY jobs.priority DESC, jobs.id ASC LIMIT 1
            FOR UPDATE OF jobs SKIP LOCKED
    )
    UPDATE procrastinate_jobs
        SET status = 'doing', worker_id = p_worker_id
        FROM candidate
        WHERE procrastinate_jobs.id = candidate.id
        RETURNING procrastinate_jobs.* INTO found_jobs;

 RETURN found_jobs;
END;
$$;

CREATE FUNCTION procrastinate_finish_job_v1(job_id bigint, end_status procrastinate_job_status, delete_job boolean)
    RETURNS void
    LANGUAGE plpgsql
AS $$
DECLARE
    _job_id bigint;
BEGIN
    IF end_status NOT IN ('succeeded', 'failed', 'aborted') THEN
        RAISE 'End status should be either "succeeded", "failed" or "aborted" (job id: %)', job_id;
    END IF;
    IF delete_job THEN
        DELETE FROM procrastinate_jobs
        WHERE id = job_id AND status IN ('todo', 'doing')
        RETURNING id INTO _job_id;
    ELSE
        UPDATE procrastinate_jobs
        SET status = end_status,
            abort_requested = false,
            attempts = CASE status
                WHEN 'doing' THEN attempts + 1 ELSE attempts
            END
        WHERE id = job_id AND status IN ('todo', 'doing')
        RETURNING id INTO _job_id;
    END IF;
    IF _job_id IS NULL THEN
        RAISE 'Job was not found or not in "doing" or "todo" status (job id: %)', job_id;
    END IF;
END;
$$;

CREATE FUNCTION procrastinate_cancel_job_v1(job_id bigint, abort boolean, delete_job boolean)
    RETURNS bigint
    LANGUAGE plpgsql
AS $$
DECLARE
    _job_id bigint;
BEGIN
    IF delete_job THEN
        DELETE FROM procrastinate_jobs
        WHERE id = job_id AND status = 'todo'
        RETURNING id INTO _job_id;
    END IF;
    IF _job_id IS NULL THEN
        IF abort THEN
            UPDATE procrastinate_jobs
            SET abort_requested = true,
                status = CASE status
                    WHEN 'todo' THEN 'cancelled'::procrastinate_job_status ELSE status
                END
            WHERE id = job_id AND status IN ('todo', 'doing')
            RETURNING id INTO _job_id;
        ELSE
            UPDATE procrastinate_jobs
            SET status = 'cancelled'::procrastinate_job_status
            WHERE id = job_id AND status = 'todo'
            RETURNING id INTO _job_id;
        END IF;
    END IF;
    RETURN _job_id;
END;
$$;

CREATE FUNCTION procrastinate_retry_job_v1(
    job_id bigint,
    retry_at timestamp with time zone,
    new_priority integer,
    new_queue_name character varying,
    new_lock character varying
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    _job_id bigint;
    _abort_requested boolean;
BEGIN
    SELECT abort_requested FROM procrastinate_jobs
    WHERE id = job_id AND status = 'doing'
    FOR UPDATE
    INTO _abort_requested;
    IF _abort_requested THEN
        UPDATE procrastinate_jobs
        SET status = 'failed'::procrastinate_job_status
        WHERE id = job_id AND status = 'doing'
        RETURNING id INTO _job_id;
    ELSE
        UPDATE procrastinate_jobs
        SET status = 'todo'::procrastinate_job_status,
            attempts = attempts + 1,
            scheduled_at = retry_at,
            priority = COALESCE(new_priority, priority),
            queue_name = COALESCE(new_queue_name, queue_name),
            lock = COALESCE(new_lock, lock)
        WHERE id = job_id AND status = 'doing'
        RETURNING id INTO _job_id;
    END IF;

    IF _job_id IS NULL THEN
        RAISE 'Job was not found or not in "doing" status (job id: %)', job_id;
    END IF;
END;
$$;

CREATE FUNCTION procrastinate_retry_job_v2(
    job_id bigint,
    retry_at timestamp with time zone,
    new_priority integer,
    new_queue_name character varying,
    new_lock character varying
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    _job_id bigint;
    _abort_requested boolean;
    _current_status procrastinate_job_status;
BEGIN
    SELECT status, abort_requested FROM procrastinate_jobs
    WHERE id = job_id AND status IN ('doing', 'failed')
    FOR UPDATE
    INTO _current_status, _abort_requested;
    IF _current_status = 'doing' AND _abort_requested THEN
        UPDATE procrastinate_jobs
        SET status = 'failed'::procrastinate_job_status
        WHERE id = job_id AND status = 'doing'
        RETURNING id INTO _job_id;
    ELSE
        UPDATE procrastinate_jobs
        SET status = 'todo'::procrastinate_job_status,
            attempts = attempts + 1,
            scheduled_at = retry_at,
            priority = COALESCE(new_priority, priority),
            queue_name = COALESCE(new_queue_name, queue_name),
            lock = COALESCE(new_lock, lock)
        WHERE id = job_id AND status IN ('doing', 'failed')
        RETURNING id INTO _job_id;
    END IF;

    IF _job_id IS NULL THEN
        RAISE 'Job was not found or has an invalid status to retry (job id: %)', job_id;
    END IF;

END;
$$;

CREATE FUNCTION procrastinate_notify_queue_job_inserted_v1()
    RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    payload TEXT;
BEGIN
    SELECT json_build_object('type', 'job_inserted', 'job_id', NEW.id)::text INTO payload;
	PERFORM pg_notify('procrastinate_queue_v1#' || NEW.queue_name, payload);
	PERFORM pg_notify('procrastinate_any_queue_v1', payload);
	RETURN NEW;
END;
$$;

CREATE FUNCTION procrastinate_notify_queue_abort_job_v1()
RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    payload TEXT;
BEGIN
    SELECT json_build_object('type', 'abort_job_requested', 'job_id', NEW.id)::text INTO payload;
	PERFORM pg_notify('procrastinate_queue_v1#' || NEW.queue_name, payload);
	PERFORM pg_notify('procrastinate_any_queue_v1', payload);
	RETURN NEW;
END;
$$;

CREATE FUNCTION procrastinate_trigger_function_status_events_insert_v1()
    RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO procrastinate_events(job_id, type)
        VALUES (NEW.id, 'deferred'::procrastinate_job_event_type);
	RETURN NEW;
END;
$$;

CREATE FUNCTION procrastinate_trigger_function_status_events_update_v1()
    RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    WITH t AS (
        SELECT CASE
            WHEN OLD.status = 'todo'::procrastinate_job_status
                AND NEW.status = 'doing'::procrastinate_job_status
                THEN 'started'::procrastinate_job_event_type
            WHEN OLD.status = 'doing'::procrastinate_job_status
                AND NEW.status = 'todo'::procrastinate_job_status
                THEN 'deferred_for_retry'::procrastinate_job_event_type
            WHEN OLD.status = 'doing'::procrastinate_job_status
                AND NEW.status = 'failed'::procrastinate_job_status
                THEN 'failed'::procrastinate_job_event_type
            WHEN OLD.status = 'doing'::procrastinate_job_status
                AND NEW.status = 'succeeded'::procrastinate_job_status
                THEN 'succeeded'::procrastinate_job_event_type
            WHEN OLD.status = 'todo'::procrastinate_job_status
                AND (
                    NEW.status = 'cancelled'::procrastinate_job_status
                    OR NEW.status = 'failed'::procrastinate_job_status
                    OR NEW.status = 'succeeded'::procrastinate_job_status
                )
                THEN 'cancelled'::procrastinate_job_event_type
            WHEN OLD.status = 'doing'::procrastinate_job_status
                AND NEW.status = 'aborted'::procrastinate_job_status
                THEN 'aborted'::procrastinate_job_event_type
            WHEN OLD.status = 'failed'::procrastinate_job_status
                AND NEW.status = 'todo'::procrastinate_job_status
                THEN 'retried'::procrastinate_job_event_type
            ELSE NULL
        END as event_type
    )
    INSERT INTO procrastinate_events(job_id, type)
        SELECT NEW.id, t.event_type
        FROM t
        WHERE t.event_type IS NOT NULL;
	RETURN NEW;
END;
$$;

CREATE FUNCTION procrastinate_trigger_function_scheduled_events_v1()
    RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO procrastinate_events(job_id, type, at)
        VALUES (NEW.id, 'scheduled'::procrastinate_job_event_type, NEW.scheduled_at);

	RETURN NEW;
END;
$$;

CREATE FUNCTION procrastinate_trigger_abort_requested_events_procedure_v1()
    RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO procrastinate_events(job_id, type)
        VALUES (NEW.id, 'abort_requested'::procrastinate_job_event_type);
    RETURN NEW;
END;
$$;

CREATE FUNCTION procrastinate_unlink_periodic_defers_v1()
    RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE procrastinate_periodic_defers
    SET job_id = NULL
    WHERE job_id = OLD.id;
    RETURN OLD;
END;
$$;

CREATE FUNCTION procrastinate_register_worker_v1()
    RETURNS TABLE(worker_id bigint)
    LANGUAGE plpgsql
AS $$
BEGIN
    RETURN QUERY
    INSERT INTO procrastinate_workers DEFAULT VALUES
    RETURNING procrastinate_workers.id;
END;
$$;

CREATE FUNCTION procrastinate_unregister_worker_v1(worker_id bigint)
    RETURNS void
    LANGUAGE plpgsql
AS $$
BEGIN
    DELETE FROM procrastinate_workers
    WHERE id = worker_id;
END;
$$;

CREATE FUNCTION procrastinate_update_heartbeat_v1(worker_id bigint)
    RETURNS void
    LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE procrastinate_workers
    SET last_heartbeat = NOW()
    WHERE id = worker_id;
END;
$$;

CREATE FUNCTION procrastinate_prune_stalled_workers_v1(seconds_since_heartbeat float)
    RETURNS TABLE(worker_id bigint)
    LANGUAGE plpgsql
AS $$
BEGIN
    RETURN QUERY
    DELETE FROM procrastinate_workers
    WHERE last_heartbeat < NOW() - (seconds_since_heartbeat || 'SECOND')::INTERVAL
    RETURNING procrastinate_workers.id;
END;
$$;

-- Triggers

CREATE TRIGGER procrastinate_jobs_notify_queue_job_inserted_v1
    AFTER INSERT ON procrastinate_jobs
    FOR EACH ROW WHEN ((new.status = 'todo'::procrastinate_job_status))
    EXECUTE PROCEDURE procrastinate_notify_queue_job_inserted_v1();

CREATE TRIGGER procrastinate_jobs_notify_queue_job_aborted_v1
    AFTER UPDATE OF abort_requested ON procrastinate_jobs
    FOR EACH ROW WHEN ((old.abort_requested = false AND new.abort_requested = true AND new.status = 'doing'::procrastinate_job_status))
    EXECUTE PROCEDURE procrastinate_notify_queue_abort_job_v1();

CREATE TRIGGER procrastinate_trigger_status_events_update_v1
    AFTER UPDATE OF status ON procrastinate_jobs
    FOR EACH ROW
    EXECUTE PROCEDURE procrastinate_trigger_function_status_events_update_v1();

CREATE TRIGGER procrastinate_trigger_status_events_insert_v1
    AFTER INSERT ON procrastinate_jobs
    FOR EACH ROW WHEN ((new.status = 'todo'::procrastinate_job_status))
    EXECUTE PROCEDURE procrastinate_trigger_function_status_events_insert_v1();

CREATE TRIGGER procrastinate_trigger_scheduled_events_v1
    AFTER UPDATE OR INSERT ON procrastinate_jobs
    FOR EACH ROW WHEN ((new.scheduled_at IS NOT NULL AND new.status = 'todo'::procrastinate_job_status))
    EXECUTE PROCEDURE procrastinate_trigger_function_scheduled_events_v1();

CREATE TRIGGER procrastinate_trigger_abort_requested_events_v1
    AFTER UPDATE OF abort_requested ON procrastinate_jobs
    FOR EACH ROW WHEN ((new.abort_requested = true))
    EXECUTE PROCEDURE procrastinate_trigger_abort_requested_events_procedure_v1();

CREATE TRIGGER procrastinate_trigger_delete_jobs_v1
    BEFORE DELETE ON procrastinate_jobs
    FOR EACH ROW EXECUTE PROCEDURE procrastinate_unlink_periodic_defers_v1();

COMMENT ON TABLE procrastinate_jobs IS 'The job queue (procrastinate): one row per job, todo -> doing -> succeeded/failed. Succeeded jobs are deleted by the worker; failed ones stay for inspection.';
COMMENT ON TABLE procrastinate_events IS 'The job queue''s history (procrastinate): each job''s state changes with their times.';
COMMENT ON TABLE procrastinate_periodic_defers IS 'Periodic jobs already queued (procrastinate), so that several workers queue each run once.';
COMMENT ON TABLE procrastinate_workers IS 'Running workers and their last heartbeat (procrastinate): jobs of a worker whose heartbeat stopped are retried.';
-- Password-reset and email-verification links. Only the SHA-256 of a token is kept: a copy of the
-- table (a backup, a replica, a psql session) cannot be turned into working links. A token is used
-- at most once (used_at), and only before expires_at.
CREATE TABLE account_token (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     text        NOT NULL,
    token_hash  bytea       NOT NULL,
    email       text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    CONSTRAINT account_token_purpose CHECK (purpose IN ('password_reset', 'email_verification')),
    CONSTRAINT account_token_hash_is_sha256 CHECK (octet_length(token_hash) = 32),
    CONSTRAINT account_token_expires_after_creation CHECK (expires_at > created_at),
    -- Looking a link up is one probe of this index.
    CONSTRAINT account_token_token_hash_key UNIQUE (token_hash)
);
COMMENT ON TABLE account_token IS 'Password-reset and email-verification links sent by mail: the SHA-256 of each token (never the token), the address it went to, its expiry and when it was used. Rows a day past expiry are pruned.';
COMMENT ON COLUMN account_token.email IS 'The address the link was sent to; a verification link verifies only this address.';
-- A user's recent tokens of one kind (the per-hour cap, voiding the others); also serves the foreign key.
CREATE INDEX account_token_user_id_purpose_created_at_idx ON account_token (user_id, purpose, created_at);
-- Pruning of expired tokens.
CREATE INDEX account_token_expires_at_idx ON account_token (expires_at);
CREATE TRIGGER account_token_set_updated_at BEFORE UPDATE ON account_token
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Rate limits shared by every app process, one row per (scope, subject): a generic cell rate
-- algorithm. refilled_at is when the subject has its whole allowance back; counting an event and
-- checking the limit are one statement (services/rate_limits.py), so parallel requests cannot both
-- take the last slot.
CREATE TABLE rate_limit (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scope        text        NOT NULL,
    subject      text        NOT NULL,
    refilled_at  timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT rate_limit_scope_subject_key UNIQUE (scope, subject)
);
COMMENT ON TABLE rate_limit IS 'Rate limits shared by all app processes: per (scope, subject), when its whole allowance is back (refilled_at). Rows in the past are pruned.';
COMMENT ON COLUMN rate_limit.subject IS 'Who is limited: an account id, a client address.';
-- Pruning of rows whose allowance is whole again.
CREATE INDEX rate_limit_refilled_at_idx ON rate_limit (refilled_at);
CREATE TRIGGER rate_limit_set_updated_at BEFORE UPDATE ON rate_limit
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Server-side sessions (migration 0027 explains them).
CREATE TABLE user_session (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash    bytea       NOT NULL,
    remember      boolean     NOT NULL,
    device        text        NOT NULL,
    network       cidr,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    rotated_at    timestamptz NOT NULL DEFAULT now(),
    idle_timeout  interval    NOT NULL,
    expires_at    timestamptz NOT NULL,
    revoked_at    timestamptz,
    CONSTRAINT user_session_token_hash_is_sha256 CHECK (octet_length(token_hash) = 32),
    CONSTRAINT user_session_expires_after_creation CHECK (expires_at > created_at),
    CONSTRAINT user_session_idle_timeout_positive CHECK (idle_timeout > interval '0'),
    CONSTRAINT user_session_device_length CHECK (char_length(device) <= 100),
    -- Every request's session check is one probe of this index.
    CONSTRAINT user_session_token_hash_key UNIQUE (token_hash)
);
COMMENT ON TABLE user_session IS 'Logged-in sessions: the SHA-256 of each session token (never the token), the device and coarse network it came from, when it was last seen, its idle timeout and absolute expiry, and when it was revoked (log-out). Rows a day past their end are pruned.';
COMMENT ON COLUMN user_session.device IS 'A summary of the user agent ("Firefox on Linux"), shown on /settings/sessions.';
COMMENT ON COLUMN user_session.network IS 'The network of the address the session started from (IPv4 /24, IPv6 /48): an approximate place, never the address.';
COMMENT ON COLUMN user_session.remember IS 'Started with "remember me": a persistent cookie and the longer idle timeout and lifetime.';
-- An account's sessions, most recently seen first (/settings/sessions, revoking them all); also
-- serves the foreign key.
CREATE INDEX user_session_user_id_last_seen_at_idx ON user_session (user_id, last_seen_at);
-- Pruning of ended sessions.
CREATE INDEX user_session_expires_at_idx ON user_session (expires_at);
CREATE TRIGGER user_session_set_updated_at BEFORE UPDATE ON user_session
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Password guesses throttled with a growing delay (migration 0028 explains it).
CREATE TABLE login_throttle (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject          text        NOT NULL,
    attempts         integer     NOT NULL,
    next_attempt_at  timestamptz NOT NULL,
    last_attempt_at  timestamptz NOT NULL DEFAULT now(),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT login_throttle_attempts_positive CHECK (attempts > 0),
    CONSTRAINT login_throttle_subject_key UNIQUE (subject)
);
COMMENT ON TABLE login_throttle IS 'Password guesses per login name (or known device and account) since the last success: how many, and when the next may be tried. Rows a day old are pruned.';
COMMENT ON COLUMN login_throttle.subject IS 'What is throttled: "login:<name as typed, lower case>" or "device:<device id>:<user id>".';
-- Pruning of rows whose last attempt is a day old.
CREATE INDEX login_throttle_last_attempt_at_idx ON login_throttle (last_attempt_at);
CREATE TRIGGER login_throttle_set_updated_at BEFORE UPDATE ON login_throttle
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
