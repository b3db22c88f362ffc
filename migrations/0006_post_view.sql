-- The columns every page shows of a post, said once: the feed, the profile grid and the post
-- page select from this view and add only their viewer's like probe and their WHERE clause.
-- A plain view is inlined by the planner, so each query keeps the plan it had.
CREATE VIEW post_view AS
SELECT p.id, p.user_id, u.username AS author, p.caption, p.alt_text, p.image,
       p.image_width, p.image_height, p.like_count, p.created_at, p.updated_at
FROM posts p
JOIN users u ON u.id = p.user_id;
COMMENT ON VIEW post_view IS 'A post with its author''s username: the columns of a post card (models.Post, without the viewer''s liked flag).';
