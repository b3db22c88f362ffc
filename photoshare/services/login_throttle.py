"""Logging in by username or email, throttled per account and per client address in PostgreSQL.

The counts live in the database, so every app process sees the same ones: a per-process
counter would multiply an attacker's attempts by the number of workers.
"""

from typing import NamedTuple

import psycopg

from photoshare.models import User
from photoshare.repositories import LoginAttemptRepository, UserRepository
from photoshare.services.passwords import verify_password


class LoginLimits(NamedTuple):
    """Failures allowed within the window, per account and per client address."""

    per_account: int
    per_client: int
    window_seconds: int


class LoginResult(NamedTuple):
    """The user when the password was right; `throttled` when the attempt was not even checked."""

    user: User | None
    throttled: bool = False


def attempt_login(conn: psycopg.Connection, login: str, password: str, client_addr: str,
                  limits: LoginLimits) -> LoginResult:
    """Check a log-in unless too many failures came before; a failure is counted, a success clears them."""
    user = UserRepository(conn).get_by_login(login)
    # Failures count against the account, whichever of its names (or cases) was typed.
    account = user.username if user else login
    attempts = LoginAttemptRepository(conn)
    failures = attempts.recent_failures(account, client_addr, limits.window_seconds)
    if failures.by_login >= limits.per_account or failures.by_client >= limits.per_client:
        return LoginResult(None, throttled=True)
    if verify_password(user, password):
        with conn.transaction():
            attempts.clear(account)
        return LoginResult(user)
    with conn.transaction():
        attempts.record_failure(account, client_addr)
        # Pruned here rather than by a scheduler: an old failure is never counted anyway.
        attempts.prune()
    return LoginResult(None)
