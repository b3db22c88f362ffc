"""Forms for sign-up and log-in."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Regexp, ValidationError

# The same rule as the users_username_format constraint.
USERNAME_PATTERN = r"[A-Za-z0-9_.]{1,30}"


def strip(text: str | None) -> str | None:
    """Drop blanks around a name: a pasted name, a phone keyboard's trailing space."""
    return text.strip() if text else text


# No name contains NUL, and PostgreSQL text cannot hold it: refused before any query.
NO_NUL = Regexp(r"^[^\x00]*\Z", message="Enter your username or email.")


USERNAME_RULE = Regexp(rf"^{USERNAME_PATTERN}\Z", message="Use 1 to 30 letters, digits, underscores or dots.")


class RegisterForm(FlaskForm):
    username = StringField("Username", filters=[strip], validators=[DataRequired(), Length(max=30), USERNAME_RULE],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    email = EmailField("Email", filters=[strip], validators=[DataRequired(), Length(max=254),
                                            Email(message="Enter a valid email address.")],
                       render_kw={"autocomplete": "email"})
    password = PasswordField("Password", validators=[DataRequired(), Length(min=8, max=1024,
                             message="Use at least 8 characters.")],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Confirm password", validators=[DataRequired(), EqualTo(
        "password", message="The passwords do not match.")], render_kw={"autocomplete": "new-password"})

    def validate_password(self, field):
        if self.username.data and field.data and field.data.lower() == self.username.data.lower():
            raise ValidationError("The password must not be your username.")


class LoginForm(FlaskForm):
    login = StringField("Username or email", filters=[strip], validators=[DataRequired(), Length(max=254), NO_NUL],
                        render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField("Remember me")

