"""Forms for posts and likes."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import TextAreaField
from wtforms.validators import Length

CAPTION_MAX = 2200
ALT_TEXT_MAX = 1000


class PostForm(FlaskForm):
    image = FileField("Photo", render_kw={"accept": "image/jpeg,image/png,image/gif,image/webp"})
    caption = TextAreaField("Caption", validators=[Length(max=CAPTION_MAX,
                            message=f"Keep the caption under {CAPTION_MAX + 1} characters.")])
    alt_text = TextAreaField("Alt text (describes the photo for people who can't see it)",
                             validators=[Length(max=ALT_TEXT_MAX,
                                                message=f"Keep the alt text under {ALT_TEXT_MAX + 1} characters.")])


class EditPostForm(FlaskForm):
    caption = TextAreaField("Caption", validators=[Length(max=CAPTION_MAX,
                            message=f"Keep the caption under {CAPTION_MAX + 1} characters.")])
    alt_text = TextAreaField("Alt text", validators=[Length(max=ALT_TEXT_MAX,
                             message=f"Keep the alt text under {ALT_TEXT_MAX + 1} characters.")])


class ButtonForm(FlaskForm):
    """CSRF only: like, unlike and delete are POST buttons."""

    _hidden = None

    def hidden_tag(self, *fields):
        """The hidden CSRF field, rendered once: a feed page repeats it for every post."""
        if fields:
            return super().hidden_tag(*fields)
        if self._hidden is None:
            self._hidden = super().hidden_tag()
        return self._hidden
