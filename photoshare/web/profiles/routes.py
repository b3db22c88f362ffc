"""/u/<username>, /settings/profile, /settings/password, /settings/delete-account."""

import re

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from photoshare.data.db import get_conn, transaction
from photoshare.errors import ImageTooLarge, NotAnImage, StorageUnavailable
from photoshare.media.factory import get_store
from photoshare.media.keys import new_profile_key
from photoshare.media.storage import delete_images_quietly
from photoshare.pagination import BadCursor, Cursor
from photoshare.repositories import PostRepository, ProfileRepository, UserRepository
from photoshare.web.auth.forms import USERNAME_PATTERN
from photoshare.web.auth.session import SessionUser, hash_password, verify_password
from photoshare.web.profiles.forms import DeleteAccountForm, PasswordForm, ProfileImageForm
from photoshare.web.uploads import STORAGE_DOWN_MESSAGE, read_upload, stored_image

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
    try:
        before = Cursor.decode(request.args["before"]) if "before" in request.args else None
    except BadCursor:
        abort(400)
    rows = PostRepository(conn).by_user(profile.user_id, current_user.id, before, limit=GRID_PAGE_SIZE + 1)
    posts, more = rows[:GRID_PAGE_SIZE], len(rows) > GRID_PAGE_SIZE
    next_cursor = Cursor.after(posts[-1]).encode() if more else None
    return render_template("profiles/show.html", profile=profile, posts=posts, next_cursor=next_cursor)


@bp.route("/settings/profile", methods=["GET", "POST"])
@login_required
def settings():
    """Set, replace or remove the profile picture."""
    form = ProfileImageForm()
    profiles = ProfileRepository(get_conn())
    if form.validate_on_submit():
        if form.remove.data:
            with transaction():
                old = profiles.set_image(current_user.id, None)
            if old:
                delete_images_quietly(get_store(), [old])
            flash("Your profile picture is removed.", "success")
            return redirect(url_for("profiles.settings"))
        try:
            image = read_upload(form.image.data, "profile")
        except (NotAnImage, ImageTooLarge) as exc:
            form.image.errors.append(str(exc))
        else:
            key = new_profile_key(current_user.username, image.ext)
            # New object first, row second, old object last: at every step the row
            # points to an object that exists.
            try:
                with stored_image(get_store(), key, image), transaction():
                    old = profiles.set_image(current_user.id, key)
            except StorageUnavailable as exc:
                current_app.logger.warning("upload of %s failed: %s", key, exc)
                form.image.errors.append(STORAGE_DOWN_MESSAGE)
                profile = profiles.get(current_user.id)
                return render_template("profiles/settings.html", form=form, profile=profile), 503
            if old:
                delete_images_quietly(get_store(), [old])
            flash("Your profile picture is updated.", "success")
            return redirect(url_for("profiles.settings"))
    profile = profiles.get(current_user.id)
    status = 400 if form.is_submitted() else 200
    return render_template("profiles/settings.html", form=form, profile=profile), status


@bp.route("/settings/password", methods=["GET", "POST"])
@login_required
def password():
    """Change the password; every other session is logged out."""
    form = PasswordForm()
    if form.validate_on_submit():
        users = UserRepository(get_conn())
        user = users.get(current_user.id)
        if not verify_password(user, form.current.data):
            form.current.errors.append("That is not your current password.")
        elif form.password.data.lower() == user.username.lower():
            form.password.errors.append("The password must not be your username.")
        else:
            with transaction():
                users.set_password(user.id, hash_password(form.password.data))
            # This session gets the new fingerprint; the others no longer match. A remember
            # cookie here is issued again, or it would stop working when the session ends.
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            session.clear()
            login_user(SessionUser(users.get(user.id)), remember=remembered)
            flash("Your password is changed. Other sessions are logged out.", "success")
            return redirect(url_for("profiles.settings"))
    status = 400 if form.is_submitted() else 200
    return render_template("profiles/password.html", form=form), status


@bp.post("/settings/delete-account")
@login_required
def delete_account():
    """Remove the account, its rows and its stored images (password required)."""
    form = DeleteAccountForm()
    users = UserRepository(get_conn())
    if form.validate_on_submit() and verify_password(users.get(current_user.id), form.password.data):
        with transaction():
            keys = users.media_keys(current_user.id)
            users.delete(current_user.id)
        delete_images_quietly(get_store(), keys)
        # Cleared first: logout_user() leaves a note in the session to delete the remember cookie.
        session.clear()
        logout_user()
        flash("Your account and everything in it is deleted.", "info")
        return redirect(url_for("auth.register"))
    if form.is_submitted() and not form.password.errors:
        form.password.errors.append("That is not your password.")
    profile = ProfileRepository(get_conn()).get(current_user.id)
    return render_template("profiles/settings.html", form=ProfileImageForm(), delete_form=form,
                           profile=profile), 400
