"""Forms for the profile picture, the password and account deletion."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length


class ProfileImageForm(FlaskForm):
    image = FileField("Profile picture", render_kw={"accept": "image/jpeg,image/png,image/gif,image/webp"})
    upload = SubmitField("Save picture")
    remove = SubmitField("Remove picture")


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=1024)],
                            render_kw={"autocomplete": "current-password"})
    password = PasswordField("New password", validators=[DataRequired(), Length(
        min=8, max=1024, message="Use at least 8 characters.")], render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Confirm new password", validators=[DataRequired(), EqualTo(
        "password", message="The passwords do not match.")], render_kw={"autocomplete": "new-password"})


class DeleteAccountForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
