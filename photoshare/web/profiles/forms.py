"""Forms for the profile (picture, name, bio), the account (username, email), the password and deletion."""

from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, SubmitField, TextAreaField

from photoshare.web.auth.forms import current_password_field, email_field, new_password_fields, username_field
from photoshare.web.forms import TextLimit, clean_text, one_line
from photoshare.web.uploads import ACCEPTED_TYPES

DISPLAY_NAME_MAX = 60
BIO_MAX = 500


class ProfileImageForm(FlaskForm):
    image = FileField("Profile picture", render_kw={"accept": ACCEPTED_TYPES})
    upload = SubmitField("Save picture")
    remove = SubmitField("Remove picture")


class ProfileDetailsForm(FlaskForm):
    display_name = StringField("Name", filters=[one_line], validators=[TextLimit(
        max=DISPLAY_NAME_MAX, message=f"Keep the name to {DISPLAY_NAME_MAX} characters or fewer.")],
        render_kw={"autocomplete": "name", "dir": "auto"})
    bio = TextAreaField("Bio", filters=[clean_text], validators=[TextLimit(
        max=BIO_MAX, message=f"Keep the bio to {BIO_MAX} characters or fewer.")], render_kw={"dir": "auto"})
    save = SubmitField("Save profile")


class AccountForm(FlaskForm):
    username = username_field()
    email = email_field()
    password = current_password_field("Your password (to confirm the change)")


class PasswordForm(FlaskForm):
    current = current_password_field("Current password")
    password, confirm = new_password_fields(lambda _form: current_user.username, label="New password")


class DeleteAccountForm(FlaskForm):
    password = current_password_field("Your password")
