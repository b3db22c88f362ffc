-- Comments under posts. posts.comment_count follows them through bump_post_counters (0016), so a
-- popular post's row does not become a queue for its commenters either.

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
