"""/u/<username>, and the settings: /settings/profile (picture, name, bio), /settings/account (username,
email), /settings/verify-email, /settings/password, /settings/delete-account."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from photoshare.data.db import get_conn, transaction
from photoshare.errors import (
    EmailTaken,
    InvalidUsername,
    StorageUnavailable,
    UploadRefused,
    UsernameTaken,
    UserNotFound,
)
from photoshare.media.factory import get_store
from photoshare.repositories import PostRepository, ProfileRepository, UserRepository
from photoshare.services import accounts
from photoshare.services.email_verification import send_verification
from photoshare.services.login_throttle import LoginResult, check_password
from photoshare.services.profiles import remove_profile_image, replace_profile_image
from photoshare.web.auth.forms import PASSWORD_HINT, USERNAME_HINT, USERNAME_MESSAGE
from photoshare.web.auth.routes import login_limits, throttled, wait_message
from photoshare.web.auth.session import end_session
from photoshare.web.forms import form_view
from photoshare.web.mail_links import account_mail
from photoshare.web.paging import keyset_page
from photoshare.web.profiles.forms import (
    AccountForm,
    DeleteAccountForm,
    PasswordForm,
    ProfileDetailsForm,
    ProfileImageForm,
)
from photoshare.web.uploads import (
    STORAGE_DOWN_MESSAGE,
    accepts_upload,
    account_gone,
    read_upload,
    refused,
    refused_upload,
    storage_quota,
)

bp = Blueprint("profiles", __name__)

GRID_PAGE_SIZE = 24


# The username converter (web/urls.py) matches only names the rule allows: anything else is a 404
# before the view runs, and never reaches SQL.
@bp.get("/u/<username:username>")
@login_required
def show(username: str):
    """A user's picture, name, bio, counts and grid of posts."""
    conn = get_conn()
    profile = ProfileRepository(conn).page(username, current_user.id)
    if profile is None:
        abort(404)
    posts = PostRepository(conn)
    page = keyset_page(lambda before, limit: posts.by_user(profile.user_id, current_user.id, before, limit=limit),
                       GRID_PAGE_SIZE)
    return render_template("profiles/show.html", profile=profile, posts=page.items, next_cursor=page.next_cursor)


def _settings_page(status: int, picture: ProfileImageForm | None = None, details: ProfileDetailsForm | None = None,
                   delete_form: DeleteAccountForm | None = None):
    conn = get_conn()
    profile = ProfileRepository(conn).get(current_user.id)
    if details is None:
        details = ProfileDetailsForm(formdata=None, data={"display_name": profile.display_name, "bio": profile.bio})
    # The bytes the account keeps, against its quota.
    storage = ProfileRepository(conn).storage(current_user.id)
    return render_template("profiles/settings.html", form=picture or ProfileImageForm(formdata=None),
                           details=details, delete_form=delete_form or DeleteAccountForm(formdata=None),
                           profile=profile, storage=storage, quota_bytes=storage_quota()), status


@bp.route("/settings/profile", methods=["GET", "POST"])
@form_view
@accepts_upload
@login_required
def settings():
    """The profile's picture (set, replace, remove) and its name and bio."""
    form = ProfileImageForm()
    if refused_upload(form.image):
        return _settings_page(413, picture=form)
    if request.method == "POST" and "save" in request.form:
        return _save_details()
    if not form.validate_on_submit():
        return _settings_page(400 if form.is_submitted() else 200, picture=form)
    if form.remove.data:
        remove_profile_image(get_conn(), get_store(), current_user.id)
        flash("Your profile picture is removed.", "success")
        return redirect(url_for("profiles.settings"))
    try:
        image = read_upload(form.image, "profile")
        replace_profile_image(get_conn(), get_store(), current_user.id, current_user.username, image,
                              quota_bytes=storage_quota())
    except UploadRefused as exc:
        form.image.errors.append(str(exc))
        return refused(_settings_page(exc.status, picture=form), exc)
    except UserNotFound:
        return account_gone()
    except StorageUnavailable as exc:
        current_app.logger.warning("profile picture upload failed: %s", exc)
        form.image.errors.append(STORAGE_DOWN_MESSAGE)
        return _settings_page(503, picture=form)
    flash("Your profile picture is updated.", "success")
    return redirect(url_for("profiles.settings"))


