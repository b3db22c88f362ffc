"""The comment form."""

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from photoshare.web.posts.forms import clean_text

BODY_MAX = 2200


class CommentForm(FlaskForm):
    # clean_text first: the limits count the text as stored (\r\n counted once, no outer blanks).
    body = TextAreaField("Add a comment", filters=[clean_text], validators=[
        DataRequired(message="Write something first."),
        Length(max=BODY_MAX, message=f"Keep the comment to {BODY_MAX} characters or fewer.")])
