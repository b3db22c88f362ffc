"""The user Flask-Login keeps in the session, and password hashing."""

import hashlib
import hmac

from flask import current_app
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from photoshare.data.db import get_conn
from photoshare.models import User
from photoshare.repositories import UserRepository

# Compared against when the login names nobody, so both cases take the same time.
_DUMMY_HASH = generate_password_hash("not a real password")


class SessionUser(UserMixin):
    """The logged-in user as Flask-Login sees it."""

    def __init__(self, user: User):
        self.user = user
        self.id = user.id
        self.username = user.username

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
    user_id, _, fingerprint = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = UserRepository(get_conn()).get(int(user_id))
    if user is None or not hmac.compare_digest(fingerprint, password_fingerprint(user.password)):
        return None
    return SessionUser(user)


def hash_password(password: str) -> str:
    """A salted scrypt hash (Werkzeug's default)."""
    return generate_password_hash(password)


def verify_password(user: User | None, password: str) -> bool:
    """Whether password matches; takes as long when the user does not exist."""
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(user.password, password)