def _save_details():
    details = ProfileDetailsForm()
    if not details.validate_on_submit():
        return _settings_page(400, details=details)
    with transaction():
        ProfileRepository(get_conn()).set_details(current_user.id, details.display_name.data, details.bio.data)
    flash("Your profile is updated.", "success")
    return redirect(url_for("profiles.settings"))


def _check_password(user, password: str) -> LoginResult:
    """The account's password, checked under the log-in throttle (a stolen session guesses no faster)."""
    checked = check_password(get_conn(), user, password, request.remote_addr or "unknown", login_limits())
    if checked.throttled:  # said on the page about to be rendered
        flash(f"Too many tries. Please wait {wait_message(checked.retry_after)} and try again.", "error")
    return checked


def _password_throttled(page: str, checked: LoginResult):
    return throttled(page, checked.retry_after)


@bp.route("/settings/account", methods=["GET", "POST"])
@form_view
@login_required
def account():
    """Change the username or email address (password required), under the sign-up rules."""
    conn = get_conn()
    user = UserRepository(conn).get(current_user.id)
    form = AccountForm(data={"username": user.username, "email": user.email})
    if form.validate_on_submit():
        checked = _check_password(user, form.password.data)
        if checked.throttled:
            return _password_throttled(render_template("profiles/account.html", form=form, user=user,
                                                       username_hint=USERNAME_HINT), checked)
        if checked.user is None:
            form.password.errors.append("That is not your password.")
        else:
            try:
                changed = accounts.change_account(conn, account_mail(), user.id, form.username.data, form.email.data)
            except UsernameTaken:
                form.username.errors.append("That username is taken.")
            except EmailTaken:
                form.email.errors.append("An account with that email already exists.")
            except InvalidUsername:
                form.username.errors.append(USERNAME_MESSAGE)
            else:
                if changed.username != user.username:
                    flash(f"Your username is now {changed.username}. Your profile is at its new address; "
                          f"the old one no longer leads to it.", "success")
                if changed.email.lower() != user.email.lower():
                    flash(f"We sent a link to {changed.email}: open it to confirm your new address.", "info")
                elif changed.email != user.email:
                    flash("Your email address is updated.", "success")
                return redirect(url_for("profiles.account"))
    status = 400 if form.is_submitted() else 200
    return render_template("profiles/account.html", form=form, user=user, username_hint=USERNAME_HINT), status


@bp.post("/settings/verify-email")
@login_required
def verify_email():
    """Mail the verification link again."""
    conn = get_conn()
    user = UserRepository(conn).get(current_user.id)
    if user.email_verified_at is not None:
        flash(f"{user.email} is already confirmed.", "info")
    elif send_verification(conn, account_mail(), user):
        flash(f"We sent a link to {user.email}: open it to confirm your address.", "info")
    else:
        flash("Five links went out in the last hour. Please check your spam folder, or try again later.", "error")
    return redirect(url_for("profiles.account"))


@bp.route("/settings/password", methods=["GET", "POST"])
@form_view
@login_required
def password():
    """Change the password; every other session is logged out."""
    form = PasswordForm()
    if form.validate_on_submit():
        conn = get_conn()
        checked = _check_password(UserRepository(conn).get(current_user.id), form.current.data)
        if checked.throttled:
            return _password_throttled(render_template("profiles/password.html", form=form,
                                                       password_hint=PASSWORD_HINT), checked)
        if checked.user is None:
            form.current.errors.append("That is not your current password.")
        else:
            # This browser's session goes on (remembered or not); every other one ends.
            accounts.change_password(conn, account_mail(), current_user.id, form.password.data,
                                     current_user.session_id)
            flash("Your password is changed. Other sessions are logged out.", "success")
            return redirect(url_for("profiles.settings"))
    status = 400 if form.is_submitted() else 200
    return render_template("profiles/password.html", form=form, password_hint=PASSWORD_HINT), status


@bp.post("/settings/delete-account")
@form_view
@login_required
def delete_account():
    """Remove the account, its rows and its stored images (password required)."""
    form = DeleteAccountForm()
    conn = get_conn()
    if form.validate_on_submit():
        checked = _check_password(UserRepository(conn).get(current_user.id), form.password.data)
        if checked.throttled:
            return _password_throttled(_settings_page(429, delete_form=form)[0], checked)
        if checked.user is not None:
            accounts.delete_account(conn, get_store(), current_user.id)
            end_session()
            flash("Your account and everything in it is deleted.", "info")
            return redirect(url_for("auth.register"))
        form.password.errors.append("That is not your password.")
    return _settings_page(400, delete_form=form)
