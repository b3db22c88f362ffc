"""Rate limits shared by every app process."""

import psycopg

from photoshare.data.queries import queries


class RateLimitRepository:
    """The rate_limit table (migration 0024 explains the algorithm)."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def take(self, scope: str, subject: str, interval_seconds: float, window_seconds: float) -> bool:
        """Count one event if the subject's allowance has room; False (nothing counted) when not."""
        return queries.take_rate_limit(self.conn, scope=scope, subject=subject, interval_seconds=interval_seconds,
                                       window_seconds=window_seconds) is not None

    def wait_seconds(self, scope: str, subject: str, interval_seconds: float, window_seconds: float) -> float:
        """Seconds until a refused subject's next event would be counted."""
        wait = queries.get_rate_limit_wait(self.conn, scope=scope, subject=subject,
                                           interval_seconds=interval_seconds, window_seconds=window_seconds)
        return wait or 0.0

    def prune(self) -> None:
        """Drop the rows whose allowance is whole again."""
        queries.delete_refilled_rate_limits(self.conn)
