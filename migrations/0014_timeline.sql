-- The home feed (README, "The home feed"): a timeline row per (follower, post) for accounts whose
-- posts are copied to their followers when published (push), and profile.feed_mode marking the few
-- accounts with so many followers that their followers read their posts at read time instead (pull).

ALTER TABLE profile
    ADD COLUMN feed_mode text NOT NULL DEFAULT 'push',
    ADD CONSTRAINT profile_feed_mode_check CHECK (feed_mode IN ('push', 'pull'));
COMMENT ON COLUMN profile.feed_mode IS 'push: this user''s new posts are copied into their followers'' timelines; pull: they have FEED_PULL_THRESHOLD followers or more, and their followers'' home feeds read their posts directly. Set by the post delivery job, never back to push.';
-- The pull accounts: few, and every home feed page looks them up.
CREATE INDEX profile_feed_mode_pull_idx ON profile (user_id) WHERE feed_mode = 'pull';

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
