"""The logged-in user of a request, and starting and ending sessions (services/sessions.py).

Flask's signed session cookie carries the session's token (as Flask-Login's `_user_id`) and the
CSRF token, nothing else: no user id, no address, no fingerprint of one. Who the token belongs to,
and whether it still works, is the user_session row the page's first statement joins.
"""

import hashlib
import hmac

from flask import current_app, g, request, session
from flask_login import UserMixin, current_user, login_user, logout_user

from photoshare.data.db import get_conn
from photoshare.models import User
from photoshare.services import sessions
from photoshare.services.sessions import SessionPolicy


class SessionUser(UserMixin):
    """The logged-in user as Flask-Login sees it: the account, and which session this is."""

    def __init__(self, user: User, token: str, session_id: int, unread_notifications: int = 0):
        self.user = user
        self.id = user.id
        self.username = user.username
        self.token = token
        self.session_id = session_id
        # The navigation's badge: read with the session, so showing it costs no statement.
        self.unread_notifications = unread_notifications

    def get_id(self) -> str:
        # What Flask-Login keeps in the cookie and hands back to load_user: the session token.
        return self.token


def session_policy() -> SessionPolicy:
    config = current_app.config
    return SessionPolicy(config["SESSION_IDLE_SECONDS"], config["SESSION_LIFETIME_SECONDS"],
                         config["REMEMBER_IDLE_SECONDS"], config["REMEMBER_LIFETIME_SECONDS"],
                         rotate_seconds=config["SESSION_ROTATE_SECONDS"])


def _rotation_key() -> bytes:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"session token rotation", hashlib.sha256).digest()


def load_user(token: str) -> SessionUser | None:
    """Flask-Login's loader: the user of a live session, in one statement (which also notes the
    session as seen, and replaces its token when it is due)."""
    # An error page during a database outage renders for an anonymous visitor (errorpages.py).
    if g.get("database_down"):
        return None
    resumed = sessions.resume(get_conn(), token, _rotation_key(), session_policy())
    if resumed is None:
        return None
    if resumed.token != token:
        session["_user_id"] = resumed.token
    return SessionUser(resumed.row.user(), resumed.token, resumed.row.session_id, resumed.row.unread_notifications)


def start_session(user: User, remember: bool = False) -> None:
    """Log the user in with a new server-side session: nothing from before (fixation) survives.

    With "remember me" the cookie outlives the browser (until the session's absolute expiry);
    without, it ends with the browser, and the server ends the session sooner too.
    """
    session.clear()
    token, session_id = sessions.start(get_conn(), user.id, remember, request.user_agent.string,
                                       request.remote_addr or "", session_policy())
    login_user(SessionUser(user, token, session_id))
    # Flask-Login's hash of the client's address and user agent: unsalted, so the address could be
    # recovered offline from a cookie; the server-side session makes it pointless (SECURITY.md).
    session.pop("_id", None)
    session.permanent = remember


def end_session() -> None:
    """Log out: the session ends on the server (its cookie is worthless from now on), and the
    browser forgets everything the session held."""
    if current_user.is_authenticated:
        sessions.end(get_conn(), current_user.id, current_user.session_id)
    session.clear()
    logout_user()
