"""Forms for the profile picture, the password and account deletion."""

from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from photoshare.web.auth.forms import new_password_fields


class ProfileImageForm(FlaskForm):
    image = FileField("Profile picture", render_kw={"accept": "image/jpeg,image/png,image/gif,image/webp"})
    upload = SubmitField("Save picture")
    remove = SubmitField("Remove picture")


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=1024)],
                            render_kw={"autocomplete": "current-password"})
    password, confirm = new_password_fields(lambda _form: current_user.username, label="New password")


class DeleteAccountForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
