"""Password checks (log-in, and the settings that ask for the password), throttled in PostgreSQL.

Two limits, both counted before the slow hash by one atomic step, so parallel guesses cannot pass a
check made before any of them was counted, and shared by every app process:

- Per name tried (as typed, in lower case: the username and the email of an account are separate
  names, so a refusal never tells that they belong together): the first `free_attempts` go at once,
  then each further one waits twice as long as the one before, from `base_delay_seconds` up to
  `max_delay_seconds`. Nothing locks: the owner can always try again after the wait, and a success
  clears the count. A browser that logged in to the account before (a known device, web/auth/
  devices.py) has a count of its own, so strangers' guesses never make its owner wait.
- Per client (an address, an IPv6 /64): at most `names_per_client` distinct names within
  `window_seconds`; a shared office or proxy logging in to its own accounts over and over is
  never refused for that, a client trying account after account is.
"""

import math
from typing import NamedTuple

import psycopg

from photoshare.models import User
from photoshare.repositories import LoginAttemptRepository, UserRepository
from photoshare.services.client_address import client_key
from photoshare.services.passwords import verify_password


class LoginLimits(NamedTuple):
    """The throttle's numbers (SECURITY.md, "Rate limits")."""

    free_attempts: int
    names_per_client: int
    window_seconds: int
    base_delay_seconds: float = 60
    max_delay_seconds: float = 3600
    forget_seconds: int = 86400


class LoginResult(NamedTuple):
    """The user when the password was right; `retry_after` (seconds) when it was not even checked."""

    user: User | None
    retry_after: int | None = None

    @property
    def throttled(self) -> bool:
        return self.retry_after is not None


def name_subject(login: str) -> str:
    return f"login:{login.lower()}"


def device_subject(device_id: str, user_id: int) -> str:
    return f"device:{device_id}:{user_id}"


def attempt_login(conn: psycopg.Connection, login: str, password: str, client_addr: str, limits: LoginLimits,
                  device_id: str | None = None, device_user_ids: frozenset[int] = frozenset()) -> LoginResult:
    """Check a log-in by username or email unless the throttle says wait.

    device_id and device_user_ids: this browser's known-device cookie, and the accounts it logged
    in to before; for those, the attempt is counted against the device, not the name or client.
    """
    user = UserRepository(conn).get_by_login(login)
    if device_id is not None and user is not None and user.id in device_user_ids:
        subject, client = device_subject(device_id, user.id), None
    else:
        subject, client = name_subject(login), client_key(client_addr)
    return _checked(conn, user, password, login, subject, client, limits)


def check_password(conn: psycopg.Connection, user: User, password: str, client_addr: str,
                   limits: LoginLimits) -> LoginResult:
    """Check the logged-in user's password (a settings form), under the same throttle as log-in:
    a stolen session gets no more guesses than the log-in form gives."""
    return _checked(conn, user, password, user.username, name_subject(user.username), client_key(client_addr),
                    limits)


def _checked(conn: psycopg.Connection, user: User | None, password: str, login: str, subject: str,
             client: str | None, limits: LoginLimits) -> LoginResult:
    wait = _reserve(conn, login, subject, client, limits)
    if wait is not None:
        return LoginResult(None, retry_after=max(1, math.ceil(wait)))
    attempts = LoginAttemptRepository(conn)
    if verify_password(user, password):
        with conn.transaction():
            attempts.clear(login, subject)
        return LoginResult(user)
    with conn.transaction():
        # Pruned here rather than by a scheduler: an old attempt is never counted anyway.
        attempts.prune(limits.forget_seconds)
    return LoginResult(None)


def _reserve(conn: psycopg.Connection, login: str, subject: str, client: str | None,
             limits: LoginLimits) -> float | None:
    """Count the attempt against the client and the subject, both or neither: None when it may
    go ahead, else the seconds to wait."""
    attempts = LoginAttemptRepository(conn)
    wait = None
    with conn.transaction():
        if client is not None and not attempts.reserve_for_client(login, client, limits.names_per_client,
                                                                 limits.window_seconds):
            wait = attempts.client_wait_seconds(client, limits.window_seconds)
        elif attempts.reserve(subject, limits.free_attempts, limits.base_delay_seconds, limits.max_delay_seconds,
                              limits.forget_seconds) is None:
            wait = attempts.wait_seconds(subject)
            # The client's reservation goes with the transaction: a refused attempt counts nowhere.
            raise psycopg.Rollback()
    return wait
