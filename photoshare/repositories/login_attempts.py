"""Failed log-ins, for throttling shared by every app process."""

import psycopg

from photoshare.data.queries import queries
from photoshare.repositories._unit import require_unit_of_work


class LoginAttemptRepository:
    """The login_attempt table."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def record_failure(self, login: str, client_addr: str) -> None:
        """Remember one failed attempt."""
        require_unit_of_work(self.conn)
        queries.insert_login_attempt(self.conn, login=login, client_addr=client_addr)

    def recent_failures(self, login: str, client_addr: str, window_seconds: int) -> tuple[int, int]:
        """Failures within the window: (for this login, from this client address)."""
        row = queries.count_recent_login_failures(self.conn, login=login, client_addr=client_addr,
                                                  window_seconds=window_seconds)
        return row["by_login"], row["by_client"]

    def clear(self, login: str) -> None:
        """Forget the failures of a login after it succeeded."""
        require_unit_of_work(self.conn)
        queries.delete_login_attempts_for(self.conn, login=login)

    def prune(self) -> None:
        """Drop failures older than a day."""
        require_unit_of_work(self.conn)
        queries.delete_old_login_attempts(self.conn)
