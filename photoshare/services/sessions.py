"""Server-side sessions: started at log-in, checked on every request, ended by log-out, by the
sessions page and by a password change.

The browser holds a random token (256 bits); the database keeps its SHA-256 (user_session), so the
table opens no session. A session ends when it is revoked, when it has not been seen for its idle
timeout, or at its absolute expiry, whichever comes first. Once a token is `rotate_seconds` old,
the next request that uses it replaces it with the next token, an HMAC of the old one under the
app's key: a request already in flight with the old token (a second tab, a like) can still work
out the new one, and the old token is accepted for one more minute only. A copied cookie thus
stops working within an hour of its owner's next visit, and the owner's copy keeps working.
"""

import hashlib
import hmac
import re
import secrets
from typing import NamedTuple

import psycopg

from photoshare.models import ActiveSession, SessionUserRow
from photoshare.repositories import SessionRepository
from photoshare.services.client_address import coarse_network

# The sessions page lists the most recently seen ones; "log out everywhere else" ends all the rest.
SESSIONS_LISTED = 50


class SessionPolicy(NamedTuple):
    """How long sessions last (seconds), with and without "remember me"."""

    idle_seconds: int
    lifetime_seconds: int
    remember_idle_seconds: int
    remember_lifetime_seconds: int
    # last_seen_at is written at most this often per session; the idle timeout is this precise.
    touch_seconds: int = 60
    # A token is replaced on its first use after this long.
    rotate_seconds: int = 3600


class Resumed(NamedTuple):
    """A live session's user row, and the token the browser must hold from now on."""

    row: SessionUserRow
    token: str


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def next_token(token: str, key: bytes) -> str:
    """The token that replaces `token` when it is rotated."""
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def start(conn: psycopg.Connection, user_id: int, remember: bool, user_agent: str, client_addr: str,
          policy: SessionPolicy) -> tuple[str, int]:
    """A new session for the user: its token (for the cookie) and its id."""
    token = secrets.token_urlsafe(32)
    idle, lifetime = ((policy.remember_idle_seconds, policy.remember_lifetime_seconds) if remember
                      else (policy.idle_seconds, policy.lifetime_seconds))
    sessions = SessionRepository(conn)
    with conn.transaction():
        session_id = sessions.add(user_id, token_hash(token), remember, device_name(user_agent),
                                  coarse_network(client_addr), idle, lifetime)
        # Pruned here rather than by a scheduler: an ended session is refused anyway.
        sessions.prune()
    return token, session_id


def resume(conn: psycopg.Connection, token: str, key: bytes, policy: SessionPolicy) -> Resumed | None:
    """The session's user if the token opens a live session (one statement), else None."""
    following = next_token(token, key)
    row = SessionRepository(conn).user_of(token_hash(token), token_hash(following), policy.touch_seconds,
                                          policy.rotate_seconds)
    if row is None:
        return None
    return Resumed(row, following if row.rotated else token)


def end(conn: psycopg.Connection, user_id: int, session_id: int) -> bool:
    """End one of the account's sessions; False when it was not a live one of theirs."""
    with conn.transaction():
        return SessionRepository(conn).revoke(user_id, session_id)


def end_others(conn: psycopg.Connection, user_id: int, keep_id: int | None) -> None:
    """End every session of the account but `keep_id` (None: every one)."""
    with conn.transaction():
        SessionRepository(conn).revoke_others(user_id, keep_id)


def active(conn: psycopg.Connection, user_id: int) -> tuple[list[ActiveSession], bool]:
    """The account's live sessions, most recently seen first, at most SESSIONS_LISTED of them, and
    whether it has more (a script that logs in over and over must not make the page unbounded)."""
    listed = SessionRepository(conn).active(user_id, SESSIONS_LISTED + 1)
    return listed[:SESSIONS_LISTED], len(listed) > SESSIONS_LISTED


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chromium/", "Chromium"),
             ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def device_name(user_agent: str) -> str:
    """A short name for a user agent ("Firefox on Linux"); the agent string itself is not kept."""
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), None)
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return browser or system
    # A script or an unknown browser: its first word, printable and short.
    word = re.match(r"[A-Za-z0-9._-]{1,40}", user_agent or "")
    return word.group(0) if word else "Unknown device"
