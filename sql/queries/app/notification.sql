-- name: sync_caption_mentions!
-- Make a post's caption-mention notifications match its caption: the accounts named in
-- :usernames (lower-cased @names, photoshare/tokens.py mention_names()) that exist, but not the author.
-- A name taken out of the caption takes its notification with it; one kept is not notified again.
WITH named AS (
    SELECT u.id FROM users u
    WHERE lower(u.username) = ANY (:usernames) AND u.id <> :author_id
),
gone AS (
    DELETE FROM notification n
    WHERE n.post_id = :post_id AND n.kind = 'mention' AND n.comment_id IS NULL
      AND n.recipient_id NOT IN (SELECT id FROM named)
)
INSERT INTO notification (recipient_id, actor_id, kind, post_id)
SELECT named.id, :author_id, 'mention', :post_id FROM named
ON CONFLICT (post_id, recipient_id) WHERE kind = 'mention' AND comment_id IS NULL DO NOTHING;

-- name: insert_comment_mentions!
-- Notify the accounts a new comment mentions (lower-cased @names in :usernames), but neither its
-- author nor its post's author (who hears of the comment itself). Deleting the comment cascades.
INSERT INTO notification (recipient_id, actor_id, kind, post_id, comment_id, created_at)
SELECT u.id, c.user_id, 'mention', c.post_id, c.id, c.created_at
FROM comment c
JOIN posts p ON p.id = c.post_id
JOIN users u ON lower(u.username) = ANY (:usernames)
WHERE c.id = :comment_id AND u.id <> c.user_id AND u.id <> p.user_id
ON CONFLICT (comment_id, recipient_id) DO NOTHING;

-- name: list_notifications_before
-- A page of /notifications, newest first, older than the cursor, marking the first :mark entries (those
-- the page shows; 0: none) as read, in this one statement. An entry is a notification, except that likes of one post on
-- one UTC day are one entry: it stands where its newest like is (its "head": a like with no newer
-- like of the post that day), so the keyset over the heads' (created_at, id) pages over entries
-- exactly. Each entry brings its post's image, its comment's text, its three newest actors with
-- their pictures, how many actors it has, and whether any of it is unread (as it was before this
-- statement marked it). "marked" (the same on every row) is how many rows became read.
WITH heads AS (
    SELECT n.id, n.kind, n.actor_id, n.post_id, n.comment_id, n.created_at, n.read_at,
           date_trunc('day', n.created_at, 'UTC') AS day
    FROM notification n
    WHERE n.recipient_id = :recipient_id
      AND (n.created_at, n.id) < (:before_created_at, :before_id)
      AND (n.kind <> 'like' OR NOT EXISTS (
            SELECT 1 FROM notification newer
            WHERE newer.post_id = n.post_id AND newer.kind = 'like'
              AND newer.created_at >= n.created_at
              AND newer.created_at < date_trunc('day', n.created_at, 'UTC') + interval '1 day'
              AND (newer.created_at, newer.id) > (n.created_at, n.id)))
    ORDER BY n.created_at DESC, n.id DESC
    LIMIT :limit
),
shown AS (
    SELECT * FROM heads ORDER BY created_at DESC, id DESC LIMIT :mark
),
-- Two updates of disjoint rows (the heads, and the older likes of their groups): an UPDATE with an
-- OR of both would not use the indexes.
marked_heads AS (
    UPDATE notification m SET read_at = now()
    WHERE m.id IN (SELECT id FROM shown) AND m.read_at IS NULL
    RETURNING m.id
),
marked_members AS (
    UPDATE notification m SET read_at = now()
    FROM shown h
    WHERE h.kind = 'like' AND m.post_id = h.post_id AND m.kind = 'like'
      AND m.created_at >= h.day AND (m.created_at, m.id) < (h.created_at, h.id)
      AND m.recipient_id = :recipient_id AND m.read_at IS NULL
    RETURNING m.id
)
SELECT h.id, h.kind, h.created_at, h.post_id, p.image AS post_image, h.comment_id, c.body AS comment_body,
       a.usernames AS actors, a.images AS actor_images,
       (CASE WHEN h.kind = 'like' THEN g.members ELSE 1 END)::integer AS actor_count,
       (h.read_at IS NULL OR coalesce(g.unread, 0) > 0) AS unread,
       ((SELECT count(*) FROM marked_heads) + (SELECT count(*) FROM marked_members))::integer AS marked
FROM heads h
LEFT JOIN posts p ON p.id = h.post_id
LEFT JOIN comment c ON c.id = h.comment_id
LEFT JOIN LATERAL (SELECT count(*) AS members, count(*) FILTER (WHERE m.read_at IS NULL) AS unread
                   FROM notification m
                   WHERE h.kind = 'like' AND m.post_id = h.post_id AND m.kind = 'like'
                     AND m.created_at >= h.day AND (m.created_at, m.id) <= (h.created_at, h.id)) g ON true
CROSS JOIN LATERAL (
    SELECT array_agg(u.username ORDER BY f.created_at DESC, f.id DESC) AS usernames,
           array_agg(pr.image ORDER BY f.created_at DESC, f.id DESC) AS images
    FROM ((SELECT m.actor_id, m.created_at, m.id
           FROM notification m
           WHERE h.kind = 'like' AND m.post_id = h.post_id AND m.kind = 'like'
             AND m.created_at >= h.day AND (m.created_at, m.id) <= (h.created_at, h.id)
           ORDER BY m.created_at DESC, m.id DESC
           LIMIT 3)
          UNION ALL
          SELECT h.actor_id, h.created_at, h.id WHERE h.kind <> 'like') f
    JOIN users u ON u.id = f.actor_id
    LEFT JOIN profile pr ON pr.user_id = f.actor_id
) a
ORDER BY h.created_at DESC, h.id DESC;
