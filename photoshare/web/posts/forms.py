"""Forms for posts and likes."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import TextAreaField

from photoshare.web.forms import TextLimit, clean_text
from photoshare.web.uploads import ACCEPTED_TYPES

CAPTION_MAX = 2200
ALT_TEXT_MAX = 1000


def _caption_field(label: str) -> TextAreaField:
    return TextAreaField(label, filters=[clean_text], validators=[TextLimit(
        max=CAPTION_MAX, message=f"Keep the caption to {CAPTION_MAX} characters or fewer.")])


def _alt_text_field(label: str) -> TextAreaField:
    return TextAreaField(label, filters=[clean_text], validators=[TextLimit(
        max=ALT_TEXT_MAX, message=f"Keep the alt text to {ALT_TEXT_MAX} characters or fewer.")])


class PostForm(FlaskForm):
    image = FileField("Photo", render_kw={"accept": ACCEPTED_TYPES})
    caption = _caption_field("Caption")
    alt_text = _alt_text_field("Alt text (describes the photo for people who can't see it)")


class EditPostForm(FlaskForm):
    caption = _caption_field("Caption")
    alt_text = _alt_text_field("Alt text")


class ButtonForm(FlaskForm):
    """CSRF only: the post page's delete button (the cards' like buttons carry the token themselves)."""
