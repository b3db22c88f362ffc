-- name: list_referenced_media_keys
-- Which of the given image keys a post or a profile refers to (media gc asks in batches).
-- Each probe is an index lookup on the UNIQUE image columns.
SELECT k.key
FROM unnest(CAST(:keys AS text[])) AS k(key)
WHERE EXISTS (SELECT 1 FROM posts p WHERE p.image = k.key)
   OR EXISTS (SELECT 1 FROM profile pr WHERE pr.image = k.key);
