"""/u/<username>, /settings/profile, /settings/password, /settings/delete-account."""

import re

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from photoshare.data.db import get_conn
from photoshare.errors import StorageUnavailable, UploadRefused, UserNotFound
from photoshare.media.factory import get_store
from photoshare.repositories import PostRepository, ProfileRepository, UserRepository
from photoshare.services import accounts
from photoshare.services.passwords import verify_password
from photoshare.services.profiles import remove_profile_image, replace_profile_image
from photoshare.web.auth.forms import USERNAME_PATTERN
from photoshare.web.auth.session import end_session, remembered, start_session
from photoshare.web.paging import keyset_page
from photoshare.web.profiles.forms import DeleteAccountForm, PasswordForm, ProfileImageForm
from photoshare.web.uploads import STORAGE_DOWN_MESSAGE, account_gone, read_upload, refused, storage_quota

bp = Blueprint("profiles", __name__)

GRID_PAGE_SIZE = 24


@bp.get("/u/<username>")
@login_required
def show(username: str):
    """A user's picture, counts and grid of posts."""
    # No account can have another name; this also keeps NUL and the like away from SQL.
    if not re.fullmatch(USERNAME_PATTERN, username):
        abort(404)
    conn = get_conn()
    profile = ProfileRepository(conn).page(username)
    if profile is None:
        abort(404)
    posts = PostRepository(conn)
    page = keyset_page(lambda before, limit: posts.by_user(profile.user_id, current_user.id, before, limit=limit),
                       GRID_PAGE_SIZE)
    return render_template("profiles/show.html", profile=profile, posts=page.items, next_cursor=page.next_cursor)


def _settings_page(form: ProfileImageForm, status: int, delete_form: DeleteAccountForm | None = None):
    # The picture and the bytes the account keeps, against its quota.
    profile = ProfileRepository(get_conn()).storage(current_user.id)
    return render_template("profiles/settings.html", form=form, delete_form=delete_form, profile=profile,
                           quota_bytes=storage_quota()), status


@bp.route("/settings/profile", methods=["GET", "POST"])
@login_required
def settings():
    """Set, replace or remove the profile picture."""
    form = ProfileImageForm()
    if not form.validate_on_submit():
        return _settings_page(form, 400 if form.is_submitted() else 200)
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
        return refused(_settings_page(form, exc.status), exc)
    except UserNotFound:
        return account_gone()
    except StorageUnavailable as exc:
        current_app.logger.warning("profile picture upload failed: %s", exc)
        form.image.errors.append(STORAGE_DOWN_MESSAGE)
        return _settings_page(form, 503)
    flash("Your profile picture is updated.", "success")
    return redirect(url_for("profiles.settings"))


@bp.route("/settings/password", methods=["GET", "POST"])
@login_required
def password():
    """Change the password; every other session is logged out."""
    form = PasswordForm()
    if form.validate_on_submit():
        conn = get_conn()
        if not verify_password(UserRepository(conn).get(current_user.id), form.current.data):
            form.current.errors.append("That is not your current password.")
        else:
            user = accounts.change_password(conn, current_user.id, form.password.data)
            # This session gets the new fingerprint; the others no longer match. A remember
            # cookie here is issued again, or it would stop working when the session ends.
            start_session(user, remember=remembered())
            flash("Your password is changed. Other sessions are logged out.", "success")
            return redirect(url_for("profiles.settings"))
    status = 400 if form.is_submitted() else 200
    return render_template("profiles/password.html", form=form), status


@bp.post("/settings/delete-account")
@login_required
def delete_account():
    """Remove the account, its rows and its stored images (password required)."""
    form = DeleteAccountForm()
    conn = get_conn()
    if form.validate_on_submit() and verify_password(UserRepository(conn).get(current_user.id), form.password.data):
        accounts.delete_account(conn, get_store(), current_user.id)
        end_session()
        flash("Your account and everything in it is deleted.", "info")
        return redirect(url_for("auth.register"))
    if form.is_submitted() and not form.password.errors:
        form.password.errors.append("That is not your password.")
    return _settings_page(ProfileImageForm(), 400, delete_form=form)
