-- name: insert_hashtags!
-- Make the tags of a caption that no post has carried yet (names are tokens.tag_key()s). Tags that
-- exist are skipped by a plain read first: ON CONFLICT alone would wait for any transaction that is
-- updating the tag's row (a popular tag's counter) before deciding there is a conflict. A tag another
-- transaction is making waits for it, then is left alone: the next statement, with a new snapshot,
-- sees it either way.
INSERT INTO hashtag (name)
SELECT DISTINCT new.name
FROM unnest(CAST(:names AS text[])) AS new (name)
WHERE NOT EXISTS (SELECT 1 FROM hashtag h WHERE lower(h.name) = new.name)
ORDER BY new.name
ON CONFLICT (lower(name)) DO NOTHING;

-- name: sync_post_hashtags!
-- Make the post's tags exactly these (they exist: insert_hashtags ran first): the ones the caption
-- dropped go, the new ones come with the post's created_at for the tag page's keyset. The counters
-- follow (post_hashtag_count trigger).
WITH wanted AS (
    SELECT h.id FROM hashtag h WHERE lower(h.name) = ANY (CAST(:names AS text[]))
), dropped AS (
    DELETE FROM post_hashtag ph
    WHERE ph.post_id = :post_id AND ph.hashtag_id NOT IN (SELECT id FROM wanted)
)
INSERT INTO post_hashtag (post_id, hashtag_id, post_created_at)
SELECT p.id, wanted.id, p.created_at
FROM posts p CROSS JOIN wanted
WHERE p.id = :post_id
ON CONFLICT (post_id, hashtag_id) DO NOTHING;

-- name: list_post_hashtags
-- A post's tags, by name (what a DBA or a test checks against its caption).
SELECT h.name
FROM post_hashtag ph JOIN hashtag h ON h.id = ph.hashtag_id
WHERE ph.post_id = :post_id
ORDER BY h.name;

-- name: get_hashtag_by_name^
-- One tag with its exact post count, by its tokens.tag_key() (the unique index on lower(name)).
SELECT hv.id, hv.name, hv.post_count
FROM hashtag_view hv
WHERE lower(hv.name) = :name;

-- name: list_hashtag_posts_before
-- A tag page: the tag's posts older than the cursor, newest first. The page's twenty ids are one
-- backward range of post_hashtag's (hashtag_id, post_created_at, post_id) index at any depth; the
-- cards' columns are read for those twenty only. "liked" as in the feed.
SELECT pv.*, viewer_like.post_id IS NOT NULL AS liked
FROM (SELECT ph.post_id
      FROM post_hashtag ph
      WHERE ph.hashtag_id = :hashtag_id
        AND (ph.post_created_at, ph.post_id) < (:before_created_at, :before_id)
      ORDER BY ph.post_created_at DESC, ph.post_id DESC
      LIMIT :limit) page
JOIN post_view pv ON pv.id = page.post_id
LEFT JOIN LATERAL (SELECT l.post_id FROM like_post l
                   WHERE l.user_id = :viewer_id AND l.post_id = pv.id LIMIT 1) viewer_like ON true
ORDER BY pv.created_at DESC, pv.id DESC;

-- name: search_accounts
-- /search's accounts: usernames starting with the query first, then similar ones (search_usernames()).
SELECT s.user_id, s.username, s.prefix
FROM search_usernames(:q, :q_end, :max_results) s;

-- name: search_tags
-- /search's tags: names starting with the query first, then similar ones (search_hashtags()).
SELECT s.hashtag_id, s.name, s.prefix
FROM search_hashtags(:q, :q_end, :max_results) s;
