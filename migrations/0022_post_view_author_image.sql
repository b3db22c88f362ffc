-- Post cards show the author's avatar beside their name: the view gains the author's profile
-- picture (the media key; NULL when there is none), appended so CREATE OR REPLACE can keep the
-- view's other columns as they are. One more index probe per post (profile's user_id key),
-- inside the same statement.
CREATE OR REPLACE VIEW post_view AS
SELECT p.id, p.user_id, u.username AS author, p.caption, p.alt_text, p.image,
       p.image_width, p.image_height, (p.like_count + coalesce(d.like_count, 0))::integer AS like_count,
       p.created_at, p.updated_at, (p.comment_count + coalesce(d.comment_count, 0))::integer AS comment_count,
       -- The CASE spares most captions the function call (it costs more than the probe of d).
       CASE WHEN strpos(p.caption, '@') > 0 THEN mentioned_usernames(p.caption) END AS mentions,
       pr.image AS author_image
FROM posts p
JOIN users u ON u.id = p.user_id
LEFT JOIN profile pr ON pr.user_id = p.user_id
LEFT JOIN LATERAL (SELECT sum(like_count) AS like_count, sum(comment_count) AS comment_count
                   FROM post_counter_delta WHERE post_id = p.id) d ON true;
COMMENT ON VIEW post_view IS 'A post with its author''s username and profile picture, exact counters and the accounts its caption mentions: the columns of a post card (models.Post, without the viewer''s liked flag).';
