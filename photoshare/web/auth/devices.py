"""The known-device cookie: which accounts this browser logged in to before.

A signed cookie (HMAC under SECRET_KEY) holding a random device id and the ids of the last few
accounts that logged in here, for a year. A log-in from it is throttled by its own count
(services/login_throttle.py), so a stranger's wrong guesses never make the owner wait. It proves
nothing on its own: the password is still checked, and a copied cookie gives the copier only the
device's own, equally slow, allowance.
"""

import secrets
from typing import NamedTuple

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "device"
HOST_COOKIE = "__Host-device"
MAX_AGE_SECONDS = 365 * 86400
MAX_ACCOUNTS = 5


class KnownDevice(NamedTuple):
    id: str
    user_ids: frozenset[int]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="known device")


def _cookie_name() -> str:
    return HOST_COOKIE if request.is_secure else COOKIE


def this_device() -> KnownDevice | None:
    """The browser's known-device cookie, if it holds a valid one."""
    value = request.cookies.get(_cookie_name())
    if not value:
        return None
    try:
        data = _serializer().loads(value, max_age=MAX_AGE_SECONDS)
        return KnownDevice(str(data["d"]), frozenset(int(uid) for uid in data["u"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None


def remember_device(response, user_id: int):
    """Add the account to this browser's known-device cookie (a new device id if it has none)."""
    device = this_device()
    device_id = device.id if device else secrets.token_urlsafe(16)
    previous = [uid for uid in (sorted(device.user_ids) if device else []) if uid != user_id]
    user_ids = [*previous[-(MAX_ACCOUNTS - 1):], user_id]
    response.set_cookie(_cookie_name(), _serializer().dumps({"d": device_id, "u": user_ids}),
                        max_age=MAX_AGE_SECONDS, path="/", secure=request.is_secure, httponly=True, samesite="Lax")
    return response
