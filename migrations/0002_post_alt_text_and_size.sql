-- Alt text for accessibility, and the stored image's size so pages reserve its box.
ALTER TABLE posts
    ADD COLUMN alt_text     text    NOT NULL DEFAULT '',
    ADD COLUMN image_width  integer NOT NULL DEFAULT 0,
    ADD COLUMN image_height integer NOT NULL DEFAULT 0,
    ADD CONSTRAINT posts_alt_text_length CHECK (length(alt_text) <= 1000),
    ADD CONSTRAINT posts_image_size_nonnegative CHECK (image_width >= 0 AND image_height >= 0);
COMMENT ON COLUMN posts.alt_text IS 'Text alternative for the image; empty means "Photo by <author>".';

-- Editing the alt text is a content edit: it moves updated_at too.
DROP TRIGGER posts_set_updated_at ON posts;
CREATE TRIGGER posts_set_updated_at BEFORE UPDATE OF user_id, caption, image, alt_text ON posts
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
