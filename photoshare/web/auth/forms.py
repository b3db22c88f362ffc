"""Forms for sign-up, log-in and password recovery, and the rules other account forms share."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Regexp, ValidationError
from wtforms.widgets import PasswordInput

from photoshare.web.forms import TextLimit

# The same rule as the users_username_format constraint and the /u/<username> route: letters,
# digits, _ and ., 1 to 30 of them, no dot at either end and never two in a row.
USERNAME_PATTERN = r"(?!\.)(?!.*\.\.)[A-Za-z0-9_.]{1,30}(?<!\.)"
USERNAME_MESSAGE = ("Use 1 to 30 letters, digits, underscores or dots, with no dot at the start or end "
                    "and no two in a row.")
USERNAME_HINT = "1 to 30 letters, digits, underscores or dots (not at the start or end, never two in a row)."
# A new password: long enough to resist guessing, short enough to state. Both fields carry the same
# limit and no maxlength attribute, so nothing is cut silently. Long but common ones are refused too
# (NotEasyToGuess).
PASSWORD_MIN, PASSWORD_MAX = 12, 128
PASSWORD_HINT = f"{PASSWORD_MIN} to {PASSWORD_MAX} characters, not a common password."
PASSWORD_LENGTH_MESSAGE = f"Use {PASSWORD_MIN} to {PASSWORD_MAX} characters."
# What a log-in or confirmation field accepts: passwords set before the limit above may be longer.
ANY_PASSWORD_MAX = 1024
EMAIL_MAX = 254


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


class NotEasyToGuess:
    """Refuse a password that zxcvbn rates easy to guess (score below 3 of 4, "safely unguessable"
    against an offline attack on a slow hash): the common and breached passwords of its lists
    (30,000 from leaked sets, checked without any network call), words with digits or
    substitutions, keyboard runs, repeats, dates, and the account's own name and address.
    """

    MIN_SCORE = 3
    # zxcvbn's time grows with length; past this many characters a password is not a guess anyway.
    CHECKED_CHARS = 64

    def __init__(self, names_of):
        self.names_of = names_of

    def __call__(self, form, field):
        if not field.data or len(field.data) < PASSWORD_MIN or len(field.data) > PASSWORD_MAX:
            return  # the length rule says what is wrong
        from zxcvbn import zxcvbn  # its word lists take a moment to load: on the first password set, not at start

        names = [name for name in self.names_of(form) if name]
        result = zxcvbn(field.data[:self.CHECKED_CHARS], user_inputs=names)
        if result["score"] < self.MIN_SCORE:
            warning = result["feedback"].get("warning") or "It is too close to passwords people often use."
            raise ValidationError(f"That password is easy to guess: {warning.rstrip('.')}. "
                                  "Try a few unrelated words.")


def new_password_fields(username_of, label: str = "Password",
                        keep_value: bool = False) -> tuple[PasswordField, PasswordField]:
    """The password and confirm fields of every form that sets a password.

    keep_value: the fields are sent back filled when the form returns for another field's error
    (sign-up's "username taken"); the view empties them when they are the problem.
    """
    widget = PasswordInput(hide_value=not keep_value)
    length = TextLimit(min=PASSWORD_MIN, max=PASSWORD_MAX, message=PASSWORD_LENGTH_MESSAGE)
    password = PasswordField(label, widget=widget, validators=[
        DataRequired(), length, NotTheUsername(username_of),
        NotEasyToGuess(lambda form: [username_of(form), *_email_of(form)])],
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(f"Confirm {label.lower()}", widget=widget, validators=[
        DataRequired(), length, EqualTo("password", message="The passwords do not match.")],
        render_kw={"autocomplete": "new-password"})
    return password, confirm


def _email_of(form) -> list[str]:
    email = getattr(form, "email", None)
    return [email.data] if email is not None and email.data else []


def username_field(label: str = "Username") -> StringField:
    """A username under the sign-up rule."""
    return StringField(label, filters=[strip], validators=[DataRequired(), TextLimit(max=30, message=USERNAME_MESSAGE),
                                                           USERNAME_RULE],
                       render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"})


def email_field(label: str = "Email") -> EmailField:
    """An email address, checked for its shape."""
    return EmailField(label, filters=[strip], validators=[DataRequired(), TextLimit(max=EMAIL_MAX),
                                                         Email(message="Enter a valid email address.")],
                      render_kw={"autocomplete": "email"})


def current_password_field(label: str) -> PasswordField:
    """The account's password, to confirm a change: never sent back into the page."""
    return PasswordField(label, validators=[DataRequired(), TextLimit(max=ANY_PASSWORD_MAX)],
                         render_kw={"autocomplete": "current-password"})


class RegisterForm(FlaskForm):
    username = username_field()
    email = email_field()
    password, confirm = new_password_fields(lambda form: form.username.data, keep_value=True)


class LoginForm(FlaskForm):
    login = StringField("Username or email", filters=[strip],
                        validators=[DataRequired(), TextLimit(max=EMAIL_MAX), NO_NUL],
                        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"})
    password = current_password_field("Password")
    remember = BooleanField("Remember me")


class ForgotPasswordForm(FlaskForm):
    email = email_field("Your account's email address")


class ResetPasswordForm(FlaskForm):
    """The new password; `username` is the account's, which the password must not be."""

    password, confirm = new_password_fields(lambda form: form.username, label="New password")

    def __init__(self, username: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.username = username
