"""Forms for posts and likes."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import TextAreaField
from wtforms.validators import Length

CAPTION_MAX = 2200
ALT_TEXT_MAX = 1000


def clean_text(text: str | None) -> str:
    """Text as stored: no NUL (PostgreSQL text refuses it), \\n line ends, no outer blanks."""
    # A filter, so the length limit counts what is stored: browsers send a textarea's
    # line breaks as \r\n, which would otherwise count twice.
    return (text or "").replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _caption_field(label: str) -> TextAreaField:
    return TextAreaField(label, filters=[clean_text], validators=[Length(
        max=CAPTION_MAX, message=f"Keep the caption to {CAPTION_MAX} characters or fewer.")])


def _alt_text_field(label: str) -> TextAreaField:
    return TextAreaField(label, filters=[clean_text], validators=[Length(
        max=ALT_TEXT_MAX, message=f"Keep the alt text to {ALT_TEXT_MAX} characters or fewer.")])


class PostForm(FlaskForm):
    image = FileField("Photo", render_kw={"accept": "image/jpeg,image/png,image/gif,image/webp"})
    caption = _caption_field("Caption")
    alt_text = _alt_text_field("Alt text (describes the photo for people who can't see it)")


class EditPostForm(FlaskForm):
    caption = _caption_field("Caption")
    alt_text = _alt_text_field("Alt text")


class ButtonForm(FlaskForm):
    """CSRF only: the post page's delete button (the cards' like buttons carry the token themselves)."""
