-- A display name and a short bio on the profile, as people know them from other apps. Empty
-- means none: the profile then shows the username alone.
ALTER TABLE profile
    ADD COLUMN display_name text NOT NULL DEFAULT '',
    ADD COLUMN bio text NOT NULL DEFAULT '',
    -- One line of text: no line breaks or other control characters.
    ADD CONSTRAINT profile_display_name_format CHECK (length(display_name) <= 60 AND display_name !~ '[[:cntrl:]]'),
    ADD CONSTRAINT profile_bio_length CHECK (length(bio) <= 500);
COMMENT ON COLUMN profile.display_name IS 'The name shown above the username (at most 60 characters, one line); empty when none.';
COMMENT ON COLUMN profile.bio IS 'A few lines about the person (at most 500 characters); empty when none.';

-- Editing the name or bio is an edit of the profile: it moves updated_at (counters still do not).
DROP TRIGGER profile_set_updated_at ON profile;
CREATE TRIGGER profile_set_updated_at BEFORE UPDATE OF user_id, image, display_name, bio ON profile
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
