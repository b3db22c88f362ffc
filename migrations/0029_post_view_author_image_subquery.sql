-- The author's picture as a scalar subquery instead of a join: the same one probe of profile's
-- user_id key per post, but no Memoize node. Joined, the explore page's generic plan (which
-- expects a third of all posts before its LIMIT) put a Memoize over profile sized for every
-- author, and building that cache cost about 3 ms per page, ten times the rest of the plan.
CREATE OR REPLACE VIEW post_view AS
SELECT p.id, p.user_id, u.username AS author, p.caption, p.alt_text, p.image,
       p.image_width, p.image_height, (p.like_count + coalesce(d.like_count, 0))::integer AS like_count,
       p.created_at, p.updated_at, (p.comment_count + coalesce(d.comment_count, 0))::integer AS comment_count,
       -- The CASE spares most captions the function call (it costs more than the probe of d).
       CASE WHEN strpos(p.caption, '@') > 0 THEN mentioned_usernames(p.caption) END AS mentions,
       (SELECT pr.image FROM profile pr WHERE pr.user_id = p.user_id) AS author_image
FROM posts p
JOIN users u ON u.id = p.user_id
LEFT JOIN LATERAL (SELECT sum(like_count) AS like_count, sum(comment_count) AS comment_count
                   FROM post_counter_delta WHERE post_id = p.id) d ON true;
