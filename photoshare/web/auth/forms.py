"""Forms for sign-up and log-in, and the rules other account forms share."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Regexp, ValidationError

# The same rule as the users_username_format constraint.
USERNAME_PATTERN = r"[A-Za-z0-9_.]{1,30}"
USERNAME_MESSAGE = "Use 1 to 30 letters, digits, underscores or dots."


def strip(text: str | None) -> str | None:
    """Drop blanks around a name: a pasted name, a phone keyboard's trailing space."""
    return text.strip() if text else text


# No name contains NUL, and PostgreSQL text cannot hold it: refused before any query.
NO_NUL = Regexp(r"^[^\x00]*\Z", message="Enter your username or email.")

USERNAME_RULE = Regexp(rf"^{USERNAME_PATTERN}\Z", message=USERNAME_MESSAGE)


class NotTheUsername:
    """A new password must not be the account's username (in any case).

    `username_of(form)` says whose: the form's own username field at sign-up, the logged-in
    user's name when the password is changed.
    """

    def __init__(self, username_of):
        self.username_of = username_of

    def __call__(self, form, field):
        username = self.username_of(form)
        if username and field.data and field.data.lower() == username.lower():
            raise ValidationError("The password must not be your username.")


def new_password_fields(username_of, label: str = "Password") -> tuple[PasswordField, PasswordField]:
    """The password and confirm fields of every form that sets a password."""
    password = PasswordField(label, validators=[
        DataRequired(), Length(min=8, max=1024, message="Use at least 8 characters."), NotTheUsername(username_of)],
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(f"Confirm {label.lower()}", validators=[
        DataRequired(), EqualTo("password", message="The passwords do not match.")],
        render_kw={"autocomplete": "new-password"})
    return password, confirm


class RegisterForm(FlaskForm):
    username = StringField("Username", filters=[strip], validators=[DataRequired(), Length(max=30), USERNAME_RULE],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    email = EmailField("Email", filters=[strip], validators=[DataRequired(), Length(max=254),
                                            Email(message="Enter a valid email address.")],
                       render_kw={"autocomplete": "email"})
    password, confirm = new_password_fields(lambda form: form.username.data)


class LoginForm(FlaskForm):
    login = StringField("Username or email", filters=[strip], validators=[DataRequired(), Length(max=254), NO_NUL],
                        render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField("Remember me")
