-- @mentions in captions and comments link to accounts that exist. Which names do is found while the
-- page's own query runs (one function call per text, an index probe per @name), so a page never
-- spends a statement per mention, and a mention follows the accounts as they are now: one made
-- later links, one deleted stops linking.

-- photoshare/tokens.py decides what a mention is; this returns every account a mention in the text
-- could name (it looks at a superset: an e-mail's domain too), and the tokenizer links only
-- mentions whose name came back. The first 20 @names of a text are looked up.
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

-- The caption's mentioned accounts, appended to the card's columns.
CREATE OR REPLACE VIEW post_view AS
SELECT p.id, p.user_id, u.username AS author, p.caption, p.alt_text, p.image,
       p.image_width, p.image_height, (p.like_count + coalesce(d.like_count, 0))::integer AS like_count,
       p.created_at, p.updated_at, (p.comment_count + coalesce(d.comment_count, 0))::integer AS comment_count,
       -- The CASE spares most captions the function call (it costs more than the probe of d).
       CASE WHEN strpos(p.caption, '@') > 0 THEN mentioned_usernames(p.caption) END AS mentions
FROM posts p
JOIN users u ON u.id = p.user_id
LEFT JOIN LATERAL (SELECT sum(like_count) AS like_count, sum(comment_count) AS comment_count
                   FROM post_counter_delta WHERE post_id = p.id) d ON true;
COMMENT ON VIEW post_view IS 'A post with its author''s username, exact counters and the accounts its caption mentions: the columns of a post card (models.Post, without the viewer''s liked flag).';
