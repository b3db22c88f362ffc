-- Hashtags as data, tag pages and search.
--
-- A tag's identity is photoshare/tokens.py's tag_key(): NFC, then lower case by Python's Unicode
-- rules. The app writes hashtag.name in that form and looks tags up by it; the database does not
-- fold case itself (lower() follows the database's collation, which may know only ASCII), so the
-- one rule lives in one place. UNIQUE on lower(name) is a second guard, and its text_pattern_ops
-- operator class lets the same index serve prefix searches (byte order, whatever the collation).
--
-- Searching by similar names needs pg_trgm, a contrib extension: Debian's postgresql-15 ships it.
-- pgserver (the embedded database of a local run) does not: there the search functions match by
-- prefix and by substring only, and no trigram index is made (a warning says so).

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
        CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
    ELSE
        RAISE WARNING 'pg_trgm is not installed: search finds accounts and tags by prefix and substring only';
    END IF;
END;
$$;

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

-- The searches. Each is one SELECT in a SQL function, which the planner inlines into the calling
-- query (EXPLAIN shows the indexes it uses). `q` is the normalized query, `q_end` the first string
-- after every string that starts with q (web/discovery/search.py): [q, q_end) is the prefix range.
-- Prefix matches come first, in name order (byte order: the index's); similar names (pg_trgm's %, similarity of at least
-- pg_trgm.similarity_threshold, 0.3 by default) fill the rest, most similar first, and are not looked
-- for when the prefix already filled the list. Queries shorter than 3 characters have no similar names
-- (one trigram matches too much to mean anything).
DO $$
DECLARE
    trigrams boolean := EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm');
BEGIN
    IF trigrams THEN
        -- fastupdate off: new entries go into the index itself, not a pending list that every search
        -- would read until the next vacuum (the planner even prefers a sequential scan over a long one).
        CREATE INDEX users_username_trgm_idx ON users USING gin (username gin_trgm_ops) WITH (fastupdate = off);
        CREATE INDEX hashtag_name_trgm_idx ON hashtag USING gin (name gin_trgm_ops) WITH (fastupdate = off);
    END IF;
    EXECUTE format($f$
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
          AND %1$s AND NOT (lower(u.username) ~>=~ q AND lower(u.username) ~<~ q_end)
        ORDER BY %2$s, lower(u.username)
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
          AND %3$s AND NOT (lower(h.name) ~>=~ q AND lower(h.name) ~<~ q_end)
        ORDER BY %4$s, lower(h.name)
        LIMIT max_results
    )
    (SELECT id, name, true FROM by_prefix)
    UNION ALL
    (SELECT id, name, false FROM by_likeness LIMIT max_results - (SELECT count(*) FROM by_prefix))
$body$;
$f$,
        CASE WHEN trigrams THEN 'u.username % q' ELSE 'strpos(lower(u.username), q) > 0' END,
        CASE WHEN trigrams THEN 'similarity(u.username, q) DESC' ELSE 'char_length(u.username)' END,
        CASE WHEN trigrams THEN 'h.name % q' ELSE 'strpos(h.name, q) > 0' END,
        CASE WHEN trigrams THEN 'similarity(h.name, q) DESC' ELSE 'char_length(h.name)' END);
END;
$$;
COMMENT ON FUNCTION search_usernames(text, text, integer) IS 'Accounts for /search: usernames starting with q (its range [q, q_end)) first, then similar ones (pg_trgm), at most max_results.';
COMMENT ON FUNCTION search_hashtags(text, text, integer) IS 'Tags for /search: names starting with q (its range [q, q_end)) first, then similar ones (pg_trgm), at most max_results.';
