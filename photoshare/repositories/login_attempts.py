"""Failed log-ins, for throttling shared by every app process."""

import psycopg

from photoshare.data.queries import fetch_record, queries
from photoshare.models import LoginFailures
from photoshare.repositories._unit import require_unit_of_work


class LoginAttemptRepository:
    """The login_attempt table."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def record_failure(self, login: str, client_addr: str) -> None:
        """Remember one failed attempt."""
        require_unit_of_work(self.conn)
        queries.insert_login_attempt(self.conn, login=login, client_addr=client_addr)

    def recent_failures(self, login: str, client_addr: str, window_seconds: int) -> LoginFailures:
        """Failures within the window: for this login, and from this client address."""
        return fetch_record(self.conn, queries.count_recent_login_failures, LoginFailures, login=login,
                            client_addr=client_addr, window_seconds=window_seconds)

    def clear(self, login: str) -> None:
        """Forget the failures of a login after it succeeded."""
        require_unit_of_work(self.conn)
        queries.delete_login_attempts_for(self.conn, login=login)

    def prune(self) -> None:
        """Drop failures older than a day."""
        require_unit_of_work(self.conn)
        queries.delete_old_login_attempts(self.conn)
