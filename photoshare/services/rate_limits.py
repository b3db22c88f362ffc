"""Limits of the kind "at most N events per window", kept in PostgreSQL so that every app process
counts against the same allowance (a per-process counter would multiply it by the number of workers).

The allowance refills evenly: with N events per W seconds, a subject may spend all N at once, then
gets one more every W / N seconds (a token bucket; the rate_limit table holds when it is full again).
Uploads per account use it (UPLOAD_LIMIT per UPLOAD_WINDOW_SECONDS); any other limit takes a scope
of its own.
"""

import math
from typing import NamedTuple

import psycopg

from photoshare.repositories.rate_limits import RateLimitRepository


class Rate(NamedTuple):
    """At most `events` per `window_seconds`, refilled evenly."""

    events: int
    window_seconds: float

    @property
    def interval_seconds(self) -> float:
        return self.window_seconds / self.events


def take(conn: psycopg.Connection, scope: str, subject: str, rate: Rate) -> int | None:
    """Count one event of `subject` under `scope`: None when allowed, else the whole seconds to
    wait before the next one would be (for Retry-After). Commits at once, whatever follows."""
    limits = RateLimitRepository(conn)
    with conn.transaction():
        if limits.take(scope, subject, rate.interval_seconds, rate.window_seconds):
            return None
        wait = limits.wait_seconds(scope, subject, rate.interval_seconds, rate.window_seconds)
        # Pruned on refusals only: they are rare, and a row left behind means the same as none.
        limits.prune()
    return max(1, math.ceil(wait))
