"""/u/<username:username>/follow, /unfollow, /followers, /following."""

import re

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from photoshare.data.db import get_conn
from photoshare.errors import CannotFollowSelf, UserNotFound
from photoshare.models import FollowState
from photoshare.repositories import FollowRepository, ProfileRepository
from photoshare.services.follows import follow_account, unfollow_account
from photoshare.web.auth.forms import USERNAME_PATTERN
from photoshare.web.errorpages import render_error
from photoshare.web.negotiation import wants_json
from photoshare.web.paging import keyset_page
from photoshare.web.security import is_local_path

bp = Blueprint("follows", __name__)

LIST_PAGE_SIZE = 50


def _check_username(username: str) -> None:
    # No account can have another name; this also keeps NUL and the like away from SQL.
    if not re.fullmatch(USERNAME_PATTERN, username):
        abort(404)


def _change(action, username: str):
    _check_username(username)
    try:
        state = action(get_conn(), current_user.id, username)
    except UserNotFound:
        abort(404)
    except CannotFollowSelf:
        return render_error(400, "You can't follow yourself.")
    return _response(username, state)


def _response(username: str, state: FollowState):
    if wants_json():
        return jsonify(following=state.following, follower_count=state.follower_count)
    next_url = request.args.get("next") or request.form.get("next")
    return redirect(next_url if is_local_path(next_url) else url_for("profiles.show", username=username))


@bp.post("/u/<username:username>/follow")
@login_required
def follow(username: str):
    """Follow an account (idempotent): their recent posts are on your home feed at once."""
    return _change(follow_account, username)


@bp.post("/u/<username:username>/unfollow")
@login_required
def unfollow(username: str):
    """Unfollow an account (idempotent): their posts leave your home feed at once."""
    return _change(unfollow_account, username)


def _list(username: str, which: str):
    _check_username(username)
    conn = get_conn()
    profile = ProfileRepository(conn).page(username, current_user.id)
    if profile is None:
        abort(404)
    follows = FollowRepository(conn)
    fetch = follows.followers if which == "followers" else follows.following
    page = keyset_page(lambda before, limit: fetch(profile.user_id, current_user.id, before, limit=limit),
                       LIST_PAGE_SIZE)
    return render_template(f"follows/{which}.html", profile=profile, accounts=page.items,
                           next_cursor=page.next_cursor)


@bp.get("/u/<username:username>/followers")
@login_required
def followers(username: str):
    """An account's followers, most recent first, 50 a page."""
    return _list(username, "followers")


@bp.get("/u/<username:username>/following")
@login_required
def following(username: str):
    """The accounts a user follows, most recent first, 50 a page."""
    return _list(username, "following")
