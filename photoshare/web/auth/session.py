"""The user Flask-Login keeps in the session, and starting and ending a session."""

import hashlib
import hmac

from flask import current_app, g, request, session
from flask_login import UserMixin, login_user, logout_user

from photoshare.data.db import get_conn
from photoshare.models import User
from photoshare.repositories import UserRepository


class SessionUser(UserMixin):
    """The logged-in user as Flask-Login sees it."""

    def __init__(self, user: User, unread_notifications: int = 0):
        self.user = user
        self.id = user.id
        self.username = user.username
        # The navigation's badge: read with the account, so showing it costs no statement.
        self.unread_notifications = unread_notifications

    def get_id(self) -> str:
        # The id carries a fingerprint of the password hash: changing the password
        # changes it, which logs out every other session and remember-me cookie.
        return f"{self.user.id}:{password_fingerprint(self.user.password)}"


def password_fingerprint(password_hash: str) -> str:
    """A short tag of the password hash, keyed with SECRET_KEY so a session cookie reveals nothing about it."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, password_hash.encode(), hashlib.sha256).hexdigest()[:32]


def load_user(session_id: str) -> SessionUser | None:
    """Flask-Login's loader: the user, if the fingerprint still matches their password."""
    # An error page during a database outage renders for an anonymous visitor (errorpages.py).
    if g.get("database_down"):
        return None
    user_id, _, fingerprint = session_id.partition(":")
    if not user_id.isdigit():
        return None
    account = UserRepository(get_conn()).get_for_session(int(user_id))
    if account is None or not hmac.compare_digest(fingerprint, password_fingerprint(account.password)):
        return None
    return SessionUser(account.user(), account.unread_notifications)


def start_session(user: User, remember: bool = False) -> None:
    """Log the user in with a fresh session: nothing from before (fixation) survives."""
    session.clear()
    login_user(SessionUser(user), remember=remember)


def end_session() -> None:
    """Log out and forget everything the session held (the remember-me cookie too)."""
    # Cleared first: logout_user() leaves a note in the session to delete the remember cookie.
    session.clear()
    logout_user()


def remembered() -> bool:
    """Whether this browser holds a remember-me cookie (to keep one when the session starts again)."""
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
